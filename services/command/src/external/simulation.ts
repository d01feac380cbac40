import type { AppError } from '@orderflow/platform/errors';
import type { CallOptions } from './call-options.js';

/**
 * How a simulated external system misbehaves. `random` returns [0, 1) like Math.random; a
 * test injects a fixed sequence so failures land exactly where it wants them.
 */
export type SimulationOptions = Readonly<{
  latencyMs?: number;
  errorRate?: number;
  random?: () => number;
}>;

export type Simulation = Readonly<{ latencyMs: number; errorRate: number; random: () => number }>;

/** Bad settings are a wiring bug, reported when the simulation is built rather than on a call. */
export function simulationOf(options: SimulationOptions): Simulation {
  const latencyMs = options.latencyMs ?? 0;
  const errorRate = options.errorRate ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new RangeError(`latencyMs must be >= 0, got ${latencyMs}`);
  if (!(errorRate >= 0 && errorRate <= 1)) throw new RangeError(`errorRate must be within 0..1, got ${errorRate}`);
  return { latencyMs, errorRate, random: options.random ?? Math.random };
}

const abortReason = (signal: AbortSignal): unknown => signal.reason ?? new DOMException('aborted', 'AbortError');

export function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortReason(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A call the remote side never answers. Without a signal it stays pending forever; it holds
 * no timer, so it cannot keep the process alive.
 */
export function neverAnswer(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    if (!signal) return;
    if (signal.aborted) return reject(abortReason(signal));
    signal.addEventListener('abort', () => reject(abortReason(signal)), { once: true });
  });
}

/** Latency first, then the transient-failure roll, as a real network call would fail. */
export async function simulateCall(sim: Simulation, options: CallOptions | undefined, unavailable: () => AppError): Promise<void> {
  await delay(sim.latencyMs, options?.signal);
  if (sim.random() < sim.errorRate) throw unavailable();
}
