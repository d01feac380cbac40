import { eventStreamType } from '@orderflow/contracts';
import { assertOwnedBy, type InventoryStreamEvent, type ProjectedEvent } from '../projected-event.js';
import { evolveInventoryView, type InventoryView } from './inventory-view.evolve.js';

/** Every product the batch touches, with its row (null: none yet). */
export type InventoryWorkingSet = {
  products: Map<string, InventoryView | null>;
  changed: Set<string>;
};

export const emptyInventoryWorkingSet = (): InventoryWorkingSet => ({ products: new Map(), changed: new Set() });

/** Folds one event into the working set; no I/O, and a throw changes nothing. */
export function foldInventoryEvent(ws: InventoryWorkingSet, event: ProjectedEvent): void {
  if (eventStreamType[event.type] !== 'Inventory') return;
  const e = event as InventoryStreamEvent;
  assertOwnedBy(e, e.data.productId);
  const next = evolveInventoryView(ws.products.get(e.data.productId) ?? null, e);
  ws.products.set(e.data.productId, next);
  ws.changed.add(e.data.productId);
}
