import type { FastifyInstance } from 'fastify';
import { notFound } from '@orderflow/platform/errors';
import type { InventoryReader } from '../inventory/inventory-view.js';
import { envelope } from './envelope.js';
import { parameterErrors } from './param-errors.js';
import { envelopeSchema, errorResponses, idParam } from './schemas.js';

export type InventoryRoutesOptions = Readonly<{ store: InventoryReader }>;

const inventorySchema = {
  type: 'object',
  properties: { productId: { type: 'string' }, available: { type: 'integer' }, reserved: { type: 'integer' } },
};

export async function inventoryRoutes(app: FastifyInstance, opts: InventoryRoutesOptions): Promise<void> {
  app.get<{ Params: { productId: string } }>(
    '/inventory/:productId',
    {
      schemaErrorFormatter: parameterErrors(),
      schema: {
        tags: ['inventory'],
        summary: 'Stock of one product: available to reserve, and reserved by open orders',
        params: { type: 'object', required: ['productId'], properties: { productId: idParam('Product id (SKU)') } },
        querystring: { type: 'object', additionalProperties: false, properties: {} },
        response: { 200: envelopeSchema(inventorySchema), ...errorResponses },
      },
    },
    async (req) => {
      const view = await opts.store.find(req.params.productId);
      if (!view) throw notFound('INVENTORY_NOT_FOUND', `no inventory for product ${req.params.productId}`, { productId: req.params.productId });
      const { productId, available, reserved } = view;
      return envelope({ productId, available, reserved }, { lastUpdated: view.updatedAt, version: view.version, cached: false, stale: false });
    },
  );
}
