/** The tables one read-model generation lives in; rebuilds write a shadow set. */
export type ReadModelTables = Readonly<{
  orderViews: string;
  orderPayments: string;
  orderShipments: string;
  customerSummaries: string;
  dailySales: string;
  inventoryViews: string;
  streamVersions: string;
}>;

export const liveTables: ReadModelTables = {
  orderViews: 'order_views',
  orderPayments: 'order_view_payments',
  orderShipments: 'order_view_shipments',
  customerSummaries: 'customer_order_summaries',
  dailySales: 'daily_sales',
  inventoryViews: 'inventory_views',
  streamVersions: 'projection_stream_versions',
};

export const SHADOW_PREFIX = 'rebuild_';

export const shadowTables = Object.fromEntries(
  Object.entries(liveTables).map(([k, v]) => [k, `${SHADOW_PREFIX}${v}`]),
) as ReadModelTables;

/**
 * Advisory-lock classes (the first key of the two-key form), so these locks never meet
 * another component's. Live and shadow writers lock apart: a rebuild does not queue
 * behind the consumer.
 */
export const LockClass = { live: 0x4f465001, shadow: 0x4f465002, rebuild: 0x4f465003 } as const;

/** Where a batch is written; parking exists only for what arrives from Kafka. */
export type WriteTarget = Readonly<{ tables: ReadModelTables; lockClass: number; parking: boolean }>;

export const liveTarget: WriteTarget = { tables: liveTables, lockClass: LockClass.live, parking: true };
export const shadowTarget: WriteTarget = { tables: shadowTables, lockClass: LockClass.shadow, parking: false };
