// The ops CLI as a function: parses the command line and the env, connects, runs one command, prints a
// table or JSON, and answers the exit code. main.ts hands it the process; tests call it directly.
import { ConfigError } from '@meetlink/config';
import { loadConfig } from './config';
import { connectOps, RedisUnreachableError } from './connect-ops';
import type { OpsConnection, OpsDeps } from './connect-ops';
import type { Config } from './config';
import { countJobs, formatQueueCounts } from './count-jobs';
import { formatFailedJobs, listFailedJobs } from './list-failed-jobs';
import { parseCommandLine, USAGE, UsageError } from './parse-command';
import type { OpsCommand, ParsedCommandLine } from './parse-command';
import { formatQueuePauseState, setQueuePaused } from './pause-queue';
import { BookingNotFoundError, formatReplayedBooking, replayBooking } from './replay-booking';
import { formatRetriedJobs, retryFailedJobs } from './retry-failed-jobs';

export const EXIT = {
  ok: 0,
  /** Redis unreachable, or a command failed on the way. */
  failed: 1,
  /** Bad input: unknown command or queue, a missing or bad argument, a bad env. */
  usage: 2,
  /** The booking asked for does not exist. */
  notFound: 3,
} as const;

export interface OpsIo {
  env: Record<string, string | undefined>;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

interface Output {
  json: unknown;
  text: string;
}

const execute = async (
  command: Exclude<OpsCommand, { name: 'help' }>,
  deps: OpsDeps,
  prefix: string,
): Promise<Output> => {
  switch (command.name) {
    case 'queues': {
      const counts = await countJobs(deps);
      return { json: counts, text: formatQueueCounts(counts) };
    }
    case 'failed': {
      const jobs = await listFailedJobs(command.queue, command, deps);
      return { json: jobs, text: jobs.length ? formatFailedJobs(jobs) : 'no failed jobs' };
    }
    case 'retry': {
      const retried = await retryFailedJobs(command.queue, command, deps);
      return { json: retried, text: formatRetriedJobs(retried, command.code) };
    }
    case 'replay': {
      const replayed = await replayBooking(command.bookingId, deps, { prefix });
      return { json: replayed, text: formatReplayedBooking(replayed) };
    }
    case 'pause':
    case 'resume': {
      const state = await setQueuePaused(command.queue, command.name === 'pause', deps);
      return { json: state, text: formatQueuePauseState(state) };
    }
  }
};

export const runOps = async (argv: readonly string[], io: OpsIo): Promise<number> => {
  const fail = (code: number, message: string): number => {
    io.stderr(`ops: ${message}\n`);
    return code;
  };
  let parsed: ParsedCommandLine;
  let config: Config;
  try {
    parsed = parseCommandLine(argv);
    if (parsed.command.name === 'help') {
      io.stdout(`${USAGE}\n`);
      return EXIT.ok;
    }
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof UsageError) return fail(EXIT.usage, `${error.message}\n\n${USAGE}`);
    if (error instanceof ConfigError) {
      return fail(
        EXIT.usage,
        `${error.message}\nSet REDIS_URL to the pipeline's Redis, or REDIS_CLUSTER_NODES to its cluster's nodes (and REDIS_PREFIX if its apps use another prefix).`,
      );
    }
    throw error;
  }
  const { command, json } = parsed;

  let connection: OpsConnection;
  try {
    connection = await connectOps(config);
  } catch (error) {
    if (error instanceof RedisUnreachableError) return fail(EXIT.failed, error.message);
    throw error;
  }
  try {
    const output = await execute(command, connection, config.REDIS_PREFIX);
    io.stdout(`${json ? JSON.stringify(output.json, null, 2) : output.text}\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof BookingNotFoundError) return fail(EXIT.notFound, error.message);
    return fail(EXIT.failed, `${command.name} failed: ${(error as Error).message ?? String(error)}`);
  } finally {
    await connection.close();
  }
};
