import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Summary } from './measurement.js';

export type Figure = Readonly<{ value: number; unit: string }>;
export type Better = 'higher' | 'lower';
export type Ratio = Readonly<{ value: number; target: number; better: Better }>;

/** The shape of `bench/results/<suite>.json` (DESIGN.md, "Tests and benchmarks"). */
export type SuiteResult = Readonly<{
  suite: string;
  commit: string;
  figures: Readonly<Record<string, Figure>>;
  ratios: Readonly<Record<string, Ratio>>;
}>;

const DEFAULT_RESULTS_DIR = fileURLToPath(new URL('../../results/', import.meta.url));

const round = (value: number, digits: number) => Number(value.toFixed(digits));

export const figure = (value: number, unit: string): Figure => ({ value: round(value, unit === 'ms' ? 3 : 1), unit });

/** `<name>_<rate>`, `<name>_p50_ms` and `<name>_p99_ms` for every contender. */
export const figuresOf = (results: ReadonlyMap<string, Summary>, rate: string, unit: string): Record<string, Figure> =>
  Object.fromEntries(
    [...results].flatMap(([name, summary]) => [
      [`${name}_${rate}`, figure(summary.perSecond, unit)],
      [`${name}_p50_ms`, figure(summary.p50Ms, 'ms')],
      [`${name}_p99_ms`, figure(summary.p99Ms, 'ms')],
    ]),
  );

export function summaryOf(results: ReadonlyMap<string, Summary>, name: string): Summary {
  const summary = results.get(name);
  if (summary === undefined) throw new Error(`no result for ${name}`);
  return summary;
}

export const ratio = (numerator: number, denominator: number, target: number, better: Better): Ratio => ({
  value: round(numerator / denominator, 3),
  target,
  better,
});

export const meetsTarget = (r: Ratio): boolean => (r.better === 'higher' ? r.value >= r.target : r.value <= r.target);

function commitOf(): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

const pad = (cells: readonly string[], widths: readonly number[]) =>
  cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join('  ');

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  return [pad(header, widths), pad(widths.map((w) => '-'.repeat(w)), widths), ...rows.map((r) => pad(r, widths))].join('\n');
}

export function formatResult(result: SuiteResult, notes: readonly string[] = []): string {
  const figures = Object.entries(result.figures).map(([name, f]) => [name, String(f.value), f.unit]);
  const ratios = Object.entries(result.ratios).map(([name, r]) => [
    name,
    r.value.toFixed(3),
    `${r.better === 'higher' ? '>=' : '<='} ${r.target}`,
    meetsTarget(r) ? 'met' : 'MISSED',
  ]);
  return [
    `== bench ${result.suite} (commit ${result.commit.slice(0, 12)})`,
    ...notes.map((n) => `   ${n}`),
    '',
    table(['figure', 'value', 'unit'], figures),
    '',
    table(['ratio', 'value', 'target', 'verdict'], ratios),
    '',
  ].join('\n');
}

/**
 * Prints the suite's table and writes its JSON. A missed target is reported, not
 * thrown: benchmarks inform, the test suite decides pass or fail.
 */
export async function reportSuite(
  suite: string,
  figures: Readonly<Record<string, Figure>>,
  ratios: Readonly<Record<string, Ratio>>,
  options: Readonly<{ notes?: readonly string[]; resultsDir?: string | undefined }> = {},
): Promise<SuiteResult> {
  const result: SuiteResult = { suite, commit: commitOf(), figures, ratios };
  process.stdout.write(formatResult(result, options.notes));
  const dir = options.resultsDir ?? DEFAULT_RESULTS_DIR;
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${suite}.json`);
  await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`written ${path.relative(process.cwd(), file) || file}\n`);
  return result;
}
