import { randomUUID } from 'node:crypto';
import type { Request } from 'autocannon';
import { eventFixtures } from '@orderflow/contracts/testing/event-fixtures';

const order = eventFixtures.OrderCreated.data;

/** The CreateOrder body both servers receive: the contracts fixture's order, two lines. */
export const createOrderBody = JSON.stringify({
  customerId: order.customerId,
  currency: order.currency,
  items: order.items,
  shippingAddress: order.shippingAddress,
  paymentMethod: order.paymentMethod,
});

/** Every request a new command: a repeated key would be answered from the idempotency row. */
export const withFreshIdempotencyKey = (request: Request): Request => ({
  ...request,
  headers: { ...request.headers, 'idempotency-key': randomUUID() },
});

/**
 * One request before the load: a missing route or a rejected body fails the suite with
 * the server's own answer instead of a wall of non-2xx counts.
 */
export async function probeCreateOrder(baseUrl: string, path: string, what: string): Promise<void> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
    body: createOrderBody,
  });
  const text = await response.text();
  if (response.status === 404) {
    throw new Error(`${what} has no POST ${path} route yet (404 ${text.slice(0, 300)}); the suite cannot run`);
  }
  if (response.status !== 202) {
    throw new Error(`${what}: POST ${path} answered ${response.status}, expected 202: ${text.slice(0, 500)}`);
  }
}
