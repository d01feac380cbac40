import type { InventoryView } from '../../inventory/inventory-view.evolve.js';
import type { Queryable } from './checkpoint.statements.js';

type InventoryRow = { product_id: string; available: number; reserved: number; version: number; updated_at: Date };

export async function selectInventoryViews(db: Queryable, table: string, productIds: readonly string[]): Promise<InventoryView[]> {
  if (productIds.length === 0) return [];
  const { rows } = await db.query<InventoryRow>(
    `SELECT product_id, available, reserved, version, updated_at FROM ${table} WHERE product_id = ANY($1::text[])`,
    [productIds],
  );
  return rows.map((r) => ({
    productId: r.product_id,
    available: r.available,
    reserved: r.reserved,
    version: r.version,
    updatedAt: r.updated_at.toISOString(),
  }));
}

export async function upsertInventoryViews(db: Queryable, table: string, views: readonly InventoryView[]): Promise<void> {
  if (views.length === 0) return;
  const records = [...views]
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0))
    .map((v) => ({ product_id: v.productId, available: v.available, reserved: v.reserved, version: v.version, updated_at: v.updatedAt }));
  await db.query(
    `INSERT INTO ${table} (product_id, available, reserved, version, updated_at)
     SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(product_id text, available int, reserved int, version int, updated_at timestamptz)
     ON CONFLICT (product_id) DO UPDATE SET available = EXCLUDED.available, reserved = EXCLUDED.reserved,
       version = EXCLUDED.version, updated_at = EXCLUDED.updated_at`,
    [JSON.stringify(records)],
  );
}
