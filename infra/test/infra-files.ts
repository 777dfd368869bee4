// What the infra tests share: where the files are, how YAML and env files are read, compose's
// variable interpolation, and the apps that are deployed with the config schema each one parses.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import type { z } from 'zod';
import { Config as CalendarConfig } from '../../apps/calendar-worker/src/config';
import { Config as ConferenceConfig } from '../../apps/conference-worker/src/config';
import { Config as EmailConfig } from '../../apps/email-worker/src/config';
import { IntakeConfig } from '../../apps/intake-api/src/config';

export const REPO_ROOT = join(__dirname, '..', '..');
export const INFRA = join(REPO_ROOT, 'infra');

export const readText = (path: string): string => readFileSync(path, 'utf8');

/** One YAML document; anchors and `<<` merge keys resolved, as compose and Kubernetes read them. */
export const readYaml = (path: string): unknown => parse(readText(path), { merge: true });

/** Every document of a multi-document YAML file (Kubernetes manifests). */
export const readYamlDocuments = (text: string): unknown[] =>
  parseAllDocuments(text, { merge: true }).map((doc) => {
    if (doc.errors.length) throw new Error(doc.errors.map((e) => e.message).join('\n'));
    return doc.toJS() as unknown;
  });

/** KEY=VALUE lines as compose's --env-file reads them (comments, blank lines, optional quotes). */
export const readEnvFile = (path: string): Record<string, string> => {
  const env: Record<string, string> = {};
  for (const line of readText(path).split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
    if (!match) throw new Error(`${path}: not KEY=VALUE: ${line}`);
    const [, key, raw] = match as unknown as [string, string, string];
    env[key] = /^(['"]).*\1$/.test(raw) ? raw.slice(1, -1) : raw;
  }
  return env;
};

/**
 * Compose's interpolation of one string: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
 * ${VAR?error}, $VAR and $$ (a literal $). A required variable that is missing throws its message.
 */
export const interpolate = (value: string, env: Readonly<Record<string, string | undefined>>): string =>
  value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])((?:[^{}]|\{[^{}]*\})*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced?: string, colon?: string, kind?: string, word?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const name = braced ?? bare!;
      const current = env[name];
      const isUnset = current === undefined || (colon === ':' && current === '');
      if (kind === '-') return isUnset ? interpolate(word ?? '', env) : current;
      if (kind === '?') {
        if (isUnset) throw new Error(`${name}: ${word || 'required variable is missing'}`);
        return current;
      }
      return current ?? '';
    },
  );

/** Interpolates every string of a parsed document (keys stay as written). */
export const interpolateDeep = (
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
): unknown => {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, env));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env)]));
  return value;
};

/** A zod object schema whose variables are its shape's keys (refinements keep the shape in zod 4). */
type EnvSchema = z.ZodType & { shape: Record<string, unknown> };

export interface DeployedApp {
  name: 'intake-api' | 'conference-worker' | 'calendar-worker' | 'email-worker';
  isWorker: boolean;
  schema: EnvSchema;
}

/** The apps that run as services, each with the schema its src/config.ts parses the env with. */
export const DEPLOYED_APPS: readonly DeployedApp[] = [
  { name: 'intake-api', isWorker: false, schema: IntakeConfig },
  { name: 'conference-worker', isWorker: true, schema: ConferenceConfig },
  { name: 'calendar-worker', isWorker: true, schema: CalendarConfig },
  { name: 'email-worker', isWorker: true, schema: EmailConfig },
];

/** apps/* that are tools, not services: the ops CLI runs beside the pipeline, not as a deployment. */
export const TOOL_APPS: readonly string[] = ['ops'];

export const appDirectories = (): string[] =>
  readdirSync(join(REPO_ROOT, 'apps')).filter((name) =>
    existsSync(join(REPO_ROOT, 'apps', name, 'package.json')),
  );

/** The variable a name sets: VAR for VAR_FILE (the image's entrypoint reads the file into VAR). */
export const variableOf = (name: string): string => name.replace(/_FILE$/, '');

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
