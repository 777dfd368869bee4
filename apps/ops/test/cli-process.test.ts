// The CLI as an operator runs it: its own Node process from source, its exit code and its output.
import { freshRedisPrefix } from '@meetlink/fakes';
import { findFreePort } from '@meetlink/sandbox';
import { runOpsCli as runCli } from '../../../test-support/ops-cli';
import type { QueueCounts } from '../src/count-jobs';
import { pipelineState, REDIS_URL } from './harness';

const prefix = freshRedisPrefix('topsc');
const state = pipelineState(prefix);
afterAll(() => state.close());

describe('npm run ops as a process', () => {
  it('prints the queue counts as JSON and exits 0', async () => {
    await state.queues.conference.add({ bookingId: 'bk_cli_1', version: 1 });
    await state.queues.email.add({ bookingId: 'bk_cli_1', version: 1 }, { delay: 60_000 });
    await state.queues.reminders.queue.pause();

    const run = await runCli(['queues', '--json'], { REDIS_URL, REDIS_PREFIX: prefix });
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    const counts = JSON.parse(run.stdout) as QueueCounts[];
    expect(counts.map((c) => c.queue)).toEqual([
      'conference',
      'calendar',
      'email',
      'reminders',
      'meeting-cleanup',
    ]);
    expect(counts[0]).toMatchObject({ waiting: 1, delayed: 0, isPaused: false });
    expect(counts[2]).toMatchObject({ waiting: 0, delayed: 1 });
    expect(counts[3]).toMatchObject({ isPaused: true });
  });

  it('answers an unknown command with the usage and exit code 2', async () => {
    const run = await runCli(['frobnicate'], { REDIS_URL, REDIS_PREFIX: prefix });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^ops: unknown command "frobnicate"\n\nusage: npm run ops -- <command>/);
  });

  it('says Redis is unreachable and exits 1 within a few seconds', async () => {
    // A port nothing listens on: found free, then let go.
    const port = await findFreePort();
    const run = await runCli(['queues'], { REDIS_URL: `redis://:s3cret@127.0.0.1:${port}` });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      new RegExp(`^ops: cannot reach Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} within 3s`),
    );
    expect(run.stderr).not.toContain('s3cret');
    // Start-up from TypeScript source plus the 3 s connect deadline.
    expect(run.elapsedMs).toBeLessThan(10_000);
  });
});
