// The sandbox fakes as a service of their own, for the compose sandbox profile (infra/docker-compose.yml):
// fixed ports on every interface, URLs that name the host other containers reach them by, and the
// fake Google service account's key written to a file the calendar worker reads.
import { writeFile } from 'node:fs/promises';
import { startSandboxFakes } from './fakes';
import type { SandboxFakes } from './fakes';

/** The ports infra/sandbox.env points the apps at. */
export const SANDBOX_FAKE_PORTS = {
  zoom: 4010,
  google: 4020,
  graph: 4030,
  smtpHttp: 4040,
  smtp: 2525,
} as const;

export interface ServeSandboxFakesOptions {
  /** Where to listen; default every interface. */
  host?: string;
  /** The name other containers reach the fakes by (the compose service name). */
  publicHost: string;
  ports?: Partial<Record<keyof typeof SANDBOX_FAKE_PORTS, number>>;
  /** Written with the fake Google service account's key (GOOGLE_SERVICE_ACCOUNT_JSON takes a path). */
  serviceAccountPath?: string;
}

export interface ServedSandboxFakes {
  fakes: SandboxFakes;
  /** The variables that point an app at the fakes, as reached from another container. */
  env: Record<string, string>;
  close(): Promise<void>;
}

export const serveSandboxFakes = async ({
  host = '0.0.0.0',
  publicHost,
  ports = SANDBOX_FAKE_PORTS,
  serviceAccountPath,
}: ServeSandboxFakesOptions): Promise<ServedSandboxFakes> => {
  // An empty env: every vendor is faked, whatever the container was started with. The HTTP fakes hand
  // out URLs on publicHost (the fake Google checks its own token URL as the JWT audience); the SMTP URL
  // names the listening host, so it is rewritten below like any other that would.
  const fakes = await startSandboxFakes({}, { host, publicHost, ports });
  const listening = `//${host}:`;
  const env = Object.fromEntries(
    Object.entries(fakes.env).map(([name, value]) => [name, value.split(listening).join(`//${publicHost}:`)]),
  );
  const serviceAccount = env['GOOGLE_SERVICE_ACCOUNT_JSON'];
  if (serviceAccountPath && serviceAccount) {
    // Readable by the calendar worker, which runs as another user: the key is the fake's, not a secret.
    await writeFile(serviceAccountPath, serviceAccount, { mode: 0o644 });
    env['GOOGLE_SERVICE_ACCOUNT_JSON'] = serviceAccountPath;
  }
  return { fakes, env, close: () => fakes.close() };
};
