// Runs one of our apps as its own Node process from TypeScript source, as `npm start` and the
// end-to-end tests do.
import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { join } from 'node:path';

export const APP_NAMES = ['intake-api', 'conference-worker', 'calendar-worker', 'email-worker'] as const;
export type AppName = (typeof APP_NAMES)[number];

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface SpawnAppOptions {
  env: Record<string, string | undefined>;
  stdio?: StdioOptions;
}

export const spawnApp = (app: AppName, { env, stdio = 'inherit' }: SpawnAppOptions): ChildProcess =>
  spawn(
    process.execPath,
    ['--conditions=@meetlink/source', '--import', 'tsx', join('apps', app, 'src', 'main.ts')],
    { cwd: REPO_ROOT, env, stdio },
  );
