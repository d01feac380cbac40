import type { StoredSaga } from '../adapters/postgres/saga-store.js';

/**
 * The sagas this process wrote or read last, by order id, so that an event for one of
 * them is decided without reading it first. Only a hint: the write that follows is
 * guarded by the saga's version (see `writeSagasIfUnchanged`), so a state changed
 * elsewhere since costs a retry under locks, never a lost update. Bounded: the oldest
 * entries go first.
 */
export function createSagaCache(capacity = 10_000) {
  const byOrder = new Map<string, StoredSaga>();
  const orderOfSaga = new Map<string, string>();

  return {
    get: (orderId: string): StoredSaga | undefined => byOrder.get(orderId),
    bySagaId: (sagaId: string): StoredSaga | undefined => {
      const orderId = orderOfSaga.get(sagaId);
      const saga = orderId === undefined ? undefined : byOrder.get(orderId);
      return saga?.sagaId === sagaId ? saga : undefined;
    },
    /** Keeps the newer of the known and the given version: writes may finish out of order. */
    put(saga: StoredSaga): void {
      const { orderId } = saga.state;
      const known = byOrder.get(orderId);
      if (known && known.version > saga.version) return;
      byOrder.delete(orderId);
      byOrder.set(orderId, saga);
      orderOfSaga.set(saga.sagaId, orderId);
      if (byOrder.size > capacity) {
        const oldest = byOrder.keys().next().value as string;
        const evicted = byOrder.get(oldest);
        byOrder.delete(oldest);
        if (evicted) orderOfSaga.delete(evicted.sagaId);
      }
    },
  };
}

export type SagaCache = ReturnType<typeof createSagaCache>;
