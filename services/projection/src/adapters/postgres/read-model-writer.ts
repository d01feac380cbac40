import { inTransaction, type Pool } from '@orderflow/platform';
import type { Envelope, KafkaSource } from '../../envelope.js';
import { applyEnvelopes, type ApplyResult } from './batch-writer.js';
import { lockKeys } from './checkpoint.statements.js';
import { insertParked } from './parked.statements.js';
import { liveTarget, type WriteTarget } from './tables.js';

/** A message no projection could take, to be parked with its aggregate. */
export type PoisonMessage = Readonly<{
  projection: string;
  streamId: string;
  streamVersion: number | null;
  source: KafkaSource;
  error: string;
}>;

export type ReadModelWriter = {
  /** One transaction: dedupe, effects, versions, parked messages, NOTIFY; four round trips with COMMIT. */
  apply(envelopes: readonly Envelope[]): Promise<ApplyResult>;
  /** Parks the aggregate and stores the message, so its later events wait for an operator. */
  park(poison: PoisonMessage): Promise<void>;
};

export function createReadModelWriter(pool: Pool, target: WriteTarget = liveTarget): ReadModelWriter {
  return {
    apply: (envelopes) => inTransaction(pool, (client) => applyEnvelopes(client, target, envelopes, { begin: true }), { beginSent: true }),
    park: (poison) =>
      inTransaction(pool, async (client) => {
        // the same lock a batch takes first, so parking and applying the stream never interleave
        await lockKeys(client, target.lockClass, [`stream:${poison.streamId}`]);
        const key = { projection: poison.projection, streamId: poison.streamId };
        await insertParked(
          client,
          [{ ...key, reason: 'poison', error: poison.error, source: poison.source }],
          [{ ...key, streamVersion: poison.streamVersion, source: poison.source, error: poison.error }],
        );
      }),
  };
}
