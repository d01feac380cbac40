import { copyShippingAddress, type CancelShipment, type CreateShipment, type ShippingAddress } from '@orderflow/contracts';
import { newAggregateId } from '../commands/aggregate-ids.js';
import { shipmentAggregate } from '../commands/aggregates.js';
import { domainCommand, type CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-response.js';
import type { CommandRuntime } from '../commands/command-runtime.js';
import { runExternalCommand } from '../commands/external-command.js';
import { callExternal, type ExternalSystem } from '../external/external-call.js';
import type { ShippingCarrier } from '../external/shipping-carrier.js';
import type { ShipmentState } from './shipment.decide.js';

/** `shipmentId` may be left out: derived from the command id, so retries ask the carrier about one shipment. */
export type CreateShipmentInput = Readonly<{ orderId: string; shipmentId?: string | null; shippingAddress: ShippingAddress }>;
export type CancelShipmentInput = Readonly<{ shipmentId: string; reason?: string | null }>;

type Handler<I> = (input: I, ctx: CommandContext) => Promise<CommandResult>;

export type ShipmentUseCases = Readonly<{
  createShipment: Handler<CreateShipmentInput>;
  cancelShipment: Handler<CancelShipmentInput>;
}>;

/** Stands in for the carrier's label in the draft the decider checks before the call. */
const PENDING_LABEL = { outcome: 'created', carrier: 'pending', trackingNumber: 'pending', labelUrl: null } as const;

const kind = shipmentAggregate;

export function shipmentUseCases(rt: CommandRuntime, carrier: ShippingCarrier, timeoutMs: number): ShipmentUseCases {
  const system: ExternalSystem = { name: 'shipping carrier', code: 'CARRIER', timeoutMs };
  return {
    createShipment(input, ctx) {
      const shipmentId = input.shipmentId || newAggregateId('shipment', ctx, rt.clock);
      const data = { orderId: input.orderId, shipmentId, shippingAddress: copyShippingAddress(input.shippingAddress) };
      const draft: CreateShipment = domainCommand('CreateShipment', { ...data, label: PENDING_LABEL }, ctx);
      return runExternalCommand(
        rt,
        {
          kind,
          aggregateId: shipmentId,
          draft,
          complete: async (c: CreateShipment) => {
            const label = await callExternal(system, ctx.signal, (signal) => carrier.createLabel(data, { signal }));
            return { ...c, data: { ...c.data, label } };
          },
        },
        ctx,
      );
    },
    cancelShipment(input, ctx) {
      const draft: CancelShipment = domainCommand('CancelShipment', input, ctx);
      return runExternalCommand(
        rt,
        {
          kind,
          aggregateId: input.shipmentId,
          draft,
          complete: async (c: CancelShipment, state: ShipmentState) => {
            // the draft produced a cancellation, so the shipment was created with a label
            const trackingNumber = state.status === 'none' ? '' : (state.trackingNumber ?? '');
            await callExternal(system, ctx.signal, (signal) => carrier.cancel({ shipmentId: input.shipmentId, trackingNumber }, { signal }));
            return c;
          },
        },
        ctx,
      );
    },
  };
}
