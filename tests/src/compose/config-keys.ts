import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { isMap, repoRoot } from './yaml-values.js';

/** The environment variables a service reads, and those it cannot start without. */
export type ConfigKeys = Readonly<{ known: readonly string[]; required: readonly string[] }>;

/** Problems the service's own config schema finds in an environment; empty when it starts. */
export type ConfigCheck = (env: Readonly<Record<string, string>>) => string[];

export const appServices = ['command', 'outbox-relay', 'projection', 'query', 'saga-orchestrator'] as const;
export type AppService = (typeof appServices)[number];

type Issue = { path: readonly PropertyKey[]; message: string };
type Parser = { safeParse: (input: unknown) => { success: boolean; error?: { issues: readonly Issue[] } } };
const isParser = (v: unknown): v is Parser =>
  typeof v === 'object' && v !== null && typeof (v as { safeParse?: unknown }).safeParse === 'function';

async function loadConfigSpec(service: AppService): Promise<Parser & { shape: Record<string, unknown> }> {
  const file = path.join(repoRoot, 'services', service, 'dist', 'config.js');
  const mod = (await import(pathToFileURL(file).href).catch((e: unknown) => {
    throw new Error(`cannot load ${file}; build the services first (npm run build)`, { cause: e });
  })) as Record<string, unknown>;
  const spec = mod['configSpec'];
  if (!isParser(spec) || !isMap((spec as { shape?: unknown }).shape)) {
    throw new Error(`${file} does not export a zod object named configSpec`);
  }
  return spec as Parser & { shape: Record<string, unknown> };
}

/**
 * Reads `configSpec` from a service's compiled `config.js`. A key is required when its
 * schema rejects `undefined`: neither optional nor defaulted.
 */
export async function loadConfigKeys(service: AppService): Promise<ConfigKeys> {
  const { shape } = await loadConfigSpec(service);
  const known = Object.keys(shape);
  const required = known.filter((key) => {
    const schema = shape[key];
    if (!isParser(schema)) throw new Error(`${service}: configSpec.${key} is not a schema`);
    return !schema.safeParse(undefined).success;
  });
  return { known, required };
}

/** Validates values, not only names, with the schema the service itself starts with. */
export async function loadConfigCheck(service: AppService): Promise<ConfigCheck> {
  const spec = await loadConfigSpec(service);
  return (env) => {
    const result = spec.safeParse(env);
    if (result.success) return [];
    return (result.error?.issues ?? []).map((i) => `${service}: ${i.path.map(String).join('.')} ${i.message}`);
  };
}

export async function loadAllConfigKeys(): Promise<Record<AppService, ConfigKeys>> {
  const entries = await Promise.all(appServices.map(async (s) => [s, await loadConfigKeys(s)] as const));
  return Object.fromEntries(entries) as Record<AppService, ConfigKeys>;
}

/** Names set that the service does not read, and required names left unset or empty. */
export function envKeyProblems(service: string, env: Readonly<Record<string, string>>, keys: ConfigKeys): string[] {
  const set = Object.keys(env);
  const unknown = set.filter((k) => !keys.known.includes(k)).map((k) => `${service}: sets ${k}, which its config does not read`);
  // the config loader treats an empty value as unset
  const missing = keys.required.filter((k) => !env[k]).map((k) => `${service}: does not set required ${k}`);
  return [...unknown, ...missing];
}
