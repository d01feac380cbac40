import CircuitBreaker from 'opossum';
import { AppError } from '@orderflow/platform/errors';
import type { SagaCommandType } from '../order-saga/order-saga.commands.js';
import { classifyFailure } from './command-gateway.js';

export type BreakerPolicy = Readonly<{
  /** Percentage of failed calls in the rolling window that opens the circuit. */
  errorThresholdPercentage: number;
  /** Calls in the window before the percentage counts at all. */
  volumeThreshold: number;
  /** How long an open circuit rejects calls before letting one through to probe. */
  resetTimeoutMs: number;
  rollingWindowMs: number;
  /** Longest a call may take; it is aborted and counts as a transient failure after. */
  callTimeoutMs: number;
}>;

export type BreakerState = 'closed' | 'open' | 'half_open';

type Call = (signal: AbortSignal) => Promise<void>;

/**
 * One circuit per command type: a payment gateway refusing voids must not stop inventory
 * reservations, and a saga stuck on one kind of command never holds up the others. Only
 * transient failures count against a circuit; business refusals are answers.
 */
export function createCommandBreakers(policy: BreakerPolicy, onStateChange?: (type: SagaCommandType, state: BreakerState) => void) {
  const breakers = new Map<SagaCommandType, CircuitBreaker<[Call], void>>();

  const breakerOf = (type: SagaCommandType) => {
    let breaker = breakers.get(type);
    if (!breaker) {
      breaker = new CircuitBreaker((call: Call) => withTimeout(call, policy.callTimeoutMs), {
        name: type,
        timeout: false,
        errorThresholdPercentage: policy.errorThresholdPercentage,
        volumeThreshold: policy.volumeThreshold,
        resetTimeout: policy.resetTimeoutMs,
        rollingCountTimeout: policy.rollingWindowMs,
        errorFilter: (e: unknown) => !classifyFailure(e).transient,
      });
      breaker.on('open', () => onStateChange?.(type, 'open'));
      breaker.on('halfOpen', () => onStateChange?.(type, 'half_open'));
      breaker.on('close', () => onStateChange?.(type, 'closed'));
      breakers.set(type, breaker);
    }
    return breaker;
  };

  return {
    fire: (type: SagaCommandType, call: Call): Promise<void> => breakerOf(type).fire(call),
    stateOf: (type: SagaCommandType): BreakerState => {
      const b = breakers.get(type);
      return !b ? 'closed' : b.opened ? 'open' : b.halfOpen ? 'half_open' : 'closed';
    },
    shutdown: () => breakers.forEach((b) => b.shutdown()),
  };
}

export type CommandBreakers = ReturnType<typeof createCommandBreakers>;

/** Rejects after `ms` even if the adapter ignores its signal, so a hung call frees its slot. */
function withTimeout(call: Call, ms: number): Promise<void> {
  const controller = new AbortController();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      const error = new AppError('unavailable', 'COMMAND_TIMEOUT', `no answer within ${ms} ms`);
      controller.abort(error);
      reject(error);
    }, ms);
    call(controller.signal).then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
