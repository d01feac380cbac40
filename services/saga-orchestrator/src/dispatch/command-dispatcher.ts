import type { Logger, Pool } from '@orderflow/platform';
import { lazyChild, type LineLogger } from '@orderflow/platform/request-logger';
import { claimDueCommands, makePendingDue, scheduleRetry, type ClaimedCommand } from '../adapters/postgres/command-outbox.js';
import type { SagaHandler } from '../order-saga/order-saga.handler.js';
import type { SagaMetrics } from '../saga-metrics.js';
import type { CommandBreakers } from './command-breakers.js';
import { classifyFailure, sendCommand, type CommandGateway } from './command-gateway.js';
import { backoffMs, mayRetry, type RetryPolicy } from './retry-policy.js';

/** opossum's code for a call refused by an open circuit. */
const OPEN_CIRCUIT = 'EOPENBREAKER';

export type DispatcherDeps = Readonly<{
  pool: Pool;
  gateway: CommandGateway;
  handler: SagaHandler;
  breakers: CommandBreakers;
  retry: RetryPolicy;
  logger: Logger;
  metrics?: SagaMetrics;
  /** Calls in flight at most; each saga waits on its own call, never on another saga's. */
  concurrency: number;
  /** Poll for commands due again (retries) or left by other instances; this process's own arrive through `dispatch`. */
  pollMs: number;
  /** Lease of a claimed command: longer than a call may take. */
  leaseMs: number;
  /** Wait after an open circuit refused a call: the circuit's reset time. */
  openCircuitDelayMs: number;
  clock?: () => Date;
}>;

/**
 * Sends the commands sagas decided, after the transaction that decided them committed:
 * this process's own are handed over at once; those due again (retries) or left by an
 * instance that died are claimed by polling. Runs beside the Kafka consumer, never inside
 * it: a slow or failing command holds up only its own saga.
 */
export function createCommandDispatcher(deps: DispatcherDeps) {
  const { pool, retry, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const inFlight = new Set<Promise<void>>();
  // handed over by this process's transactions, leased to it, waiting for a free slot
  const handedOver: ClaimedCommand[] = [];
  // the last claim took as many as it could: more may be due, so a freed slot claims again
  let saturated = false;
  let running = false;
  let poll: NodeJS.Timeout | undefined;
  let ticking: Promise<void> | null = null;
  let rerun = false;

  const tick = (): Promise<void> => {
    if (!running) return Promise.resolve();
    if (ticking) {
      rerun = true;
      return ticking;
    }
    ticking = claimAndSend()
      .catch((e: unknown) => logger.error({ event: 'saga.dispatch_claim_failed', err: e }, 'claiming saga commands failed'))
      .finally(() => {
        ticking = null;
        if (rerun) {
          rerun = false;
          void tick();
        }
      });
    return ticking;
  };

  async function claimAndSend(): Promise<void> {
    for (;;) {
      const free = deps.concurrency - inFlight.size - handedOver.length;
      saturated = free <= 0;
      if (!running || saturated) return;
      const claimed = await claimDueCommands(pool, clock(), free, deps.leaseMs);
      for (const command of claimed) track(send(command));
      saturated = claimed.length === free;
      if (!saturated) return;
    }
  }

  const sendHandedOver = () => {
    while (running && handedOver.length > 0 && inFlight.size < deps.concurrency) track(send(handedOver.shift() as ClaimedCommand));
  };

  const track = (p: Promise<void>) => {
    inFlight.add(p);
    void p.finally(() => {
      inFlight.delete(p);
      sendHandedOver();
      if (saturated && handedOver.length === 0) void tick();
    });
  };

  async function send(claimed: ClaimedCommand): Promise<void> {
    const { command } = claimed;
    const attempt = claimed.attempts + 1;
    const log = lazyChild(logger, { commandId: command.commandId, commandType: command.type, sagaId: claimed.sagaId, correlationId: command.correlationId });
    const started = performance.now();
    let error: unknown = null;
    try {
      const trace = { traceparent: claimed.traceparent, tracestate: claimed.tracestate };
      await deps.breakers.fire(command.type, (signal) => sendCommand(deps.gateway, command, signal, trace));
    } catch (e) {
      error = e;
    }
    const ms = Math.round(performance.now() - started);
    try {
      await record(claimed, attempt, error, log, ms);
    } catch (e) {
      // the lease runs out and the command is sent again: harmless under its command id
      log.error({ event: 'saga.command_record_failed', err: e }, 'recording a command result failed');
    }
  }

  async function record(claimed: ClaimedCommand, attempt: number, error: unknown, log: LineLogger, ms: number) {
    const { command } = claimed;
    if (error === null) {
      await deps.handler.handleCommandResult(claimed, { ok: true, attempts: attempt }, clock());
      deps.metrics?.commandSent(command.type, 'sent');
      // debug: four a saga; failures and retries below stay at warn
      log.debug({ event: 'saga.command_sent', attempt, ms }, 'command accepted');
      return;
    }
    const failure = classifyFailure(error);
    const summary = `${failure.code}: ${failure.message}`;
    if (failure.code === OPEN_CIRCUIT) {
      // never reached the command service: no attempt spent; the step deadline still bounds the wait
      // jittered past the reset, so postponed commands do not all hit the half-open probe at once
      const delayMs = Math.round(deps.openCircuitDelayMs * (1 + Math.random() / 2));
      await scheduleRetry(pool, claimed.commandId, { attempts: claimed.attempts, error: summary, at: clock(), delayMs });
      deps.metrics?.commandSent(command.type, 'retry');
      log.warn({ event: 'saga.command_circuit_open', delayMs }, 'circuit open, command postponed');
      return;
    }
    if (failure.transient && mayRetry(attempt, claimed.compensation, retry)) {
      const delayMs = backoffMs(attempt, retry);
      await scheduleRetry(pool, claimed.commandId, { attempts: attempt, error: summary, at: clock(), delayMs });
      deps.metrics?.commandSent(command.type, 'retry');
      log.warn({ event: 'saga.command_retry', attempt, delayMs, code: failure.code, ms }, 'command failed, will retry');
      return;
    }
    await deps.handler.handleCommandResult(
      claimed,
      { ok: false, attempts: attempt, failure: { commandId: claimed.commandId, ...failure } },
      clock(),
    );
    deps.metrics?.commandSent(command.type, failure.transient ? 'exhausted' : 'refused');
    log.warn({ event: 'saga.command_failed', attempt, code: failure.code, transient: failure.transient, ms }, 'command failed for good');
  }

  return {
    /** Resends whatever an earlier run left pending, then keeps sending as sagas decide. */
    async start(): Promise<number> {
      const resumed = await makePendingDue(pool, clock());
      running = true;
      poll = setInterval(() => void tick(), deps.pollMs);
      void tick();
      return resumed;
    },
    /**
     * Commands a transaction of this process just committed, leased to it: sent without a
     * claim, in order as slots free up. Left unsent (at a stop), they fall due when the
     * lease ends, for any dispatcher.
     */
    dispatch(commands: readonly ClaimedCommand[]): void {
      if (!running) return;
      handedOver.push(...commands);
      sendHandedOver();
    },
    /** Stops claiming and waits for the calls in flight to be recorded. */
    async stop(): Promise<void> {
      running = false;
      handedOver.length = 0;
      clearInterval(poll);
      await ticking;
      await Promise.allSettled([...inFlight]);
    },
  };
}

export type CommandDispatcher = ReturnType<typeof createCommandDispatcher>;
