import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { envKeyProblems, type AppService, type ConfigKeys } from './config-keys.js';
import { asList, asMap, asString, imagePinProblem, readRepoFile, repoRoot, type YamlMap } from './yaml-values.js';

export const k8sDir = 'deployments/k8s';

export type Manifest = Readonly<{ file: string; doc: YamlMap }>;

/** Every document of every YAML file in deployments/k8s; any parse error throws. */
export function loadManifests(): Manifest[] {
  const files = readdirSync(path.join(repoRoot, k8sDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  return files.flatMap((file) =>
    parseAllDocuments(readRepoFile(path.join(k8sDir, file))).flatMap((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      const value = doc.toJS() as unknown;
      return value === null ? [] : [{ file, doc: asMap(value) }];
    }),
  );
}

export const nameOf = (doc: YamlMap): string => asString(asMap(doc['metadata'])['name']) ?? '';

export const ofKind = (manifests: readonly Manifest[], kind: string): Manifest[] =>
  manifests.filter((m) => m.doc['kind'] === kind);

const podSpecOf = (doc: YamlMap): YamlMap => asMap(asMap(asMap(doc['spec'])['template'])['spec']);

export const containersOf = (doc: YamlMap): YamlMap[] => asList(podSpecOf(doc)['containers']).map(asMap);

const probePath = (container: YamlMap, probe: string): string | undefined =>
  asString(asMap(asMap(container[probe])['httpGet'])['path']);

const resourceProblems = (where: string, container: YamlMap): string[] => {
  const resources = asMap(container['resources']);
  return (['limits', 'requests'] as const).flatMap((level) =>
    (['cpu', 'memory'] as const)
      .filter((r) => asString(asMap(resources[level])[r]) === undefined)
      .map((r) => `${where}: no ${r} in resources.${level}`),
  );
};

/** Probes on the health endpoints, resources, grace period, pinned image, scrape annotations. */
export function deploymentProblems(manifests: readonly Manifest[]): string[] {
  return ofKind(manifests, 'Deployment').flatMap(({ file, doc }) => {
    const where = `${file}: Deployment ${nameOf(doc)}`;
    const pod = podSpecOf(doc);
    const annotations = asMap(asMap(asMap(asMap(doc['spec'])['template'])['metadata'])['annotations']);
    const problems: string[] = [];
    if (typeof pod['terminationGracePeriodSeconds'] !== 'number') problems.push(`${where}: no terminationGracePeriodSeconds`);
    if (annotations['prometheus.io/scrape'] !== 'true') problems.push(`${where}: no prometheus.io/scrape annotation`);
    if (asString(annotations['prometheus.io/port']) === undefined) problems.push(`${where}: no prometheus.io/port annotation`);
    const containers = containersOf(doc);
    if (containers.length === 0) problems.push(`${where}: no containers`);
    for (const c of containers) {
      const at = `${where} container ${asString(c['name']) ?? '?'}`;
      if (probePath(c, 'readinessProbe') !== '/health/ready') problems.push(`${at}: readinessProbe is not GET /health/ready`);
      if (probePath(c, 'livenessProbe') !== '/health/live') problems.push(`${at}: livenessProbe is not GET /health/live`);
      problems.push(...resourceProblems(at, c));
      const pin = imagePinProblem(c['image']);
      if (pin) problems.push(`${at}: ${pin}`);
    }
    return problems;
  });
}

const selects = (selector: unknown, labels: unknown): boolean => {
  const wanted = Object.entries(asMap(asMap(selector)['matchLabels']));
  const have = asMap(labels);
  return wanted.length > 0 && wanted.every(([k, v]) => have[k] === v);
};

/** Each Deployment is covered by a PodDisruptionBudget; the named ones also by an HPA. */
export function availabilityProblems(manifests: readonly Manifest[], autoscaled: readonly string[]): string[] {
  const deployments = ofKind(manifests, 'Deployment').map((m) => m.doc);
  const pdbs = ofKind(manifests, 'PodDisruptionBudget').map((m) => m.doc);
  const hpaTargets = ofKind(manifests, 'HorizontalPodAutoscaler').map((m) => asMap(asMap(m.doc['spec'])['scaleTargetRef']));
  const problems = deployments
    .filter((d) => {
      const labels = asMap(asMap(asMap(d['spec'])['template'])['metadata'])['labels'];
      return !pdbs.some((p) => selects(asMap(p['spec'])['selector'], labels));
    })
    .map((d) => `Deployment ${nameOf(d)} has no PodDisruptionBudget`);
  for (const name of autoscaled) {
    const target = hpaTargets.find((t) => t['kind'] === 'Deployment' && t['name'] === name);
    if (!target) problems.push(`Deployment ${name} has no HorizontalPodAutoscaler`);
    if (!deployments.some((d) => nameOf(d) === name)) problems.push(`Deployment ${name} does not exist`);
  }
  return problems;
}

/** Container env names against each service's config, keyed by Deployment name. */
export function k8sEnvProblems(manifests: readonly Manifest[], keys: Readonly<Record<AppService, ConfigKeys>>): string[] {
  const deployments = ofKind(manifests, 'Deployment');
  return Object.entries(keys).flatMap(([service, k]) => {
    const deployment = deployments.find((d) => nameOf(d.doc) === service);
    const container = deployment && containersOf(deployment.doc).find((c) => c['name'] === service);
    if (!container) return [`${service}: no Deployment with a container of that name`];
    if (container['envFrom'] !== undefined) return [`${service}: envFrom hides its variables from review`];
    // a value from a ConfigMap or Secret counts as set; the loader validates it at start
    const env = Object.fromEntries(asList(container['env']).map((e) => [asString(asMap(e)['name']) ?? '', 'set']));
    return envKeyProblems(service, env, k);
  });
}

/** Applied on their own, never by `kubectl apply -k` (see deployments/k8s/README.md). */
export const appliedSeparately = ['kustomization.yaml', 'secret.example.yaml', 'migrate-job.yaml'];

/** The kustomization lists every other manifest file, and only files that exist. */
export function kustomizationProblems(manifests: readonly Manifest[]): string[] {
  const kustomization = manifests.find((m) => m.file === 'kustomization.yaml');
  if (!kustomization) return ['deployments/k8s has no kustomization.yaml'];
  const resources = asList(kustomization.doc['resources']).map((r) => asString(r) ?? '');
  const files = [...new Set(manifests.map((m) => m.file))];
  const missing = resources.filter((r) => !files.includes(r)).map((r) => `kustomization lists missing ${r}`);
  const unlisted = files
    .filter((f) => !resources.includes(f) && !appliedSeparately.includes(f))
    .map((f) => `kustomization does not list ${f}`);
  return [...missing, ...unlisted];
}
