import pg from 'pg';
import type { Logger } from '@orderflow/platform';
import type { QueryMetrics } from '../../metrics.js';
import { createVersionWaiters, parseVersionNotification, type VersionWaiter } from '../../orders/version-waiters.js';

/** Channel the projection notifies after each committed batch, one `<orderId>:<version>` per changed order. */
export const ORDER_VIEW_CHANNEL = 'order_view_updated';

export type VersionListener = {
  register(orderId: string, minVersion: number): VersionWaiter;
  /** Resolves once LISTEN is in place; keeps retrying until then (or until closed). */
  start(): Promise<void>;
  isListening(): boolean;
  /** Stops listening and wakes every waiter so in-flight requests answer at once. */
  close(): Promise<void>;
};

export type VersionListenerOptions = {
  connectionString: string;
  logger: Logger;
  metrics?: Pick<QueryMetrics, 'listenerConnected' | 'listenerReconnects'>;
  reconnectDelayMs?: { min: number; max: number };
  /** Names the connection in pg_stat_activity. */
  applicationName?: string;
};

/**
 * One dedicated connection LISTENs for every waiter of the process (a pooled client
 * could be handed to a query and lose its LISTEN). When the connection drops it is
 * re-established with backoff, and every waiter is then woken to re-read the row, since
 * notifications sent while nobody listened are gone.
 */
export function createVersionListener(opts: VersionListenerOptions): VersionListener {
  const waiters = createVersionWaiters();
  const delays = opts.reconnectDelayMs ?? { min: 100, max: 2_000 };
  const log = opts.logger.child({ component: 'version-listener' });
  let current: pg.Client | null = null;
  let closed = false;
  let started = false;
  let everConnected = false;
  let attempt = 0;
  let retryTimer: NodeJS.Timeout | undefined;
  let onFirstListen: () => void = () => {};
  const firstListen = new Promise<void>((resolve) => {
    onFirstListen = resolve;
  });

  const setConnected = (up: boolean) => opts.metrics?.listenerConnected.set(up ? 1 : 0);

  const scheduleConnect = () => {
    if (closed || retryTimer) return;
    const delay = Math.min(delays.max, delays.min * 2 ** Math.min(attempt, 10));
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, delay);
  };

  const lost = (client: pg.Client, err?: Error) => {
    if (client !== current) return;
    current = null;
    setConnected(false);
    client.end().catch(() => {});
    if (closed) return;
    log.warn({ event: 'version_listener.lost', err: err?.message }, 'LISTEN connection lost; reconnecting');
    scheduleConnect();
  };

  const onNotification = (msg: pg.Notification) => {
    if (msg.channel !== ORDER_VIEW_CHANNEL) return;
    const parsed = parseVersionNotification(msg.payload);
    if (!parsed) {
      log.debug({ event: 'version_listener.bad_payload', payload: msg.payload }, 'ignored notification');
      return;
    }
    waiters.notify(parsed.orderId, parsed.version);
  };

  async function connect(): Promise<void> {
    if (closed) return;
    const client = new pg.Client({
      connectionString: opts.connectionString,
      application_name: opts.applicationName ?? 'query-version-listener',
      // an idle LISTEN connection sends nothing: TCP keepalive is what notices a dead peer
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    // events of a client that is not (or no longer) `current` are ignored by `lost`
    client.on('error', (err) => lost(client, err));
    client.on('end', () => lost(client));
    client.on('notification', onNotification);
    try {
      await client.connect();
      await client.query(`LISTEN ${ORDER_VIEW_CHANNEL}`);
    } catch (e) {
      client.end().catch(() => {});
      log.warn({ event: 'version_listener.connect_failed', err: (e as Error).message, attempt }, 'could not LISTEN; retrying');
      scheduleConnect();
      return;
    }
    if (closed) {
      await client.end().catch(() => {});
      return;
    }
    current = client;
    attempt = 0;
    setConnected(true);
    if (everConnected) opts.metrics?.listenerReconnects.inc();
    everConnected = true;
    log.info({ event: 'version_listener.listening', channel: ORDER_VIEW_CHANNEL }, 'listening for order view updates');
    // a change may have been committed while no connection listened; waiters re-read
    waiters.wakeAll();
    onFirstListen();
  }

  return {
    register: (orderId, minVersion) => waiters.register(orderId, minVersion),
    start: () => {
      if (!started) {
        started = true;
        void connect();
      }
      return firstListen;
    },
    isListening: () => current !== null,
    close: async () => {
      closed = true;
      clearTimeout(retryTimer);
      retryTimer = undefined;
      waiters.close();
      const client = current;
      current = null;
      setConnected(false);
      onFirstListen();
      if (client) await client.end().catch(() => {});
    },
  };
}
