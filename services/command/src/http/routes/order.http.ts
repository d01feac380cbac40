import type { FastifyInstance } from 'fastify';
import type { OrderLine, PaymentMethod, ShippingAddress } from '@orderflow/contracts';
import { Limits } from '@orderflow/contracts';
import { noBodyAsEmptyObject, type CommandRouteOptions } from '../command-routes.js';
import { runHttpCommand } from '../http-command.js';
import {
  commandSchema,
  currencySchema,
  idSchema,
  minorUnitsSchema,
  objectSchema,
  quantitySchema,
  textSchema,
} from '../http-schemas.js';

const lineSchema = objectSchema({ productId: idSchema, quantity: quantitySchema, unitPrice: minorUnitsSchema }, [
  'productId',
  'quantity',
  'unitPrice',
]);

const createOrderBody = objectSchema(
  {
    customerId: idSchema,
    currency: currencySchema,
    items: { type: 'array', minItems: Limits.minOrderLines, maxItems: Limits.maxOrderLines, items: lineSchema },
    shippingAddress: objectSchema(
      {
        line1: textSchema,
        city: textSchema,
        postalCode: textSchema,
        country: { type: 'string', pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' },
      },
      ['line1', 'city', 'postalCode', 'country'],
    ),
    paymentMethod: objectSchema({ type: idSchema, token: { ...idSchema, description: 'gateway card token' } }, ['type', 'token']),
  },
  ['customerId', 'currency', 'items', 'shippingAddress', 'paymentMethod'],
);

const addItemBody = objectSchema(
  { productId: idSchema, quantity: quantitySchema, unitPrice: minorUnitsSchema, currency: { ...currencySchema, description: "defaults to the order's" } },
  ['productId', 'quantity', 'unitPrice'],
);
const cancelBody = objectSchema({ reason: textSchema }, []);
const confirmBody = objectSchema({ paymentId: idSchema, shipmentId: idSchema }, []);
const shipBody = objectSchema(
  {
    trackingNumber: idSchema,
    carrier: { ...idSchema, description: 'the carrier that took the shipment, recorded on OrderShipped' },
    shipmentId: { ...idSchema, description: 'defaults to the shipment the order was confirmed with' },
  },
  ['trackingNumber'],
);

const orderParams = objectSchema({ id: idSchema }, ['id']);
const itemParams = objectSchema({ id: idSchema, productId: idSchema }, ['id', 'productId']);

const schema = (summary: string, params: object | undefined, body: object | undefined) =>
  commandSchema('orders', summary, { ...(params === undefined ? {} : { params }), ...(body === undefined ? {} : { body }) });

type IdParams = { id: string };
type CreateOrderBody = {
  customerId: string;
  currency: string;
  items: OrderLine[];
  shippingAddress: ShippingAddress;
  paymentMethod: PaymentMethod;
};
type AddItemBody = { productId: string; quantity: number; unitPrice: number; currency?: string };

/** Order commands: `/api/v1/orders`. Answers are 202 with the command's result. */
export async function orderRoutes(app: FastifyInstance, { commands, clock }: CommandRouteOptions): Promise<void> {
  app.post<{ Body: CreateOrderBody }>(
    '/api/v1/orders',
    { schema: schema('Create an order (its id is generated and returned as aggregateId)', undefined, createOrderBody) },
    (req, reply) => runHttpCommand(req, reply, clock, req.body, commands.createOrder),
  );
  app.post<{ Params: IdParams; Body: AddItemBody }>(
    '/api/v1/orders/:id/items',
    { schema: schema('Add an item to a pending order', orderParams, addItemBody) },
    (req, reply) => runHttpCommand(req, reply, clock, { orderId: req.params.id, ...req.body }, commands.addOrderItem),
  );
  app.delete<{ Params: IdParams & { productId: string } }>(
    '/api/v1/orders/:id/items/:productId',
    { schema: schema('Remove an item from a pending order', itemParams, undefined) },
    (req, reply) => runHttpCommand(req, reply, clock, { orderId: req.params.id, productId: req.params.productId }, commands.removeOrderItem),
  );
  app.post<{ Params: IdParams; Body: { reason?: string } }>(
    '/api/v1/orders/:id/cancel',
    { schema: schema('Cancel an order', orderParams, cancelBody), preValidation: noBodyAsEmptyObject },
    (req, reply) => runHttpCommand(req, reply, clock, { orderId: req.params.id, reason: req.body.reason ?? null }, commands.cancelOrder),
  );
  app.post<{ Params: IdParams; Body: { paymentId?: string; shipmentId?: string } }>(
    '/api/v1/orders/:id/confirm',
    { schema: schema('Confirm an order', orderParams, confirmBody), preValidation: noBodyAsEmptyObject },
    (req, reply) => runHttpCommand(req, reply, clock, { orderId: req.params.id, ...req.body }, commands.confirmOrder),
  );
  app.post<{ Params: IdParams; Body: { trackingNumber: string; carrier?: string; shipmentId?: string } }>(
    '/api/v1/orders/:id/ship',
    { schema: schema('Mark a confirmed order shipped', orderParams, shipBody) },
    (req, reply) =>
      runHttpCommand(
        req,
        reply,
        clock,
        {
          orderId: req.params.id,
          trackingNumber: req.body.trackingNumber,
          carrier: req.body.carrier ?? null,
          shipmentId: req.body.shipmentId ?? null,
        },
        commands.shipOrder,
      ),
  );
}
