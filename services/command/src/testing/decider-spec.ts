import assert from 'node:assert/strict';
import type { Decider, DomainCommand } from '@orderflow/contracts';
import { isAppError, type ErrorKind } from '@orderflow/platform/errors';

/**
 * given(events).when(command).then(events) for deciders. `then` also folds the produced
 * events through `evolve`, so a decider cannot emit an event its own evolve rejects.
 */
export type DeciderSpec<Command, Event> = {
  given(events: readonly Event[]): {
    when(command: Command): {
      then(expected: readonly Event[]): void;
      thenNothing(): void;
      thenThrows(code: string, kind?: ErrorKind): void;
    };
  };
};

export function deciderSpec<State, Command, Event>(decider: Decider<State, Command, Event>): DeciderSpec<Command, Event> {
  return {
    given: (history) => ({
      when: (command) => {
        const state = history.reduce<State>((s, e) => decider.evolve(s, e), decider.initialState());
        const run = () => decider.decide(command, state);
        const then = (expected: readonly Event[]) => {
          const produced = run();
          assert.deepEqual(produced, expected);
          produced.reduce<State>((s, e) => decider.evolve(s, e), state);
        };
        return {
          then,
          thenNothing: () => then([]),
          thenThrows: (code, kind) =>
            assert.throws(run, (error: unknown) => {
              assert.ok(isAppError(error), `expected an AppError, got ${String(error)}`);
              assert.equal(error.code, code);
              if (kind) assert.equal(error.kind, kind);
              return true;
            }),
        };
      },
    }),
  };
}

export const NOW = new Date('2025-03-01T10:00:00.000Z');
export const NOW_ISO = NOW.toISOString();

/** A command as the handler would pass it: clock and command id in the metadata. */
export const command = <C extends DomainCommand>(type: C['type'], data: C['data'], now: Date = NOW): C =>
  ({ type, data, metadata: { now, commandId: `cmd-${type}` } }) as C;
