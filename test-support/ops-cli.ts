// For tests of the ops CLI as an operator runs it: its own Node process from source, its exit code
// and its output (apps/ops/test, and e2e against a Redis Cluster).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '@meetlink/sandbox';

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/** `node --conditions=@meetlink/source --import tsx apps/ops/src/main.ts …args`, as `npm run ops` runs it. */
export const runOpsCli = (args: string[], env: Record<string, string>): Promise<CliRun> =>
  new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const child = spawn(
      process.execPath,
      ['--conditions=@meetlink/source', '--import', 'tsx', join('apps', 'ops', 'src', 'main.ts'), ...args],
      { cwd: REPO_ROOT, env: { PATH: process.env['PATH'], ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, elapsedMs: Date.now() - startedAt }));
  });
