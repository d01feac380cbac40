import type { PreparedEvent } from './append-input.js';
import { settle, type Settled } from '@orderflow/platform';
import type { AppendRow, Queryable } from './pg-statements.js';

/** One single-stream append as the group committer carries it. */
export type BatchedAppend = Readonly<{
  streamId: string;
  streamType: string;
  /** SQL encoding of the expected version (see `expectedVersionParam`). */
  expectedVersion: number | null;
  events: readonly PreparedEvent[];
  idempotency?: Readonly<{ key: string; requestHash: string; response?: unknown }>;
}>;

type BatchRow = AppendRow & { ord: number };

/** Migration 0006: each append keeps its own outcome, all of them commit together. */
const APPEND_BATCH = {
  name: 'orderflow.append_batch',
  text: `SELECT ord, status, stream_version, global_positions::text[] AS global_positions, response
     FROM append_batch($1::text[], $2::text[], $3::int[], $4::int[], $5::uuid[], $6::text[], $7::int[],
                       $8::jsonb[], $9::jsonb[], $10::text[], $11::text[], $12::jsonb[])`,
};

const byStreamId = (a: BatchedAppend, b: BatchedAppend) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0);

/**
 * Writes the group as one statement, in stream-id order (a stable sort, so appends to one
 * stream keep the order they arrived in), and answers in the order given. Rejects, with
 * nothing written, when the statement fails.
 */
export async function appendBatchStatement(db: Queryable, appends: readonly BatchedAppend[]): Promise<AppendRow[]> {
  const order = appends.map((_, index) => index).sort((a, b) => byStreamId(appends[a]!, appends[b]!) || a - b);
  const sorted = order.map((index) => appends[index]!);
  const events = sorted.flatMap((a) => a.events);
  const { rows } = await db.query<BatchRow>({
    ...APPEND_BATCH,
    values: [
      sorted.map((a) => a.streamId),
      sorted.map((a) => a.streamType),
      sorted.map((a) => a.expectedVersion),
      sorted.map((a) => a.events.length),
      events.map((e) => e.eventId),
      events.map((e) => e.type),
      events.map((e) => e.schemaVersion),
      events.map((e) => JSON.stringify(e.data)),
      events.map((e) => JSON.stringify(e.metadata)),
      sorted.map((a) => a.idempotency?.key ?? null),
      sorted.map((a) => a.idempotency?.requestHash ?? null),
      sorted.map((a) => (a.idempotency?.response === undefined ? null : JSON.stringify(a.idempotency.response))),
    ],
  });
  const answers: AppendRow[] = new Array<AppendRow>(appends.length);
  for (const { ord, ...row } of rows) {
    const index = order[ord - 1];
    if (index === undefined) throw new Error(`append_batch answered for append ${ord} of ${appends.length}`);
    answers[index] = row;
  }
  if (rows.length !== appends.length) throw new Error(`append_batch answered ${rows.length} of ${appends.length} appends`);
  return answers;
}

/**
 * The group committer's writer: one append goes the single-append way; a group goes as
 * one statement, and if that fails (a racing writer's key or version, a duplicate event
 * id: an error of one append aborts the transaction of all) each append of the group is
 * written on its own, so each gets exactly the outcome it would have had alone.
 */
export function groupWriter<A extends BatchedAppend>(
  db: Queryable,
  single: (append: A) => Promise<AppendRow>,
): (appends: readonly A[]) => Promise<Settled<AppendRow>[]> {
  return async (appends) => {
    if (appends.length === 1) return [await settle(single(appends[0]!))];
    try {
      const rows = await appendBatchStatement(db, appends);
      return rows.map((value) => ({ ok: true as const, value }));
    } catch {
      return Promise.all(appends.map((append) => settle(single(append))));
    }
  };
}
