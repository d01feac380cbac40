import type { FastifyInstance } from 'fastify';
import type { CommandRouteOptions } from '../command-routes.js';
import { runHttpCommand } from '../http-command.js';
import { commandSchema, idSchema, objectSchema, quantitySchema } from '../http-schemas.js';

/** `POST /api/v1/inventory/{productId}/stock` adds stock; the first one starts the product's stream. */
export async function inventoryRoutes(app: FastifyInstance, { commands, clock }: CommandRouteOptions): Promise<void> {
  app.post<{ Params: { productId: string }; Body: { quantity: number } }>(
    '/api/v1/inventory/:productId/stock',
    {
      schema: commandSchema('inventory', 'Replenish the stock of a product', {
        params: objectSchema({ productId: idSchema }, ['productId']),
        body: objectSchema({ quantity: quantitySchema }, ['quantity']),
      }),
    },
    (req, reply) => runHttpCommand(req, reply, clock, { productId: req.params.productId, quantity: req.body.quantity }, commands.replenishStock),
  );
}
