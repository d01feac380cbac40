import { isId, isShippingAddress } from '@orderflow/contracts';
import { AppError } from '@orderflow/platform/errors';
import type { CallOptions } from './call-options.js';
import type { CancelLabelRequest, LabelRequest, LabelResult, ShippingCarrier } from './shipping-carrier.js';
import { neverAnswer, simulateCall, simulationOf, type SimulationOptions } from './simulation.js';

/** Address values with a scripted answer. */
export const SimulatedAddresses = {
  /** A country the carrier does not serve. */
  unservedCountry: 'XX',
  /** A postal code whose label request is never answered, to exercise timeouts. */
  timeoutPostalCode: 'TIMEOUT',
} as const;

export const ADDRESS_NOT_SERVICEABLE = 'ADDRESS_NOT_SERVICEABLE';
export const SIMULATED_CARRIER = 'simulated-carrier';

export type SimulatedCarrierOptions = SimulationOptions &
  Readonly<{
    /** Countries (ISO alpha-2) refused; `XX` by default. */
    unservedCountries?: readonly string[];
  }>;

const unavailable = () => new AppError('unavailable', 'CARRIER_UNAVAILABLE', 'the shipping carrier is unavailable, try again');

const invalid = (message: string) => new AppError('validation', 'CARRIER_INVALID_REQUEST', message);

/**
 * A carrier with deterministic rules. It keeps no state and derives the tracking number from
 * the shipmentId, so it answers the same after a restart and a retried call is idempotent.
 */
export function createSimulatedShippingCarrier(options: SimulatedCarrierOptions = {}): ShippingCarrier {
  const sim = simulationOf(options);
  const unserved = new Set(options.unservedCountries ?? [SimulatedAddresses.unservedCountry]);

  return {
    async createLabel(request: LabelRequest, call?: CallOptions): Promise<LabelResult> {
      if (!isId(request.shipmentId) || !isShippingAddress(request.shippingAddress)) {
        throw invalid('shipmentId and a complete shipping address are required');
      }
      await simulateCall(sim, call, unavailable);
      const { country, postalCode } = request.shippingAddress;
      if (postalCode === SimulatedAddresses.timeoutPostalCode) return neverAnswer(call?.signal);
      if (unserved.has(country)) {
        return { outcome: 'rejected', code: ADDRESS_NOT_SERVICEABLE, reason: `the carrier does not ship to ${country}` };
      }
      return {
        outcome: 'created',
        carrier: SIMULATED_CARRIER,
        trackingNumber: `SIM-${request.shipmentId}`,
        labelUrl: `https://carrier.example/labels/${encodeURIComponent(request.shipmentId)}.pdf`,
      };
    },

    async cancel(request: CancelLabelRequest, call?: CallOptions): Promise<void> {
      if (!isId(request.shipmentId) || !isId(request.trackingNumber)) throw invalid('shipmentId and trackingNumber are required');
      await simulateCall(sim, call, unavailable);
    },
  };
}
