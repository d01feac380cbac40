import { parseDocument } from 'yaml';
import { envKeyProblems, type AppService, type ConfigKeys } from './config-keys.js';
import { asList, asMap, asString, imagePinProblem, isMap, readRepoFile, type YamlMap } from './yaml-values.js';

/** Parses a compose file the way Compose does, resolving `<<` merge keys. */
export function parseCompose(source: string): YamlMap {
  const doc = parseDocument(source, { merge: true });
  if (doc.errors.length > 0) throw new Error(doc.errors.map((e) => e.message).join('\n'));
  return asMap(doc.toJS({ maxAliasCount: -1 }));
}

export const loadCompose = (): YamlMap => parseCompose(readRepoFile('docker-compose.yml'));

export const servicesOf = (doc: YamlMap): Record<string, YamlMap> =>
  Object.fromEntries(Object.entries(asMap(doc['services'])).map(([name, s]) => [name, asMap(s)]));

const conditions = ['service_healthy', 'service_completed_successfully'] as const;

const dependsOn = (service: YamlMap): YamlMap | undefined =>
  isMap(service['depends_on']) ? service['depends_on'] : undefined;

/** One-shot jobs are the services something waits on to complete, not to be healthy. */
export function oneShotServices(doc: YamlMap): Set<string> {
  const names = new Set<string>();
  for (const service of Object.values(servicesOf(doc))) {
    for (const [target, dep] of Object.entries(dependsOn(service) ?? {})) {
      if (asMap(dep)['condition'] === 'service_completed_successfully') names.add(target);
    }
  }
  return names;
}

const hasHealthcheck = (service: YamlMap): boolean => {
  const hc = service['healthcheck'];
  if (!isMap(hc) || hc['disable'] === true) return false;
  const test = hc['test'];
  const first = Array.isArray(test) ? asString(test[0]) : asString(test);
  return first !== undefined && first !== '' && first !== 'NONE';
};

/** Long-running services (everything but one-shot jobs) without an active healthcheck. */
export function servicesWithoutHealthcheck(doc: YamlMap): string[] {
  const oneShots = oneShotServices(doc);
  return Object.entries(servicesOf(doc))
    .filter(([name, s]) => !oneShots.has(name) && !hasHealthcheck(s))
    .map(([name]) => name);
}

export function unpinnedImages(doc: YamlMap): string[] {
  return Object.entries(servicesOf(doc)).flatMap(([name, s]) => {
    const problem = imagePinProblem(s['image']);
    return problem ? [`${name}: ${problem}`] : [];
  });
}

type PortMapping = { host: number | undefined; container: number };

/** Short (`[ip:]host:container[/proto]`) and long (`target`/`published`) port syntax. */
export function parsePort(entry: unknown): PortMapping {
  if (isMap(entry)) {
    const published = asString(entry['published']);
    return { host: published ? Number(published) : undefined, container: Number(entry['target']) };
  }
  const text = (asString(entry) ?? '').replace(/\/(tcp|udp)$/, '');
  const withoutIp = text.replace(/^(\[[^\]]+\]|[\d.]+):(?=[^:]+:)/, '');
  const parts = withoutIp.split(':');
  const container = Number(parts[parts.length - 1]);
  return { host: parts.length > 1 ? Number(parts[0]) : undefined, container };
}

/** Host ports each service publishes, sorted; a port without a fixed host side is NaN. */
export function publishedHostPorts(doc: YamlMap): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [name, s] of Object.entries(servicesOf(doc))) {
    const ports = asList(s['ports']).map((p) => parsePort(p).host ?? Number.NaN);
    if (ports.length > 0) out[name] = [...ports].sort((a, b) => a - b);
  }
  return out;
}

/** Every dependency is in long form, names an existing service and waits on a condition. */
export function dependsOnProblems(doc: YamlMap): string[] {
  const services = servicesOf(doc);
  const problems: string[] = [];
  for (const [name, s] of Object.entries(services)) {
    if (s['depends_on'] === undefined) continue;
    const deps = dependsOn(s);
    if (!deps) {
      problems.push(`${name}: depends_on lists services without a condition`);
      continue;
    }
    for (const [target, dep] of Object.entries(deps)) {
      const condition = asString(asMap(dep)['condition']);
      if (!services[target]) problems.push(`${name}: depends on unknown service ${target}`);
      if (!conditions.some((c) => c === condition)) {
        problems.push(`${name}: waits on ${target} with condition ${condition ?? '(none)'}`);
      }
      if (condition === 'service_healthy' && services[target] && !hasHealthcheck(services[target])) {
        problems.push(`${name}: waits for ${target} to be healthy, but it has no healthcheck`);
      }
    }
  }
  return problems;
}

/** Environment in map or `KEY=value` list form, as strings. */
export function environmentOf(service: YamlMap): Record<string, string> {
  const env = service['environment'];
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((e) => {
        const text = asString(e) ?? '';
        const eq = text.indexOf('=');
        return eq < 0 ? [text, ''] : [text.slice(0, eq), text.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(asMap(env)).map(([k, v]) => [k, asString(v) ?? '']));
}

export function composeEnvProblems(doc: YamlMap, keys: Readonly<Record<AppService, ConfigKeys>>): string[] {
  const services = servicesOf(doc);
  return Object.entries(keys).flatMap(([name, k]) => {
    const service = services[name];
    if (!service) return [`${name}: missing from docker-compose.yml`];
    if (service['env_file'] !== undefined) return [`${name}: env_file hides its variables from review`];
    return envKeyProblems(name, environmentOf(service), k);
  });
}
