import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import {
  appServices,
  envKeyProblems,
  loadAllConfigKeys,
  loadConfigCheck,
  type AppService,
  type ConfigKeys,
} from './compose/config-keys.js';
import {
  composeEnvProblems,
  dependsOnProblems,
  environmentOf,
  loadCompose,
  oneShotServices,
  parsePort,
  publishedHostPorts,
  servicesOf,
  servicesWithoutHealthcheck,
  unpinnedImages,
} from './compose/compose-checks.js';
import {
  availabilityProblems,
  containersOf,
  deploymentProblems,
  k8sEnvProblems,
  kustomizationProblems,
  loadManifests,
  nameOf,
  ofKind,
} from './compose/k8s-checks.js';
import { asMap, imagePinProblem, type YamlMap } from './compose/yaml-values.js';

/** The host ports the project documents; nothing else may be published. */
const documentedHostPorts: Record<string, number[]> = {
  command: [8080, 50051],
  query: [8081],
  projection: [8082],
  'outbox-relay': [9101],
  'saga-orchestrator': [9102],
  registry: [8091],
  postgres: [5432],
  redis: [6379],
  kafka: [9092],
};

const httpPorts: Record<AppService, number> = {
  command: 8080,
  'outbox-relay': 9101,
  projection: 8082,
  query: 8081,
  'saga-orchestrator': 9102,
};

const baseTopics = ['orders.events', 'inventory.events', 'payments.events', 'shipments.events'];
const allTopics = baseTopics.flatMap((t) => [t, `${t}.projection.dlq`, `${t}.saga.dlq`]);

const serviceOf = (doc: YamlMap, name: string): YamlMap => {
  const service = servicesOf(doc)[name];
  assert.ok(service, `service ${name} exists`);
  return service;
};

describe('docker-compose.yml', () => {
  const compose = loadCompose();

  it('runs the five services, the infrastructure and the two one-shot jobs', () => {
    const names = Object.keys(servicesOf(compose)).sort();
    const expected = [...appServices, 'postgres', 'redis', 'kafka', 'registry', 'kafka-init', 'migrate'].sort();
    assert.deepEqual(names, expected);
    assert.deepEqual([...oneShotServices(compose)].sort(), ['kafka-init', 'migrate']);
  });

  it('gives every long-running service a healthcheck', () => {
    assert.deepEqual(servicesWithoutHealthcheck(compose), []);
  });

  it('notices when any long-running service loses its healthcheck', () => {
    const longRunning = Object.keys(servicesOf(compose)).filter((n) => !oneShotServices(compose).has(n));
    assert.ok(longRunning.length >= 9, 'services to mutate');
    for (const name of longRunning) {
      const copy = structuredClone(compose);
      delete asMap(asMap(copy['services'])[name])['healthcheck'];
      assert.deepEqual(servicesWithoutHealthcheck(copy), [name], `without ${name}'s healthcheck`);
      const disabled = structuredClone(compose);
      asMap(asMap(disabled['services'])[name])['healthcheck'] = { disable: true };
      assert.deepEqual(servicesWithoutHealthcheck(disabled), [name], `with ${name}'s healthcheck disabled`);
    }
  });

  it('pins every image to a tag other than latest', () => {
    assert.deepEqual(unpinnedImages(compose), []);
    for (const image of ['postgres', 'postgres:latest', 'registry.example.com:5000/app', 'app:${TAG}']) {
      const copy = structuredClone(compose);
      asMap(asMap(copy['services'])['postgres'])['image'] = image;
      assert.equal(unpinnedImages(copy).length, 1, `${image} is refused`);
    }
    assert.equal(imagePinProblem('registry.example.com:5000/app:1.2.3'), undefined);
    assert.equal(imagePinProblem(`app@sha256:${'a'.repeat(64)}`), undefined);
  });

  it('publishes exactly the documented host ports', () => {
    assert.deepEqual(publishedHostPorts(compose), documentedHostPorts);
    const copy = structuredClone(compose);
    asMap(asMap(copy['services'])['registry'])['ports'] = ['8081:8080'];
    assert.notDeepEqual(publishedHostPorts(copy), documentedHostPorts);
  });

  it('reads every port syntax Compose accepts', () => {
    assert.deepEqual(parsePort('8080:8080'), { host: 8080, container: 8080 });
    assert.deepEqual(parsePort('127.0.0.1:9092:19092'), { host: 9092, container: 19092 });
    assert.deepEqual(parsePort('[::1]:5432:5432/tcp'), { host: 5432, container: 5432 });
    assert.deepEqual(parsePort('6379'), { host: undefined, container: 6379 });
    assert.deepEqual(parsePort({ target: 8080, published: '8091' }), { host: 8091, container: 8080 });
  });

  it('waits on a condition for every dependency', () => {
    assert.deepEqual(dependsOnProblems(compose), []);
    const listForm = structuredClone(compose);
    asMap(asMap(listForm['services'])['query'])['depends_on'] = ['postgres'];
    assert.equal(dependsOnProblems(listForm).length, 1);
    const started = structuredClone(compose);
    asMap(asMap(asMap(asMap(started['services'])['query'])['depends_on'])['redis'])['condition'] = 'service_started';
    assert.equal(dependsOnProblems(started).length, 1);
  });

  it('starts each service with its compiled entry point and probes its own HTTP port', () => {
    for (const name of appServices) {
      const service = serviceOf(compose, name);
      assert.deepEqual(service['command'], ['node', '--enable-source-maps', `services/${name}/dist/main.js`]);
      assert.equal(environmentOf(service)['HTTP_PORT'], String(httpPorts[name]), `${name} HTTP_PORT`);
      const test = JSON.stringify(asMap(service['healthcheck'])['test']);
      assert.ok(test.includes(`:${httpPorts[name]}/health/ready`), `${name} healthcheck ${test}`);
    }
  });

  it('creates every topic and dead-letter topic with 6 partitions before consumers start', () => {
    const init = serviceOf(compose, 'kafka-init');
    const script = JSON.stringify(init['command']) + JSON.stringify(init['environment']);
    for (const topic of allTopics) assert.match(script, new RegExp(`\\b${topic.replaceAll('.', '\\.')}\\b`), topic);
    assert.match(script, /--partitions 6\b/);
  });

  it('keeps registry schemas in PostgreSQL with BACKWARD compatibility, reached over ccompat', () => {
    const env = environmentOf(serviceOf(compose, 'registry'));
    assert.equal(env['APICURIO_STORAGE_KIND'], 'sql');
    assert.equal(env['APICURIO_STORAGE_SQL_KIND'], 'postgresql');
    assert.match(env['APICURIO_DATASOURCE_URL'] ?? '', /^jdbc:postgresql:\/\/postgres:5432\//);
    assert.equal(env['APICURIO_RULES_GLOBAL_COMPATIBILITY'], 'BACKWARD');
    for (const name of ['outbox-relay', 'projection', 'saga-orchestrator']) {
      assert.equal(environmentOf(serviceOf(compose, name))['SCHEMA_REGISTRY_URL'], 'http://registry:8080/apis/ccompat/v7');
    }
  });

  it('flags unknown and missing environment variables', () => {
    const keys: ConfigKeys = { known: ['HTTP_PORT', 'DATABASE_URL', 'LOG_LEVEL'], required: ['DATABASE_URL'] };
    assert.deepEqual(envKeyProblems('svc', { HTTP_PORT: '1', DATABASE_URL: 'postgres://x' }, keys), []);
    assert.deepEqual(envKeyProblems('svc', { HTTP_PORT: '1', DATABASE_URL: '' }, keys), [
      'svc: does not set required DATABASE_URL',
    ]);
    assert.deepEqual(envKeyProblems('svc', { DATABASE_URL: 'postgres://x', DB_URL: 'x' }, keys), [
      'svc: sets DB_URL, which its config does not read',
    ]);
  });

  describe('against each service config spec', () => {
    let keys: Record<AppService, ConfigKeys>;
    before(async () => {
      keys = await loadAllConfigKeys();
    });

    it('sets only variables each service reads, and every one it requires', () => {
      assert.deepEqual(composeEnvProblems(compose, keys), []);
    });

    it('sets values each service accepts at start', async () => {
      for (const name of appServices) {
        const check = await loadConfigCheck(name);
        const env = environmentOf(serviceOf(compose, name));
        assert.deepEqual(check(env), [], name);
        assert.notDeepEqual(check({ ...env, DATABASE_URL: 'mysql://db' }), [], `${name} refuses a bad DATABASE_URL`);
      }
    });

    it('notices a dropped required variable', () => {
      const copy = structuredClone(compose);
      const env = asMap(asMap(asMap(copy['services'])['command'])['environment']);
      const required = keys.command.required.find((k) => env[k] !== undefined);
      assert.ok(required, 'command requires a variable that compose sets');
      delete env[required];
      assert.deepEqual(composeEnvProblems(copy, keys), [`command: does not set required ${required}`]);
    });
  });
});

describe('deployments/k8s', () => {
  const manifests = loadManifests();

  it('parses every manifest into typed, named documents', () => {
    assert.ok(manifests.length >= 15, `found ${manifests.length} documents`);
    for (const { file, doc } of manifests) {
      if (file === 'kustomization.yaml') continue;
      assert.ok(typeof doc['apiVersion'] === 'string' && typeof doc['kind'] === 'string', `${file} apiVersion/kind`);
      assert.notEqual(nameOf(doc), '', `${file} ${String(doc['kind'])} has a name`);
    }
    const kinds = new Set(manifests.map((m) => m.doc['kind']));
    for (const kind of ['Namespace', 'ConfigMap', 'Secret', 'Deployment', 'Service', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Job']) {
      assert.ok(kinds.has(kind), `has a ${kind}`);
    }
  });

  it('deploys each service with both probes, resource limits and a grace period', () => {
    assert.deepEqual(ofKind(manifests, 'Deployment').map((m) => nameOf(m.doc)).sort(), [...appServices].sort());
    assert.deepEqual(deploymentProblems(manifests), []);
  });

  it('notices a Deployment without a probe or a limit', () => {
    const probe = structuredClone(manifests);
    const [first] = ofKind(probe, 'Deployment');
    assert.ok(first);
    const container = containersOf(first.doc)[0];
    assert.ok(container);
    delete container['readinessProbe'];
    delete asMap(container['resources'])['limits'];
    assert.equal(deploymentProblems(probe).length, 3);
  });

  it('guards availability with PodDisruptionBudgets and autoscales command, query and projection', () => {
    assert.deepEqual(availabilityProblems(manifests, ['command', 'query', 'projection']), []);
    const withoutHpa = manifests.filter((m) => !(m.doc['kind'] === 'HorizontalPodAutoscaler' && nameOf(m.doc) === 'query'));
    assert.deepEqual(availabilityProblems(withoutHpa, ['command', 'query', 'projection']), [
      'Deployment query has no HorizontalPodAutoscaler',
    ]);
  });

  it('lists every long-running manifest in the kustomization', () => {
    assert.deepEqual(kustomizationProblems(manifests), []);
  });

  it('ships only placeholder secrets', () => {
    for (const { file, doc } of ofKind(manifests, 'Secret')) {
      assert.equal(doc['data'], undefined, `${file} has no encoded data`);
      for (const [key, value] of Object.entries(asMap(doc['stringData']))) {
        assert.equal(value, 'REPLACE_ME', `${file} ${key}`);
      }
    }
  });

  it('sets only variables each service reads, and every one it requires', async () => {
    assert.deepEqual(k8sEnvProblems(manifests, await loadAllConfigKeys()), []);
  });
});
