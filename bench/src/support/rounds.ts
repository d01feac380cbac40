import { summarise, type Measurement, type Summary } from './measurement.js';

export type Contender = Readonly<{
  name: string;
  measure: (seconds: number) => Promise<Measurement>;
}>;

export type RoundsOptions = Readonly<{ rounds: number; seconds: number; warmupSeconds: number }>;

const progress = (line: string) => process.stderr.write(`  ${line}\n`);

/**
 * Warms every contender up, then measures them in interleaved rounds, starting each
 * round with the next contender: noise from the neighbours on a shared machine, and
 * the growth of the tables, fall on all of them alike instead of on whoever ran last.
 */
export async function measureInRounds(
  contenders: readonly Contender[],
  options: RoundsOptions,
): Promise<Map<string, Summary>> {
  for (const contender of contenders) {
    progress(`warm-up ${contender.name} (${options.warmupSeconds} s)`);
    await contender.measure(options.warmupSeconds);
  }
  const runs = new Map<string, Measurement[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < options.rounds; round++) {
    for (let i = 0; i < contenders.length; i++) {
      const contender = contenders[(round + i) % contenders.length];
      if (contender === undefined) continue;
      const run = await contender.measure(options.seconds);
      runs.get(contender.name)?.push(run);
      progress(`round ${round + 1}/${options.rounds} ${contender.name}: ${(run.ops / run.seconds).toFixed(0)}/s`);
    }
  }
  return new Map([...runs].map(([name, measurements]) => [name, summarise(measurements)]));
}
