import { assertNever } from '@orderflow/contracts';
import { laterOf, type PaymentStreamEvent, type ShipmentStreamEvent } from '../projected-event.js';
import type { PaymentFact, PaymentStatus, ShipmentFact } from './order-view.js';

const paymentStatusOf = (type: PaymentStreamEvent['type']): PaymentStatus => {
  switch (type) {
    case 'PaymentAuthorized':
      return 'AUTHORIZED';
    case 'PaymentDeclined':
      return 'DECLINED';
    case 'PaymentCaptured':
      return 'CAPTURED';
    case 'PaymentVoided':
      return 'VOIDED';
    case 'PaymentRefunded':
      return 'REFUNDED';
    default:
      return assertNever(type, 'payment event');
  }
};

/** The latest status of one payment; a refund keeps the captured amount, not the refunded one. */
export function evolvePaymentFact(row: PaymentFact | null, event: PaymentStreamEvent): PaymentFact {
  const d = event.data;
  const amount = event.type === 'PaymentRefunded' && row !== null ? row.amount : d.amount;
  return {
    paymentId: d.paymentId,
    orderId: d.orderId,
    status: paymentStatusOf(event.type),
    amount,
    currency: d.currency,
    occurredAt: laterOf(row?.occurredAt ?? null, d.occurredAt),
  };
}

export function evolveShipmentFact(row: ShipmentFact | null, event: ShipmentStreamEvent): ShipmentFact {
  const d = event.data;
  const occurredAt = laterOf(row?.occurredAt ?? null, d.occurredAt);
  const base = { shipmentId: d.shipmentId, orderId: d.orderId, occurredAt };
  switch (event.type) {
    case 'ShipmentCreated':
      return { ...base, status: 'CREATED', carrier: event.data.carrier, trackingNumber: event.data.trackingNumber };
    case 'ShipmentRejected':
      return { ...base, status: 'REJECTED', carrier: row?.carrier ?? null, trackingNumber: row?.trackingNumber ?? null };
    case 'ShipmentCancelled':
      return { ...base, status: 'CANCELLED', carrier: row?.carrier ?? null, trackingNumber: event.data.trackingNumber };
    default:
      return assertNever(event, 'shipment event');
  }
}
