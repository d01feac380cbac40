import type { FastifyInstance } from 'fastify';
import type { CommandRouteOptions } from '../command-routes.js';
import { runHttpCommand } from '../http-command.js';
import { commandSchema, currencySchema, idSchema, minorUnitsSchema, objectSchema } from '../http-schemas.js';

const recordPaymentBody = objectSchema(
  {
    orderId: idSchema,
    paymentId: { ...idSchema, description: 'the captured payment; defaults to the one the order was confirmed with' },
    amount: { ...minorUnitsSchema, description: "must equal the order's total, in minor units" },
    currency: { ...currencySchema, description: "must be the order's currency" },
  },
  ['orderId', 'amount', 'currency'],
);

type RecordPaymentBody = { orderId: string; paymentId?: string; amount: number; currency: string };

/**
 * `POST /api/v1/payments` records on the order that it was paid (PaymentProcessed on
 * the order's stream, once per order); aggregateId is the order id. Authorizing and
 * capturing with the gateway are gRPC commands of the saga.
 */
export async function paymentRoutes(app: FastifyInstance, { commands, clock }: CommandRouteOptions): Promise<void> {
  app.post<{ Body: RecordPaymentBody }>(
    '/api/v1/payments',
    { schema: commandSchema('payments', 'Record a captured payment for an order', { body: recordPaymentBody }) },
    (req, reply) => runHttpCommand(req, reply, clock, { ...req.body, paymentId: req.body.paymentId ?? null }, commands.recordPayment),
  );
}
