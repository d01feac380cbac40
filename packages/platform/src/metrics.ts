import client from 'prom-client';

export type MetricsRegistry = client.Registry;
export { client as prom };

/** One registry per service, with the process and event-loop metrics prom-client ships. */
export function createMetricsRegistry(service: string): client.Registry {
  const registry = new client.Registry();
  registry.setDefaultLabels({ service });
  client.collectDefaultMetrics({ register: registry });
  return registry;
}
