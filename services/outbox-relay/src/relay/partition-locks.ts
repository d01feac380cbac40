/**
 * The relay's hold on outbox partitions, as the relay needs it; `adapters/postgres/lock-session.ts`
 * implements it with session advisory locks, `testing/memory-locks.ts` in memory.
 */
export type LockSession = {
  /** True once the session is gone: every lock it held is gone with it. */
  readonly lost: boolean;
  tryLock(partition: number): Promise<boolean>;
  unlock(partition: number): Promise<void>;
  /** Relays currently connected to this database, this one included. */
  liveRelays(): Promise<number>;
  /** Proves the session, and with it every lock, is still alive; throws LockLostError if not. */
  confirm(): Promise<void>;
  /** Ends the session, which releases every lock at once. */
  close(): Promise<void>;
};

export type LockSessionHandlers = Readonly<{
  /** An append was committed; the payload is its outbox partition. */
  onNotification: (payload: string | undefined) => void;
  onLost: () => void;
}>;

export class LockLostError extends Error {
  constructor(cause?: unknown) {
    super('relay lock session lost', { cause });
    this.name = 'LockLostError';
  }
}
