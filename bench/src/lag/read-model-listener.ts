import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createVisibilityBoard, type VisibilityBoard } from './visibility-board.js';

/** The projection's channel: one `<orderId>:<version>` per changed order, delivered at its commit. */
const CHANNEL = 'order_view_updated';

export type ReadModelListener = Pick<VisibilityBoard, 'visible' | 'pending'> & Readonly<{ close: () => Promise<void> }>;

/**
 * LISTENs on the projection's channel from a connection of its own. PostgreSQL sends a
 * notification only when the transaction that wrote the row commits, so the moment it
 * arrives is the moment the version is visible to every reader (plus one local hop,
 * the same for every order).
 */
export async function listenToReadModel(databaseUrl: string): Promise<ReadModelListener> {
  const board = createVisibilityBoard('in the read model');
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'bench-lag-listener' });
  let closing = false;
  client.on('notification', (n) => {
    if (n.channel === CHANNEL && n.payload !== undefined) board.announce(n.payload, performance.now());
  });
  client.on('error', (error) => {
    if (!closing) board.abort(new Error(`the LISTEN connection failed: ${error.message}`));
  });
  client.on('end', () => {
    if (!closing) board.abort(new Error('the LISTEN connection ended'));
  });
  await client.connect();
  await client.query(`LISTEN ${CHANNEL}`);
  return {
    visible: board.visible,
    pending: board.pending,
    async close() {
      closing = true;
      board.abort(new Error('the listener was closed'));
      await client.end();
    },
  };
}
