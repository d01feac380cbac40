import type { InventoryCommand } from './inventory.commands.js';
import type { OrderCommand } from './order.commands.js';
import type { PaymentCommand } from './payment.commands.js';
import type { ShipmentCommand } from './shipment.commands.js';

export type AnyCommand = OrderCommand | InventoryCommand | PaymentCommand | ShipmentCommand;
export type CommandType = AnyCommand['type'];
