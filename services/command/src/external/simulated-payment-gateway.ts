import { createHash } from 'node:crypto';
import { isCurrencyCode, isId, isMinorUnits } from '@orderflow/contracts';
import { AppError } from '@orderflow/platform/errors';
import type { CallOptions } from './call-options.js';
import type {
  AuthorizationRequest,
  AuthorizationResult,
  CaptureRequest,
  PaymentGateway,
  RefundRequest,
  VoidRequest,
} from './payment-gateway.js';
import { neverAnswer, simulateCall, simulationOf, type SimulationOptions } from './simulation.js';

/** Card tokens with a scripted answer. Any other token is a good card. */
export const SimulatedCards = {
  declined: 'tok_declined',
  timeout: 'tok_timeout',
  /** Authorizes, but while the void fault is active every void of it fails with GATEWAY_UNAVAILABLE. */
  voidFails: 'tok_void_fails',
} as const;

export const SimulatedDeclineCodes = {
  cardDeclined: 'card_declined',
  amountLimitExceeded: 'amount_limit_exceeded',
} as const;

export type SimulatedGatewayOptions = SimulationOptions &
  Readonly<{
    /** Authorizations above this many minor units are declined. */
    amountLimit?: number;
    /**
     * `active` (the default): voids of `tok_void_fails` authorizations fail, a compensation
     * that cannot succeed; `cleared`: the gateway has recovered and voids them like any other.
     */
    voidFault?: VoidFault;
  }>;

export type VoidFault = 'active' | 'cleared';

export const DEFAULT_AMOUNT_LIMIT = 1_000_000;

const unavailable = () => new AppError('unavailable', 'GATEWAY_UNAVAILABLE', 'the payment gateway is unavailable, try again');

const invalid = (message: string) => new AppError('validation', 'GATEWAY_INVALID_REQUEST', message);

/**
 * The gateway keeps no ledger, so an authorization whose voids must fail says so in its
 * reference, which the Payment aggregate hands back on every void. Not `auth_`-prefixed:
 * no ordinary reference can look like one.
 */
const VOID_FAILS_REFERENCE_PREFIX = 'authvf_';

const shortCode = (seed: string) => createHash('sha256').update(seed).digest('hex').slice(0, 6).toUpperCase();

function checkAmount(request: { paymentId: string; amount: number; currency: string }): void {
  if (!isId(request.paymentId)) throw invalid('paymentId is required');
  if (!isMinorUnits(request.amount) || request.amount === 0) throw invalid('amount must be a positive integer in minor units');
  if (!isCurrencyCode(request.currency)) throw invalid('currency must be an ISO 4217 code');
}

function checkReference(request: { paymentId: string; gatewayReference: string }): void {
  if (!isId(request.paymentId) || !isId(request.gatewayReference)) throw invalid('paymentId and gatewayReference are required');
}

/**
 * A gateway with deterministic rules: `tok_declined` declines, an amount above the limit
 * declines, `tok_timeout` never answers until the signal aborts, `tok_void_fails`
 * authorizes but cannot be voided while `voidFault` is active. It keeps no ledger and
 * derives every reference from the paymentId, so it answers the same after a restart and
 * a retried call is idempotent; amount rules across calls belong to the Payment aggregate.
 */
export function createSimulatedPaymentGateway(options: SimulatedGatewayOptions = {}): PaymentGateway {
  const sim = simulationOf(options);
  const amountLimit = options.amountLimit ?? DEFAULT_AMOUNT_LIMIT;
  if (!isMinorUnits(amountLimit)) throw new RangeError(`amountLimit must be a non-negative integer, got ${amountLimit}`);
  const voidFault = options.voidFault ?? 'active';
  if (voidFault !== 'active' && voidFault !== 'cleared') throw new RangeError(`voidFault must be active or cleared, got ${String(voidFault)}`);
  const voidsFail = voidFault === 'active';

  return {
    async authorize(request: AuthorizationRequest, call?: CallOptions): Promise<AuthorizationResult> {
      checkAmount(request);
      await simulateCall(sim, call, unavailable);
      const token = request.paymentMethod.token;
      if (token === SimulatedCards.timeout) return neverAnswer(call?.signal);
      if (token === SimulatedCards.declined) {
        return { outcome: 'declined', declineCode: SimulatedDeclineCodes.cardDeclined, reason: 'the card was declined' };
      }
      if (request.amount > amountLimit) {
        return {
          outcome: 'declined',
          declineCode: SimulatedDeclineCodes.amountLimitExceeded,
          reason: `amount ${request.amount} exceeds the limit of ${amountLimit}`,
        };
      }
      const prefix = token === SimulatedCards.voidFails ? VOID_FAILS_REFERENCE_PREFIX : 'auth_';
      return { outcome: 'authorized', authorizationCode: shortCode(request.paymentId), gatewayReference: `${prefix}${request.paymentId}` };
    },

    async capture(request: CaptureRequest, call?: CallOptions) {
      checkReference(request);
      checkAmount(request);
      await simulateCall(sim, call, unavailable);
      return { captureReference: `cap_${request.paymentId}` };
    },

    async void(request: VoidRequest, call?: CallOptions) {
      checkReference(request);
      await simulateCall(sim, call, unavailable);
      if (voidsFail && request.gatewayReference.startsWith(VOID_FAILS_REFERENCE_PREFIX)) throw unavailable();
      return { voidReference: `void_${request.paymentId}` };
    },

    async refund(request: RefundRequest, call?: CallOptions) {
      checkReference(request);
      checkAmount(request);
      await simulateCall(sim, call, unavailable);
      return { refundReference: `ref_${request.paymentId}` };
    },
  };
}
