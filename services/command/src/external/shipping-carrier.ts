import type { CarrierLabelResult, ShippingAddress } from '@orderflow/contracts';
import type { CallOptions } from './call-options.js';

/**
 * The shipping carrier port. Contract for adapters:
 * - an address the carrier will not serve resolves as `{ outcome: 'rejected' }`, never rejects;
 * - a transient failure rejects with AppError kind `unavailable` (code CARRIER_UNAVAILABLE);
 * - an aborted signal rejects with `signal.reason`;
 * - the same shipmentId yields the same tracking number, so a retried call is harmless.
 */
export type LabelRequest = Readonly<{ shipmentId: string; orderId: string; shippingAddress: ShippingAddress }>;

export type LabelResult = CarrierLabelResult;

export type CancelLabelRequest = Readonly<{ shipmentId: string; trackingNumber: string }>;

export type ShippingCarrier = {
  createLabel(request: LabelRequest, options?: CallOptions): Promise<LabelResult>;
  cancel(request: CancelLabelRequest, options?: CallOptions): Promise<void>;
};
