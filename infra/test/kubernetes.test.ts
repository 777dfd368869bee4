// The Kubernetes manifests: each overlay rendered by kustomize (`kubectl kustomize`), every object
// validated against its Kubernetes (or CRD) schema, and cross-checked against the code: one Deployment
// per app, probes on the endpoints the apps serve, every env var one the app's config schema knows and
// the whole env accepted by it, grace periods longer than the shutdown deadline, disruption budgets,
// scrape configs and queue-depth autoscalers that read metrics the code exports.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Deployment } from 'kubernetes-models/apps/v1';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import { jobCatalog } from '@meetlink/events';
import type { QueueKey } from '@meetlink/events';
import { DEPLOYED_APPS, INFRA, REPO_ROOT, isRecord, readText, readYamlDocuments } from './infra-files';
import { buildMetricCatalog, checkAgainstCode, matchersOf } from './metric-catalog';
import { parsePromQL } from './promql';

/** Labels the Prometheus operator gives every series a ServiceMonitor scrapes. */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'service', 'pod', 'container', 'endpoint'];
const catalog = buildMetricCatalog();

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** The schema each kind is checked against: Kubernetes' OpenAPI, KEDA's and the operator's CRDs. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
};

const K8S = join(INFRA, 'k8s');
const overlays = readdirSync(join(K8S, 'overlays'));

/**
 * Renders an overlay as `kubectl apply -k` would, in a copy of infra/k8s where each secrets.env that
 * is not committed is its committed example (so the Secret's keys and formats are checked too).
 */
const renderOverlay = (overlay: string): K8sObject[] => {
  const copy = mkdtempSync(join(tmpdir(), 'meetlink-k8s-'));
  try {
    cpSync(K8S, copy, { recursive: true });
    const dir = join(copy, 'overlays', overlay);
    const example = join(dir, 'secrets.env.example');
    if (existsSync(example)) cpSync(example, join(dir, 'secrets.env'));
    let yaml: string;
    try {
      yaml = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error('kubectl is needed to render the overlays (kubectl kustomize): install kubectl', {
          cause: error,
        });
      throw error;
    }
    return readYamlDocuments(yaml).filter(isRecord) as K8sObject[];
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    secretKeyRef?: { name: string; key: string; optional?: boolean };
  };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string> };
}
interface PodTemplate {
  metadata: { labels: Record<string, string> };
  spec: { containers: Container[]; terminationGracePeriodSeconds?: number };
}

/** Which queues each worker consumes, read off its composition root (`runtime.run` / `runtime.consume`). */
const queuesConsumedBy = (app: string): string[] => {
  const main = readText(join(REPO_ROOT, 'apps', app, 'src', 'main.ts'));
  return [...main.matchAll(/runtime\.(?:run|consume)\(\s*'([A-Za-z]+)'/g)].map(
    (match) => jobCatalog[match[1] as QueueKey].queue,
  );
};

/**
 * kustomize wraps a long Secret value's base64 over several lines, which the API server's decoder
 * (Go's base64, line breaks ignored) takes and the schema's "byte" format does not: unwrap them first.
 */
const asTheApiServerReadsIt = (object: K8sObject): K8sObject => {
  if (object.kind !== 'Secret' || !isRecord(object['data'])) return object;
  const data = Object.fromEntries(
    Object.entries(object['data']).map(([key, value]) => [key, String(value).replace(/\s+/g, '')]),
  );
  return { ...object, data };
};

const isSubset = (wanted: Record<string, string>, have: Record<string, string> | undefined): boolean =>
  Object.entries(wanted).every(([key, value]) => have?.[key] === value);

describe.each(overlays)('the %s overlay', (overlay) => {
  const objects = renderOverlay(overlay);
  const ofKind = (kind: string): K8sObject[] => objects.filter((object) => object.kind === kind);
  const named = (kind: string, name: string): K8sObject | undefined =>
    ofKind(kind).find((object) => object.metadata.name === name);
  const namespace = ofKind('Namespace')[0]?.metadata.name;
  const deployments = ofKind('Deployment');
  const templateOf = (deployment: K8sObject): PodTemplate =>
    (deployment['spec'] as { template: PodTemplate }).template;

  /** The value a container's env var takes: a literal, or a rendered ConfigMap's or Secret's key. */
  const dataOf = (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> | undefined => {
    const object = named(kind, name);
    if (!object) return undefined;
    if (kind === 'ConfigMap') return (object['data'] ?? {}) as Record<string, string>;
    const encoded = (object['data'] ?? {}) as Record<string, string>;
    return {
      ...Object.fromEntries(
        Object.entries(encoded).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]),
      ),
      ...((object['stringData'] ?? {}) as Record<string, string>),
    };
  };
  const envOf = (container: Container): { env: Record<string, string>; problems: string[] } => {
    const env: Record<string, string> = {};
    const problems: string[] = [];
    for (const source of container.envFrom ?? []) {
      const ref = source.configMapRef ?? source.secretRef;
      const data = ref && dataOf(source.configMapRef ? 'ConfigMap' : 'Secret', ref.name);
      if (!data) problems.push(`envFrom ${ref?.name}: no such object`);
      Object.assign(env, data);
    }
    for (const variable of container.env ?? []) {
      if (variable.value !== undefined) {
        env[variable.name] = variable.value;
        continue;
      }
      const configMap = variable.valueFrom?.configMapKeyRef;
      const secret = variable.valueFrom?.secretKeyRef;
      const ref = configMap ?? secret;
      if (!ref) {
        problems.push(`${variable.name}: neither a value nor a ConfigMap or Secret key`);
        continue;
      }
      const value = dataOf(configMap ? 'ConfigMap' : 'Secret', ref.name)?.[ref.key];
      if (value !== undefined) env[variable.name] = value;
      else if (!ref.optional) problems.push(`${variable.name}: ${ref.name} has no key ${ref.key}`);
    }
    return { env, problems };
  };

  it('renders a Namespace, and every object in it', () => {
    expect(namespace).toBeDefined();
    const outside = objects
      .filter((object) => object.kind !== 'Namespace' && object.metadata.namespace !== namespace)
      .map((object) => `${object.kind}/${object.metadata.name}`);
    expect(outside).toEqual([]);
  });

  it("validates every object against its kind's schema (Kubernetes OpenAPI, KEDA and Prometheus operator CRDs)", () => {
    const problems: string[] = [];
    for (const object of objects) {
      const Model = MODELS[`${object.apiVersion}/${object.kind}`];
      if (!Model) {
        problems.push(
          `${object.apiVersion} ${object.kind} ${object.metadata.name}: no schema to check it with`,
        );
        continue;
      }
      try {
        new Model(asTheApiServerReadsIt(object) as never).validate();
      } catch (error) {
        problems.push(`${object.kind}/${object.metadata.name}: ${(error as Error).message}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('the schema check refuses a broken Deployment (it would catch a mistake)', () => {
    const broken = structuredClone(deployments[0]!) as unknown as {
      spec: { replicas: unknown; template: PodTemplate };
    };
    broken.spec.replicas = 'two';
    delete (broken.spec.template.spec.containers[0] as Partial<Container>).name;
    expect(() => new Deployment(broken as never).validate()).toThrow(/replicas must be integer|name/);
  });

  it('has one Deployment per app, running the image with the app as its command', () => {
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(
      DEPLOYED_APPS.map((app) => app.name).sort(),
    );
    for (const deployment of deployments) {
      const [container, ...others] = templateOf(deployment).spec.containers;
      expect(others).toEqual([]);
      expect(container!.args).toEqual([deployment.metadata.name]);
      expect(container!.image).toMatch(/meetlink:[\w.-]+$/);
    }
  });

  it.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))(
    '%s: every env var is one its config schema knows, and the schema accepts the whole env',
    (name, app) => {
      const deployment = named('Deployment', name)!;
      const container = templateOf(deployment).spec.containers[0]!;
      const { env, problems } = envOf(container);
      expect(problems).toEqual([]);
      const known = new Set(Object.keys(app.schema.shape));
      expect(Object.keys(env).filter((variable) => !known.has(variable))).toEqual([]);
      const parsed = app.schema.safeParse(env);
      expect(
        parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      ).toEqual([]);
    },
  );

  it.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))(
    '%s: liveness on /healthz and readiness on /readyz, on the port the app listens on, with resource requests',
    (name, app) => {
      const container = templateOf(named('Deployment', name)!).spec.containers[0]!;
      const { env } = envOf(container);
      const listensOn = Number(app.isWorker ? env['OPS_PORT'] : env['PORT']);
      const portOf = (probe: Probe | undefined): number | undefined => {
        const port = probe?.httpGet?.port;
        return typeof port === 'number' ? port : container.ports?.find((p) => p.name === port)?.containerPort;
      };
      expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(portOf(container.livenessProbe)).toBe(listensOn);
      expect(portOf(container.readinessProbe)).toBe(listensOn);
      if (container.startupProbe) expect(portOf(container.startupProbe)).toBe(listensOn);
      expect(Object.keys(container.resources?.requests ?? {}).sort()).toEqual(['cpu', 'memory']);
    },
  );

  it.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))(
    "%s: the grace period outlasts the preStop pause and the app's SHUTDOWN_TIMEOUT_MS",
    (name, app) => {
      const template = templateOf(named('Deployment', name)!);
      const container = template.spec.containers[0]!;
      const { env } = envOf(container);
      const { SHUTDOWN_TIMEOUT_MS: shutdownMs } = app.schema.parse(env) as { SHUTDOWN_TIMEOUT_MS: number };
      const preStop = container.lifecycle?.preStop?.exec?.command;
      const pauseSeconds = preStop?.[0] === 'sleep' ? Number(preStop[1]) : 0;
      expect(template.spec.terminationGracePeriodSeconds).toBeGreaterThan(shutdownMs / 1000 + pauseSeconds);
    },
  );

  it('gives every app a PodDisruptionBudget that selects its pods', () => {
    for (const deployment of deployments) {
      const labels = templateOf(deployment).metadata.labels;
      const budgets = ofKind('PodDisruptionBudget').filter((pdb) =>
        isSubset(
          (pdb['spec'] as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          labels,
        ),
      );
      expect({ app: deployment.metadata.name, budgets: budgets.length }).toEqual({
        app: deployment.metadata.name,
        budgets: 1,
      });
    }
  });

  it("scrapes every app's /metrics through a ServiceMonitor, the intake's with the admin token", () => {
    for (const deployment of deployments) {
      const podLabels = templateOf(deployment).metadata.labels;
      const container = templateOf(deployment).spec.containers[0]!;
      const service = ofKind('Service').find((s) =>
        isSubset((s['spec'] as { selector: Record<string, string> }).selector, podLabels),
      );
      expect({ app: deployment.metadata.name, service: service?.metadata.name }).toEqual({
        app: deployment.metadata.name,
        service: deployment.metadata.name,
      });
      const servicePorts = (service!['spec'] as { ports: { name: string; targetPort: string | number }[] })
        .ports;
      for (const port of servicePorts) expect(container.ports?.map((p) => p.name)).toContain(port.targetPort);
      const monitor = ofKind('ServiceMonitor').find((m) =>
        isSubset(
          (m['spec'] as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels,
          service!.metadata.labels,
        ),
      );
      expect(monitor).toBeDefined();
      const endpoints = (
        monitor!['spec'] as {
          endpoints: {
            port: string;
            path: string;
            authorization?: { credentials: { name: string; key: string } };
          }[];
        }
      ).endpoints;
      for (const endpoint of endpoints) {
        expect(servicePorts.map((p) => p.name)).toContain(endpoint.port);
        expect(endpoint.path).toBe('/metrics');
      }
      if (deployment.metadata.name === 'intake-api') {
        const credentials = endpoints[0]!.authorization?.credentials;
        const adminToken = container.env?.find((v) => v.name === 'ADMIN_TOKEN')?.valueFrom?.secretKeyRef;
        expect(credentials).toEqual({ name: adminToken?.name, key: adminToken?.key });
        expect(dataOf('Secret', credentials!.name)?.[credentials!.key]).toBeTruthy();
      }
    }
  });

  it.each(DEPLOYED_APPS.filter((app) => app.isWorker).map((app) => [app.name] as const))(
    '%s scales on the depth of the queues it consumes, read from metrics the code exports',
    (name) => {
      const scaledObject = named('ScaledObject', name);
      expect(scaledObject).toBeDefined();
      const spec = scaledObject!['spec'] as {
        scaleTargetRef: { name: string; kind?: string };
        minReplicaCount: number;
        maxReplicaCount: number;
        triggers: { type: string; metadata: { query: string; threshold: string; serverAddress: string } }[];
      };
      expect(spec.scaleTargetRef.name).toBe(name);
      expect(spec.scaleTargetRef.kind ?? 'Deployment').toBe('Deployment');
      // At zero replicas nobody would report the queue depth the trigger reads.
      expect(spec.minReplicaCount).toBeGreaterThanOrEqual(1);
      expect(spec.maxReplicaCount).toBeGreaterThan(spec.minReplicaCount);
      const [trigger] = spec.triggers;
      expect(trigger?.type).toBe('prometheus');
      const { query, threshold } = trigger!.metadata;
      expect(checkAgainstCode(query, catalog, TARGET_LABELS)).toEqual([]);
      expect(Number(threshold)).toBeGreaterThan(0);
      const matchers = matchersOf(parsePromQL(query));
      expect(matchers.find((m) => m.label === 'namespace')).toMatchObject({ op: '=', value: namespace });
      const queues = matchers.find((m) => m.label === 'queue')?.value.split('|');
      expect(queues?.sort()).toEqual(queuesConsumedBy(name).sort());
    },
  );
});

describe('the overlays', () => {
  it('keep their secrets out of git: each secrets.env is ignored and only its example is committed', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toContain('infra/k8s/overlays/*/secrets.env');
    for (const overlay of overlays) {
      const kustomization = readText(join(K8S, 'overlays', overlay, 'kustomization.yaml'));
      if (kustomization.includes('secrets.env'))
        expect(existsSync(join(K8S, 'overlays', overlay, 'secrets.env.example'))).toBe(true);
    }
  });
});
