import type pg from 'pg';
import type { InventoryReader } from '../../inventory/inventory-view.js';

type Row = { product_id: string; available: number; reserved: number; version: number; updated_at: Date | null };

export function createInventoryStore(pool: pg.Pool): InventoryReader {
  return {
    find: async (productId) => {
      const { rows } = await pool.query<Row>(
        'SELECT product_id, available, reserved, version, updated_at FROM inventory_views WHERE product_id = $1',
        [productId],
      );
      const row = rows[0];
      if (!row) return null;
      return {
        productId: row.product_id,
        available: row.available,
        reserved: row.reserved,
        version: row.version,
        updatedAt: row.updated_at?.toISOString() ?? null,
      };
    },
  };
}
