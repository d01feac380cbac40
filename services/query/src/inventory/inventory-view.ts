/** Stock of one product as the projection keeps it; `version` is the Inventory stream version. */
export type InventoryView = Readonly<{ productId: string; available: number; reserved: number; version: number; updatedAt: string | null }>;

export type InventoryReader = { find(productId: string): Promise<InventoryView | null> };
