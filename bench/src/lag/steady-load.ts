import { createOrder, readOwnWrite, type HttpClient } from './http-client.js';
import { runOpenLoop } from './open-loop.js';
import type { ReadModelListener } from './read-model-listener.js';
import type { MessageHops, TopicWatch } from './topic-watch.js';

/** One order of the steady load, times in ms on the `performance.now()` scale. */
export type OrderTrace = Readonly<{
  dueAt: number;
  acceptedAt: number;
  /** The order's first message received from the orders topic. */
  onKafkaAt: number;
  visibleAt: number;
  /** Diagnostics: when the append began and when the relay produced the order's first message. */
  hops?: MessageHops;
  /** Present for the orders also read back through the query API. */
  readBack?: Readonly<{ at: number; stale: boolean }>;
}>;

export type SteadyLoadOptions = Readonly<{
  ratePerSecond: number;
  seconds: number;
  /** Every n-th order is also read back through the query API (0: none). */
  readEvery: number;
  visibleTimeoutMs: number;
}>;

export type SteadyLoad = Readonly<{ traces: readonly OrderTrace[]; maxStartDelayMs: number }>;

/**
 * CreateOrder on an open-loop schedule; for each order, the time its first message could
 * be consumed from Kafka, the time its version became visible in the read model (the
 * projection's commit) and, for a sample, the answer of a
 * `minVersion` read sent as soon as the 202 arrived. Returns once every order is
 * visible, so the next round starts with an empty pipeline. The first failure fails the
 * load.
 */
export async function runSteadyLoad(
  clients: Readonly<{ command: HttpClient; query: HttpClient }>,
  watchers: Readonly<{ listener: Pick<ReadModelListener, 'visible'>; topic: Pick<TopicWatch, 'firstSeen' | 'hopsOf'> }>,
  options: SteadyLoadOptions,
): Promise<SteadyLoad> {
  const trace = async (index: number, dueAt: number): Promise<OrderTrace> => {
    const order = await createOrder(clients.command);
    const sampled = options.readEvery > 0 && index % options.readEvery === 0;
    const [onKafkaAt, visibleAt, readBack] = await Promise.all([
      watchers.topic.firstSeen(order.orderId, options.visibleTimeoutMs),
      watchers.listener.visible(order.orderId, order.version, options.visibleTimeoutMs),
      sampled ? readOwnWrite(clients.query, order) : undefined,
    ]);
    const hops = watchers.topic.hopsOf(order.orderId);
    return { dueAt, acceptedAt: order.acceptedAt, onKafkaAt, visibleAt, ...(hops === undefined ? {} : { hops }), ...(readBack === undefined ? {} : { readBack }) };
  };
  const run = await runOpenLoop(trace, options);
  const outcomes = await run.settled;
  const failed = outcomes.find((o) => o.status === 'rejected');
  if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
  return { traces: outcomes.map((o) => (o as PromiseFulfilledResult<OrderTrace>).value), maxStartDelayMs: run.maxStartDelayMs };
}
