import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { orderPlanDigest, type OrderPlan } from './order-digest.js';

const plan: OrderPlan = {
  currency: 'EUR',
  totalAmount: 3500,
  lines: [
    { productId: 'sku-a', quantity: 2 },
    { productId: 'sku-b', quantity: 1 },
  ],
};

describe('orderPlanDigest', () => {
  it('is the same whatever the order of the lines', () => {
    assert.equal(orderPlanDigest(plan), orderPlanDigest({ ...plan, lines: [...plan.lines].reverse() }));
    assert.match(orderPlanDigest(plan), /^[0-9a-f]{64}$/);
  });

  it('changes with a line, a quantity, the total or the currency', () => {
    const base = orderPlanDigest(plan);
    const variants: OrderPlan[] = [
      { ...plan, lines: [...plan.lines, { productId: 'sku-c', quantity: 1 }] },
      { ...plan, lines: [{ productId: 'sku-a', quantity: 3 }, { productId: 'sku-b', quantity: 1 }] },
      { ...plan, lines: [{ productId: 'sku-a', quantity: 2 }] },
      { ...plan, totalAmount: 3501 },
      { ...plan, currency: 'USD' },
    ];
    for (const v of variants) assert.notEqual(orderPlanDigest(v), base, JSON.stringify(v));
  });

  it('counts a product split over two lines as one line of their total quantity', () => {
    const split: OrderPlan = { ...plan, lines: [{ productId: 'sku-a', quantity: 1 }, { productId: 'sku-b', quantity: 1 }, { productId: 'sku-a', quantity: 1 }] };
    assert.equal(orderPlanDigest(split), orderPlanDigest(plan));
  });

  it('keeps a product id from running into its quantity', () => {
    const a: OrderPlan = { ...plan, lines: [{ productId: 'sku-1', quantity: 12 }] };
    const b: OrderPlan = { ...plan, lines: [{ productId: 'sku-11', quantity: 2 }] };
    assert.notEqual(orderPlanDigest(a), orderPlanDigest(b));
  });
});
