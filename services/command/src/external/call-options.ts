/**
 * Options every call to an external system takes. Aborting the signal (a timeout, a circuit
 * breaker, shutdown) makes the pending call reject with `signal.reason`.
 */
export type CallOptions = Readonly<{ signal?: AbortSignal }>;
