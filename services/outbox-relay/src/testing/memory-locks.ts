import { LockLostError, type LockSession, type LockSessionHandlers } from '../relay/partition-locks.js';

/**
 * Advisory locks as PostgreSQL grants them, in memory, for unit tests of the partition
 * assignment: one owner per partition, every lock gone when its session is.
 */
export type MemoryLocks = {
  open(handlers: LockSessionHandlers): Promise<LockSession>;
  /** Partition -> owning session number. */
  owners(): ReadonlyMap<number, number>;
  /** Drops a session as a broken connection would. */
  kill(session: number): void;
  notify(partition: number): void;
};

export function createMemoryLocks(): MemoryLocks {
  const owners = new Map<number, number>();
  const sessions = new Map<number, LockSessionHandlers>();
  let next = 0;

  const end = (id: number) => {
    for (const [p, owner] of owners) if (owner === id) owners.delete(p);
    sessions.delete(id);
  };

  return {
    async open(handlers) {
      const id = (next += 1);
      sessions.set(id, handlers);
      const alive = () => sessions.has(id);
      const guard = () => {
        if (!alive()) throw new LockLostError();
      };
      return {
        get lost() {
          return !alive();
        },
        async tryLock(partition) {
          guard();
          if (owners.has(partition)) return owners.get(partition) === id;
          owners.set(partition, id);
          return true;
        },
        async unlock(partition) {
          guard();
          if (owners.get(partition) === id) owners.delete(partition);
        },
        async liveRelays() {
          guard();
          return sessions.size;
        },
        async confirm() {
          guard();
        },
        async close() {
          end(id);
        },
      };
    },
    owners: () => owners,
    kill(id) {
      const handlers = sessions.get(id);
      end(id);
      handlers?.onLost();
    },
    notify(partition) {
      for (const s of sessions.values()) s.onNotification(String(partition));
    },
  };
}
