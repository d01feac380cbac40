import {
  assertNever,
  copyShippingAddress,
  isId,
  isShippingAddress,
  isText,
  type CancelShipment,
  type CarrierLabelResult,
  type CreateShipment,
  type Decider,
  type ShipmentCommand,
  type ShipmentEvent,
} from '@orderflow/contracts';
import { notFound, precondition, validation } from '@orderflow/platform/errors';

export type ShipmentStatus = 'created' | 'rejected' | 'cancelled';

export type Shipment = Readonly<{
  status: ShipmentStatus;
  shipmentId: string;
  orderId: string;
  /** Null when the carrier rejected the shipment: no label was ever made. */
  trackingNumber: string | null;
}>;

export type ShipmentState = Readonly<{ status: 'none' }> | Shipment;

export const initialState = (): ShipmentState => ({ status: 'none' });

export function evolve(state: ShipmentState, event: ShipmentEvent): ShipmentState {
  const { shipmentId, orderId } = event.data;
  switch (event.type) {
    case 'ShipmentCreated':
      return { status: 'created', shipmentId, orderId, trackingNumber: event.data.trackingNumber };
    case 'ShipmentRejected':
      return { status: 'rejected', shipmentId, orderId, trackingNumber: null };
    case 'ShipmentCancelled':
      return state.status === 'none' ? state : { ...state, status: 'cancelled' };
    default:
      return assertNever(event, 'shipment event');
  }
}

export function decide(command: ShipmentCommand, state: ShipmentState): ShipmentEvent[] {
  switch (command.type) {
    case 'CreateShipment':
      return create(command, state);
    case 'CancelShipment':
      return cancel(command, state);
    default:
      return assertNever(command, 'shipment command');
  }
}

export const shipmentDecider: Decider<ShipmentState, ShipmentCommand, ShipmentEvent> = { initialState, evolve, decide };

function requireId(value: unknown, field: string): string {
  if (!isId(value)) throw validation('SHIPMENT_INVALID_ID', `${field} must be a non-blank id`, { field });
  return value;
}

function optionalReason(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  if (!isText(value)) throw validation('SHIPMENT_INVALID_REASON', 'reason must be non-blank text');
  return value;
}

/** The carrier's answer is outside input too: a malformed one must not become an event. */
function requireLabel(label: CarrierLabelResult): CarrierLabelResult {
  const ok =
    typeof label === 'object' &&
    label !== null &&
    ((label.outcome === 'created' && isId(label.carrier) && isId(label.trackingNumber) && (label.labelUrl === null || isText(label.labelUrl))) ||
      (label.outcome === 'rejected' && isId(label.code) && isText(label.reason)));
  if (!ok) throw validation('SHIPMENT_INVALID_CARRIER_RESULT', 'carrier result must be a created label or a rejection with a reason');
  return label;
}

function create({ data, metadata }: CreateShipment, state: ShipmentState): ShipmentEvent[] {
  const shipmentId = requireId(data.shipmentId, 'shipmentId');
  const orderId = requireId(data.orderId, 'orderId');
  if (!isShippingAddress(data.shippingAddress)) {
    throw validation('SHIPMENT_INVALID_ADDRESS', 'shipping address needs line1, city, postalCode and an ISO 3166 alpha-2 country');
  }
  const label = requireLabel(data.label);
  if (state.status !== 'none') {
    throw precondition('SHIPMENT_ALREADY_EXISTS', `shipment ${shipmentId} already exists`, { shipmentId, shipmentStatus: state.status });
  }
  const facts = { shipmentId, orderId, occurredAt: metadata.now.toISOString() };
  if (label.outcome === 'rejected') return [{ type: 'ShipmentRejected', data: { ...facts, code: label.code, reason: label.reason } }];
  return [
    {
      type: 'ShipmentCreated',
      data: {
        ...facts,
        carrier: label.carrier,
        trackingNumber: label.trackingNumber,
        labelUrl: label.labelUrl,
        shippingAddress: copyShippingAddress(data.shippingAddress),
      },
    },
  ];
}

function cancel({ data, metadata }: CancelShipment, state: ShipmentState): ShipmentEvent[] {
  const shipmentId = requireId(data.shipmentId, 'shipmentId');
  const reason = optionalReason(data.reason);
  if (state.status === 'none') throw notFound('SHIPMENT_NOT_FOUND', `shipment ${shipmentId} does not exist`, { shipmentId });
  // A compensation: already cancelled, or rejected so never created, leaves nothing to cancel.
  if (state.status !== 'created' || state.trackingNumber === null) return [];
  return [
    {
      type: 'ShipmentCancelled',
      data: { shipmentId, orderId: state.orderId, occurredAt: metadata.now.toISOString(), trackingNumber: state.trackingNumber, reason },
    },
  ];
}
