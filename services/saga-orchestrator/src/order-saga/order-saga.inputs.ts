import type { OrderCreatedData } from '@orderflow/contracts';
import type { SagaInput, SagaInputType } from './order-saga.types.js';

/** The event types the order saga reacts to; everything else on the topics is skipped undecoded. */
export const sagaEventTypes: ReadonlySet<string> = new Set<SagaInputType>([
  'OrderCreated',
  'OrderConfirmed',
  'OrderCancelled',
  'InventoryReserved',
  'InventoryReservationFailed',
  'InventoryReleased',
  'PaymentAuthorized',
  'PaymentDeclined',
  'PaymentVoided',
  'ShipmentCreated',
  'ShipmentRejected',
  'ShipmentCancelled',
]);

export type InputContext = Readonly<{ now: Date; correlationId: string | null; newId: () => string }>;

/**
 * A decoded event as the saga's input. The payload was validated against its Avro schema
 * on the way in, so its shape is the event type's. A saga started here gets fresh ids
 * for itself, its payment and its shipment; a redelivery that loses the race to the
 * unique (saga type, order id) key throws them away.
 */
export function toSagaInput(eventType: string, data: Record<string, unknown>, ctx: InputContext): SagaInput | null {
  if (!sagaEventTypes.has(eventType)) return null;
  if (eventType === 'OrderCreated') {
    const created = data as unknown as OrderCreatedData;
    return {
      type: 'OrderCreated',
      data: created,
      metadata: {
        now: ctx.now,
        sagaId: ctx.newId(),
        paymentId: ctx.newId(),
        shipmentId: ctx.newId(),
        correlationId: ctx.correlationId ?? created.orderId,
      },
    };
  }
  return { type: eventType, data, metadata: { now: ctx.now } } as unknown as SagaInput;
}
