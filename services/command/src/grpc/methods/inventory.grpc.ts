import type { UntypedServiceImplementation } from '@grpc/grpc-js';
import { grpcCommand, optional, type CommandRequest, type GrpcDeps } from '../grpc-command.js';
import type { CommandUseCases } from '../../use-cases.js';

type ReserveInventoryRequest = CommandRequest & { order_id: string; lines: { product_id: string; quantity: number }[] };
type ReleaseInventoryRequest = CommandRequest & { order_id: string; product_ids: string[]; reason: string };
type ReplenishStockRequest = CommandRequest & { product_id: string; quantity: number };

export function inventoryMethods(commands: CommandUseCases, deps: GrpcDeps): UntypedServiceImplementation {
  return {
    ReserveInventory: grpcCommand(
      deps,
      'ReserveInventory',
      (r: ReserveInventoryRequest) => ({
        orderId: r.order_id,
        ...(r.lines.length === 0 ? {} : { lines: r.lines.map((l) => ({ productId: l.product_id, quantity: l.quantity })) }),
      }),
      commands.reserveInventory,
    ),
    ReleaseInventory: grpcCommand(
      deps,
      'ReleaseInventory',
      (r: ReleaseInventoryRequest) => ({
        orderId: r.order_id,
        reason: optional(r.reason),
        ...(r.product_ids.length === 0 ? {} : { productIds: r.product_ids }),
      }),
      commands.releaseInventory,
    ),
    ReplenishStock: grpcCommand(
      deps,
      'ReplenishStock',
      (r: ReplenishStockRequest) => ({ productId: r.product_id, quantity: r.quantity }),
      commands.replenishStock,
    ),
  };
}
