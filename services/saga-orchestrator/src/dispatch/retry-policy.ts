/** How often and how patiently a command is retried after transient failures. */
export type RetryPolicy = Readonly<{
  /** Attempts a forward command gets before its step fails (compensations have no limit). */
  budget: number;
  baseMs: number;
  maxMs: number;
}>;

/**
 * Delay before the attempt after `attempt` (1-based): exponential, capped, with "equal
 * jitter" (half fixed, half random) so sagas failing together do not retry in lockstep,
 * while no retry comes sooner than half the nominal delay.
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Compensations are retried until they succeed; forward commands until the budget is spent. */
export const mayRetry = (attempt: number, compensation: boolean, policy: RetryPolicy): boolean =>
  compensation || attempt < policy.budget;
