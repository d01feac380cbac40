import type { InventoryView } from '../../inventory/inventory-view.evolve.js';
import { isoOf, type StatementParams } from './statement-params.js';

// Fragments of the batch statements (batch.statements.ts).

export type InventoryRow = { product_id: string; available: number; reserved: number; version: number; updated_at: Date | string };

export const toInventoryView = (r: InventoryRow): InventoryView => ({
  productId: r.product_id,
  available: r.available,
  reserved: r.reserved,
  version: r.version,
  updatedAt: isoOf(r.updated_at),
});

export const selectInventoryViewsSql = (table: string, p: StatementParams, productIds: readonly string[]): string =>
  `SELECT product_id, available, reserved, version, updated_at FROM ${table} WHERE product_id = ANY(${p.bind(productIds, 'text[]')})`;

export function upsertInventoryViewsSql(table: string, p: StatementParams, views: readonly InventoryView[]): string {
  const records = [...views]
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .map((v) => ({ product_id: v.productId, available: v.available, reserved: v.reserved, version: v.version, updated_at: v.updatedAt }));
  return `INSERT INTO ${table} (product_id, available, reserved, version, updated_at)
     SELECT * FROM jsonb_to_recordset(${p.bind(JSON.stringify(records), 'jsonb')})
       AS r(product_id text, available int, reserved int, version int, updated_at timestamptz)
     ON CONFLICT (product_id) DO UPDATE SET available = EXCLUDED.available, reserved = EXCLUDED.reserved,
       version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`;
}
