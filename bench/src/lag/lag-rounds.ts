import type { SteadyLoad } from './steady-load.js';

export type LagContenders = Readonly<{
  /** The read side under the steady load for `seconds`. */
  readSide: (seconds: number) => Promise<SteadyLoad>;
  /** The bare Kafka round trip at the same rate for `seconds`; round trips in ms. */
  kafka: (seconds: number) => Promise<number[]>;
}>;

export type LagRoundsOptions = Readonly<{ rounds: number; seconds: number; warmupSeconds: number }>;

export type LagRounds = Readonly<{ load: SteadyLoad; pings: readonly number[] }>;

const progress = (line: string) => process.stderr.write(`  ${line}\n`);

/**
 * Both contenders warmed up, then measured in interleaved rounds, each round starting
 * with the other one, so a neighbour's burst of CPU on a shared machine falls on both
 * alike. They never run at the same time: the baseline is what the bare broker hop costs
 * at this rate on this machine, not what it costs beside our services.
 */
export async function runLagRounds(contenders: LagContenders, options: LagRoundsOptions): Promise<LagRounds> {
  progress(`warm-up read side and kafka (${options.warmupSeconds} s each)`);
  await contenders.readSide(options.warmupSeconds);
  await contenders.kafka(options.warmupSeconds);
  const loads: SteadyLoad[] = [];
  const pings: number[] = [];
  const runReadSide = async (round: number) => {
    const load = await contenders.readSide(options.seconds);
    loads.push(load);
    progress(`round ${round}/${options.rounds} read side: ${load.traces.length} orders`);
  };
  const runKafka = async (round: number) => {
    const trips = await contenders.kafka(options.seconds);
    pings.push(...trips);
    progress(`round ${round}/${options.rounds} kafka: ${trips.length} round trips`);
  };
  for (let round = 1; round <= options.rounds; round++) {
    const order = round % 2 === 1 ? [runReadSide, runKafka] : [runKafka, runReadSide];
    for (const run of order) await run(round);
  }
  return {
    load: { traces: loads.flatMap((l) => l.traces), maxStartDelayMs: Math.max(0, ...loads.map((l) => l.maxStartDelayMs)) },
    pings,
  };
}
