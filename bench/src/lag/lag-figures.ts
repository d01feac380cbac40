import { percentile, type Measurement } from '../support/measurement.js';
import { figure, ratio, type Figure, type Ratio } from '../support/report.js';
import type { LagBenchConfig } from './lag-bench-config.js';
import type { SteadyLoad } from './steady-load.js';

/** Everything one run of the suite measured. */
export type LagRun = Readonly<{
  probe: Measurement;
  /** From the probe's end until the read model held every order it created. */
  drainSeconds: number;
  /** The steady load's rate, orders/s. */
  rate: number;
  load: SteadyLoad;
  /** Bare Kafka round trips (ms) at the same rate, in rounds interleaved with the load's. */
  pings: readonly number[];
}>;

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b);

/** p50, p99 and max of one series, as `<name>_p50_ms`, ... */
function spread(name: string, values: readonly number[], withMax = false): Record<string, Figure> {
  const s = sorted(values);
  return {
    [`${name}_p50_ms`]: figure(percentile(s, 50), 'ms'),
    [`${name}_p99_ms`]: figure(percentile(s, 99), 'ms'),
    ...(withMax ? { [`${name}_max_ms`]: figure(s.at(-1) ?? Number.NaN, 'ms') } : {}),
  };
}

/**
 * Lag is counted from the moment the 202 arrived to the moment the version was visible;
 * an order visible before its 202 was read (its response still in a socket) counts 0.
 */
export const lagOf = (load: SteadyLoad): number[] => load.traces.map((t) => Math.max(0, t.visibleAt - t.acceptedAt));

const mean = (values: readonly number[]) => (values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length);

/**
 * Diagnostics, not the headline: the write side's lag split where the message's own
 * times allow (append began -> relay produced -> suite's consumer received), and the
 * mean of every hop over the slowest 1% of orders, which says which hop the tail is in.
 */
function hopFigures(load: SteadyLoad, lags: readonly number[]): Record<string, Figure> {
  const traced = load.traces.flatMap((t, i) => (t.hops === undefined ? [] : [{ t, hops: t.hops, lag: lags[i] ?? 0 }]));
  const appendToProduce = traced.map(({ hops }) => Math.max(0, hops.producedAt - hops.storedAt));
  const produceToReceive = traced.map(({ t, hops }) => Math.max(0, t.onKafkaAt - hops.producedAt));
  const tailFrom = percentile(sorted(lags), 99);
  const tail = traced.filter((x) => x.lag >= tailFrom);
  const tailMean = (hop: (x: (typeof traced)[number]) => number) => figure(mean(tail.map(hop)), 'ms');
  return {
    hops_traced: figure(traced.length, 'orders'),
    ...spread('hop_append_to_202', traced.map(({ t, hops }) => Math.max(0, t.acceptedAt - hops.storedAt))),
    ...spread('hop_append_to_produce', appendToProduce),
    ...spread('hop_produce_to_received', produceToReceive),
    tail_orders: figure(tail.length, 'orders'),
    tail_mean_append_to_produce_ms: tailMean(({ hops }) => Math.max(0, hops.producedAt - hops.storedAt)),
    tail_mean_produce_to_received_ms: tailMean(({ t, hops }) => Math.max(0, t.onKafkaAt - hops.producedAt)),
    tail_mean_received_to_visible_ms: tailMean(({ t }) => Math.max(0, t.visibleAt - t.onKafkaAt)),
    tail_mean_append_to_202_ms: tailMean(({ t, hops }) => Math.max(0, t.acceptedAt - hops.storedAt)),
  };
}

export function lagFigures(run: LagRun, config: LagBenchConfig) {
  const { load } = run;
  const lags = lagOf(load);
  const reads = load.traces.flatMap((t) => (t.readBack === undefined ? [] : [{ ms: Math.max(0, t.readBack.at - t.acceptedAt), stale: t.readBack.stale }]));
  const lagP99 = percentile(sorted(lags), 99);
  const pingP99 = percentile(sorted(run.pings), 99);
  const figures: Record<string, Figure> = {
    create_order_max_req_per_s: figure(run.probe.ops / run.probe.seconds, 'req/s'),
    read_model_catch_up_after_probe_s: figure(run.drainSeconds, 's'),
    steady_load_req_per_s: figure(run.rate, 'req/s'),
    orders_measured: figure(load.traces.length, 'orders'),
    kafka_round_trips_measured: figure(run.pings.length, 'messages'),
    ...spread('lag', lags, true),
    ...spread('lag_to_kafka', load.traces.map((t) => Math.max(0, t.onKafkaAt - t.acceptedAt))),
    ...spread('lag_kafka_to_visible', load.traces.map((t) => Math.max(0, t.visibleAt - Math.max(t.onKafkaAt, t.acceptedAt)))),
    ...spread('kafka_roundtrip', run.pings),
    ...spread('command', load.traces.map((t) => t.acceptedAt - t.dueAt)),
    ...spread('read_your_writes', reads.map((r) => r.ms)),
    read_your_writes_reads: figure(reads.length, 'reads'),
    read_your_writes_stale: figure(reads.filter((r) => r.stale).length, 'reads'),
    load_generator_max_delay_ms: figure(load.maxStartDelayMs, 'ms'),
    ...hopFigures(load, lags),
  };
  const ratios: Record<string, Ratio> = {
    lag_p99_vs_kafka_roundtrip_p99: ratio(lagP99, pingP99, 10, 'lower'),
  };
  const every = config.BENCH_LAG_READ_SHARE > 0 ? Math.round(1 / config.BENCH_LAG_READ_SHARE) : 0;
  const notes = [
    `Command, outbox relay, projection and query as their own processes (LOG_LEVEL=${config.BENCH_SERVICE_LOG_LEVEL}) over a database and topics of this run alone.`,
    `create_order_max: autocannon, ${config.BENCH_HTTP_CONNECTIONS} connections, ${config.BENCH_LAG_PROBE_SECONDS} s after ${config.BENCH_WARMUP_SECONDS} s warm-up; ` +
      'read_model_catch_up_after_probe: from its end until the read model held every order (the read side trailing the command path).',
    `steady_load: ${config.BENCH_LAG_LOAD_FRACTION} of that rate, open loop (each order sent at its slot whatever the others do); ` +
      `${config.BENCH_ROUNDS} rounds of ${config.BENCH_LAG_SECONDS / config.BENCH_ROUNDS} s after ${config.BENCH_WARMUP_SECONDS} s warm-up; command: slot -> 202.`,
    "lag: 202 received -> NOTIFY order_view_updated for that order and version received (sent by PostgreSQL at the projection's commit);",
    '  split at the moment a consumer of the suite\'s own received the order\'s first message from the orders topic: to_kafka (outbox, relay, broker), kafka_to_visible (projection).',
    `read_your_writes: every ${every}th order, GET /api/v1/orders/{id}?minVersion=<version> sent at its 202 -> answer; stale: answered stale.`,
    'kafka_roundtrip: bare kafkajs, one small message per produce (acks=-1) -> a consumer of its topic receives it, same broker, ' +
      'same rate and open loop as the orders, in rounds interleaved with the read side\'s (never beside them).',
    'hop_*, tail_* (diagnostics): append_to_produce: the event\'s recorded-at (append transaction start) -> the record\'s CreateTime ' +
      '(the relay\'s producer encoding the request); produce_to_received: -> the suite\'s consumer got it; tail: the orders at or above the lag p99.',
  ];
  return { figures, ratios, notes };
}
