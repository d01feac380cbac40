import type { Logger, MetricsRegistry } from '@orderflow/platform';
import { isAppError } from '@orderflow/platform/errors';
import type { EventStore } from '@orderflow/event-store';
import type { Clock, CommandContext } from './commands/command-context.js';
import { createCommandMetrics, type CommandMetrics } from './commands/command-metrics.js';
import { createKnownStreams } from './commands/known-streams.js';
import type { CommandResult } from './commands/command-response.js';
import type { CommandRuntime } from './commands/command-runtime.js';
import type { PaymentGateway } from './external/payment-gateway.js';
import type { ShippingCarrier } from './external/shipping-carrier.js';
import { inventoryUseCases, type InventoryUseCases } from './inventory/inventory.use-cases.js';
import { orderUseCases, type OrderUseCases } from './orders/order.use-cases.js';
import { paymentUseCases, type PaymentUseCases } from './payments/payment.use-cases.js';
import { shipmentUseCases, type ShipmentUseCases } from './shipments/shipment.use-cases.js';

/**
 * Every command the service takes, whatever the transport. REST routes and gRPC
 * methods map their input onto one of these and their answer from its result:
 *
 * orders     createOrder, addOrderItem, removeOrderItem, cancelOrder, confirmOrder,
 *            shipOrder, recordPayment
 * inventory  replenishStock, reserveInventory (all lines of an order, atomically),
 *            releaseInventory
 * payments   authorizePayment, capturePayment, voidPayment, refundPayment (gateway)
 * shipments  createShipment, cancelShipment (carrier)
 */
export type CommandUseCases = OrderUseCases & InventoryUseCases & PaymentUseCases & ShipmentUseCases;

export type UseCaseName = keyof CommandUseCases;

export type UseCaseSettings = Readonly<{
  snapshotEvery: number;
  maxRetries: number;
  gatewayTimeoutMs: number;
  carrierTimeoutMs: number;
}>;

export type UseCaseDeps = Readonly<{
  store: EventStore;
  gateway: PaymentGateway;
  carrier: ShippingCarrier;
  clock: Clock;
  logger: Logger;
  metrics: MetricsRegistry;
  settings: UseCaseSettings;
}>;

export function createUseCases(deps: UseCaseDeps): CommandUseCases {
  const metrics = createCommandMetrics(deps.metrics);
  const rt: CommandRuntime = {
    store: deps.store,
    clock: deps.clock,
    snapshotEvery: deps.settings.snapshotEvery,
    maxRetries: deps.settings.maxRetries,
    onConflictRetry: (command) => metrics.conflictRetries.inc({ command }),
    onSnapshotError: (err) => deps.logger.warn({ event: 'command.snapshot_failed', err }, 'snapshot not saved'),
    streams: createKnownStreams(),
  };
  const useCases: CommandUseCases = {
    ...orderUseCases(rt),
    ...inventoryUseCases(rt),
    ...paymentUseCases(rt, deps.gateway, deps.settings.gatewayTimeoutMs),
    ...shipmentUseCases(rt, deps.carrier, deps.settings.carrierTimeoutMs),
  };
  return observed(useCases, metrics, deps.logger);
}

const outcomeOf = (result: CommandResult): string =>
  result.replayed ? 'replayed' : result.response.events.length > 0 ? 'accepted' : 'unchanged';

/** One log line, one count and one latency sample per command, at the boundary. */
function observed(useCases: CommandUseCases, metrics: CommandMetrics, logger: Logger): CommandUseCases {
  const wrap = <I>(command: string, handler: (input: I, ctx: CommandContext) => Promise<CommandResult>) =>
    async (input: I, ctx: CommandContext): Promise<CommandResult> => {
      const started = performance.now();
      const line = { command, commandId: ctx.commandId, correlationId: ctx.correlationId, causationId: ctx.commandId };
      const done = (outcome: string) => {
        const seconds = (performance.now() - started) / 1000;
        metrics.handled.inc({ command, outcome });
        metrics.duration.observe({ command, outcome }, seconds);
        return { ...line, outcome, ms: Math.round(seconds * 1000) };
      };
      try {
        const result = await handler(input, ctx);
        logger.info({ event: 'command.handled', ...done(outcomeOf(result)), aggregateId: result.response.aggregateId, version: result.response.version }, 'command handled');
        return result;
      } catch (error) {
        if (isAppError(error)) {
          logger.info({ event: 'command.rejected', ...done(error.kind), code: error.code }, error.message);
        } else {
          logger.error({ event: 'command.failed', ...done('error'), err: error }, 'command failed');
        }
        throw error;
      }
    };
  const entries = Object.entries(useCases) as [UseCaseName, (input: never, ctx: CommandContext) => Promise<CommandResult>][];
  // labelled like the domain commands (createOrder -> CreateOrder), as the retry counter is
  const label = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  return Object.fromEntries(entries.map(([name, handler]) => [name, wrap(label(name), handler)])) as unknown as CommandUseCases;
}
