import { createHash } from 'node:crypto';
import {
  currentSchemaVersion,
  eventTypesOf,
  streamIdOf,
  type Decider,
  type DomainEvent,
  type StreamType,
} from '@orderflow/contracts';
import { ConcurrencyError } from '@orderflow/platform/errors';
import { inventoryDecider } from '../inventory/inventory.decide.js';
import { orderDecider } from '../orders/order.decide.js';
import { paymentDecider } from '../payments/payment.decide.js';
import { shipmentDecider } from '../shipments/shipment.decide.js';

/**
 * The state the command handler folds: the aggregate's state plus the number of events
 * folded into it, so a decision can be tied to an exact stream version (If-Match) and a
 * snapshot carries its version inside it.
 */
export type Versioned<S> = Readonly<{ version: number; state: S }>;

export type AggregateKind<S, C, E extends DomainEvent> = Readonly<{
  streamType: StreamType;
  decider: Decider<S, C, E>;
  /**
   * Changes whenever the folded state could change shape: a hash of the evolve code and
   * of the schema versions of the stream's events. A snapshot under another key is
   * ignored and the stream replayed.
   */
  snapshotKey: string;
}>;

const STATE_LAYOUT = 'versioned/1';

function aggregateKind<S, C, E extends DomainEvent>(streamType: StreamType, decider: Decider<S, C, E>): AggregateKind<S, C, E> {
  const schemaVersions = eventTypesOf(streamType).map((type) => `${type}:${currentSchemaVersion[type]}`);
  const snapshotKey = createHash('sha256')
    .update([STATE_LAYOUT, decider.evolve.toString(), ...schemaVersions].join('\n'))
    .digest('hex')
    .slice(0, 32);
  return { streamType, decider, snapshotKey };
}

export const orderAggregate = aggregateKind('Order', orderDecider);
export const inventoryAggregate = aggregateKind('Inventory', inventoryDecider);
export const paymentAggregate = aggregateKind('Payment', paymentDecider);
export const shipmentAggregate = aggregateKind('Shipment', shipmentDecider);

export const streamIdOfAggregate = <S, C, E extends DomainEvent>(kind: AggregateKind<S, C, E>, aggregateId: string) =>
  streamIdOf(kind.streamType, aggregateId);

/**
 * The decider lifted over `Versioned`. With `expectedVersion` the decision is refused
 * unless the folded state is at exactly that version; since the append then expects the
 * same version, the command applies to the state its caller saw or not at all.
 */
export function versionedDecider<S, C, E extends DomainEvent>(
  kind: AggregateKind<S, C, E>,
  streamId: string,
  expectedVersion?: number,
) {
  const { decider } = kind;
  return {
    initialState: (): Versioned<S> => ({ version: 0, state: decider.initialState() }),
    evolve: (current: Versioned<S>, event: E): Versioned<S> => ({
      version: current.version + 1,
      state: decider.evolve(current.state, event),
    }),
    decide: (command: C, current: Versioned<S>): readonly E[] => {
      if (expectedVersion !== undefined && current.version !== expectedVersion) {
        throw new ConcurrencyError(streamId, expectedVersion, current.version);
      }
      return decider.decide(command, current.state);
    },
  };
}
