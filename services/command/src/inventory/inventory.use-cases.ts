import {
  isId,
  Limits,
  type InventoryEvent,
  type ReleaseInventory,
  type ReplenishStock,
  type ReserveInventory,
} from '@orderflow/contracts';
import { notFound, validation } from '@orderflow/platform/errors';
import { inventoryAggregate, orderAggregate } from '../commands/aggregates.js';
import { domainCommand, type CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-response.js';
import { loadAggregate, type CommandRuntime } from '../commands/command-runtime.js';
import { runMultiStreamCommand, type StreamDecision } from '../commands/multi-stream-command.js';
import { runStreamCommand } from '../commands/stream-command.js';
import type { InventoryState } from './inventory.decide.js';

export type ReplenishStockInput = Readonly<{ productId: string; quantity: number }>;
/** `lines` may be left out: the order's current lines. */
export type ReserveInventoryInput = Readonly<{
  orderId: string;
  lines?: readonly Readonly<{ productId: string; quantity: number }>[];
}>;
/** `productIds` may be left out: the products on the order's current lines. */
export type ReleaseInventoryInput = Readonly<{ orderId: string; productIds?: readonly string[]; reason?: string | null }>;

type Handler<I> = (input: I, ctx: CommandContext) => Promise<CommandResult>;

export type InventoryUseCases = Readonly<{
  replenishStock: Handler<ReplenishStockInput>;
  reserveInventory: Handler<ReserveInventoryInput>;
  releaseInventory: Handler<ReleaseInventoryInput>;
}>;

const kind = inventoryAggregate;

function requireOrderId(orderId: string): string {
  if (!isId(orderId)) throw validation('INVENTORY_INVALID_ID', 'orderId must be a non-blank id', { field: 'orderId' });
  return orderId;
}

async function orderLines(rt: CommandRuntime, orderId: string) {
  const { state } = await loadAggregate(rt, orderAggregate, orderId);
  if (state.status === 'none') throw notFound('ORDER_NOT_FOUND', `order ${orderId} does not exist`, { orderId });
  return state.items.map(({ productId, quantity }) => ({ productId, quantity }));
}

/** One stream per product, so a product may appear once; the bound keeps one transaction small. */
function checkProducts(productIds: readonly string[]): void {
  if (productIds.length === 0) throw validation('INVENTORY_NO_LINES', 'at least one product is needed');
  if (productIds.length > Limits.maxOrderLines) {
    throw validation('INVENTORY_TOO_MANY_LINES', `at most ${Limits.maxOrderLines} products per command`);
  }
  const seen = new Set<string>();
  for (const productId of productIds) {
    if (!isId(productId)) throw validation('INVENTORY_INVALID_ID', 'productId must be a non-blank id', { field: 'productId' });
    if (seen.has(productId)) throw validation('INVENTORY_DUPLICATE_PRODUCT', `${productId} appears more than once`, { productId });
    seen.add(productId);
  }
}

const isShort = (d: StreamDecision<InventoryState, InventoryEvent>) => d.events.some((e) => e.type === 'InventoryReservationFailed');

/**
 * All or nothing: if any product is short, only the failures are recorded (so the saga
 * hears why) and no product is reserved.
 */
const allOrNothing = (decisions: readonly StreamDecision<InventoryState, InventoryEvent>[]) =>
  decisions.some(isShort) ? decisions.filter(isShort) : decisions;

export function inventoryUseCases(rt: CommandRuntime): InventoryUseCases {
  return {
    replenishStock(input, ctx) {
      const command: ReplenishStock = domainCommand('ReplenishStock', input, ctx);
      return runStreamCommand(rt, { kind, aggregateId: input.productId, command }, ctx);
    },
    async reserveInventory(input, ctx) {
      const orderId = requireOrderId(input.orderId);
      const lines = input.lines !== undefined && input.lines.length > 0 ? input.lines : await orderLines(rt, orderId);
      checkProducts(lines.map((l) => l.productId));
      const targets = lines.map(({ productId, quantity }) => ({
        aggregateId: productId,
        command: domainCommand('ReserveInventory', { productId, orderId, quantity }, ctx) as ReserveInventory,
      }));
      return runMultiStreamCommand(rt, { kind, aggregateId: orderId, type: 'ReserveInventory', targets, settle: allOrNothing }, ctx);
    },
    async releaseInventory(input, ctx) {
      const orderId = requireOrderId(input.orderId);
      const productIds =
        input.productIds !== undefined && input.productIds.length > 0
          ? input.productIds
          : (await orderLines(rt, orderId)).map((l) => l.productId);
      checkProducts(productIds);
      const targets = productIds.map((productId) => ({
        aggregateId: productId,
        command: domainCommand('ReleaseInventory', { productId, orderId, reason: input.reason ?? null }, ctx) as ReleaseInventory,
      }));
      // a product never stocked holds no reservation: a compensation has nothing to undo there
      const skip = (state: InventoryState) => state.status === 'none';
      return runMultiStreamCommand(rt, { kind, aggregateId: orderId, type: 'ReleaseInventory', targets, skip }, ctx);
    },
  };
}
