import type { PaymentGateway } from '../external/payment-gateway.js';
import type { ShippingCarrier } from '../external/shipping-carrier.js';

/** Wraps a port, counting the calls of each method: tests assert that money did not move. */
export function counting<P extends PaymentGateway | ShippingCarrier>(port: P): P & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const wrapped = Object.fromEntries(
    Object.entries(port).map(([name, method]) => [
      name,
      (...args: unknown[]) => {
        calls[name] = (calls[name] ?? 0) + 1;
        return (method as (...a: unknown[]) => unknown)(...args);
      },
    ]),
  );
  return Object.assign(wrapped as P, { calls });
}
