import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { grpcCommand, optional, type CommandRequest, type GrpcDeps } from '../grpc-command.js';
import type { CommandUseCases } from '../../use-cases.js';

type ShippingAddressMessage = { line1: string; city: string; postal_code: string; country: string };
type CreateShipmentRequest = CommandRequest & { order_id: string; shipment_id: string; shipping_address: ShippingAddressMessage | null };
type CancelShipmentRequest = CommandRequest & { shipment_id: string; reason: string };

export function shipmentMethods(commands: CommandUseCases, deps: GrpcDeps): UntypedServiceImplementation {
  return {
    CreateShipment: grpcCommand(
      deps,
      'CreateShipment',
      (r: CreateShipmentRequest) => {
        const a = r.shipping_address;
        return {
          orderId: r.order_id,
          shipmentId: optional(r.shipment_id),
          shippingAddress: { line1: a?.line1 ?? '', city: a?.city ?? '', postalCode: a?.postal_code ?? '', country: a?.country ?? '' },
        };
      },
      commands.createShipment,
    ),
    CancelShipment: grpcCommand(
      deps,
      'CancelShipment',
      (r: CancelShipmentRequest) => ({ shipmentId: r.shipment_id, reason: optional(r.reason) }),
      commands.cancelShipment,
    ),
  };
}
