/**
 * An aggregate, or a saga, as three pure functions. The command handler folds the stream
 * with `evolve` from `initialState()`, calls `decide`, and appends what it returns at the
 * expected version. `decide` throws an AppError to refuse; an empty result means the
 * command is already satisfied (an idempotent repeat).
 */
export type Decider<State, Command, Event> = Readonly<{
  initialState: () => State;
  evolve: (state: State, event: Event) => State;
  decide: (command: Command, state: State) => readonly Event[];
}>;

/** Ends exhaustive switches: adding a union member without handling it fails to compile. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(value)}`);
}
