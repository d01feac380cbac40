import { randomUUID } from 'node:crypto';

export type OrderLine = { productId: string; quantity: number; unitPrice: number };

export const orderBody = (over: Partial<{ customerId: string; items: OrderLine[]; token: string; country: string; currency: string }> = {}) => ({
  customerId: over.customerId ?? `c-${randomUUID()}`,
  currency: over.currency ?? 'EUR',
  items: over.items ?? [{ productId: `sku-${randomUUID()}`, quantity: 2, unitPrice: 1250 }],
  shippingAddress: { line1: '1 Rue de la Paix', city: 'Lyon', postalCode: '69001', country: over.country ?? 'FR' },
  paymentMethod: { type: 'card', token: over.token ?? 'tok_visa' },
});

export type Accepted = { commandId: string; status: string; aggregateId: string; version: number; timestamp: string };

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID(), ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export async function createOrder(commandUrl: string, body = orderBody()): Promise<Accepted> {
  const res = await postJson(`${commandUrl}/api/v1/orders`, body);
  if (res.status !== 202) throw new Error(`CreateOrder answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as unknown as Accepted;
}

export async function replenish(commandUrl: string, productId: string, quantity: number): Promise<Accepted> {
  const res = await postJson(`${commandUrl}/api/v1/inventory/${encodeURIComponent(productId)}/stock`, { quantity });
  if (res.status !== 202) throw new Error(`ReplenishStock answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as unknown as Accepted;
}
