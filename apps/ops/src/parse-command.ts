// The command line: which command, on which queue or booking, with which options. Anything else is a
// usage error (exit 2), said before Redis is touched.
import { parseArgs } from 'node:util';
import { BookingId, jobCatalog } from '@meetlink/events';
import type { QueueKey } from '@meetlink/events';

/** The queues, in the order a booking meets them, then the side queues. */
export const OPS_QUEUES: readonly QueueKey[] = [
  'conference',
  'calendar',
  'email',
  'reminders',
  'meetingCleanup',
];

export const queueNameOf = (key: QueueKey): string => jobCatalog[key].queue;

export type OpsCommand =
  | { name: 'help' }
  | { name: 'queues' }
  | { name: 'failed'; queue: QueueKey; code: string | undefined; limit: number }
  | { name: 'retry'; queue: QueueKey; code: string | undefined }
  | { name: 'replay'; bookingId: string }
  | { name: 'pause' | 'resume'; queue: QueueKey };

export interface ParsedCommandLine {
  command: OpsCommand;
  /** `--json`: machine-readable output instead of tables. */
  json: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const DEFAULT_FAILED_LIMIT = 50;
const MAX_FAILED_LIMIT = 10_000;

export const USAGE = `usage: npm run ops -- <command> [options]

commands:
  queues                                     jobs per queue and state
  failed <queue> [--code CODE] [--limit N]   failed jobs, newest first (default limit ${DEFAULT_FAILED_LIMIT})
  retry <queue> [--code CODE]                re-run failed jobs (all, or those with that code)
  replay <bookingId>                         run every step of a booking again from its newest snapshot
  pause <queue>, resume <queue>              stop or restart the workers taking jobs from a queue

queues: ${OPS_QUEUES.map(queueNameOf).join(', ')}
options: --json (JSON instead of tables), --help
env: REDIS_URL (or REDIS_CLUSTER_NODES=host:port,… for a Redis Cluster), REDIS_PREFIX (default meetlink)`;

/** Which options each command takes, besides --json and --help. */
const OPTIONS_OF: Record<Exclude<OpsCommand['name'], 'help'>, readonly string[]> = {
  queues: [],
  failed: ['code', 'limit'],
  retry: ['code'],
  replay: [],
  pause: [],
  resume: [],
};

const isCommandName = (name: string): name is keyof typeof OPTIONS_OF => Object.hasOwn(OPTIONS_OF, name);

/** A queue by its name (`meeting-cleanup`) or its catalog key (`meetingCleanup`). */
export const parseQueue = (name: string | undefined, command: string): QueueKey => {
  const known = OPS_QUEUES.map(queueNameOf).join(', ');
  if (name === undefined) throw new UsageError(`${command} needs a queue: one of ${known}`);
  const key = OPS_QUEUES.find((k) => queueNameOf(k) === name || k === name);
  if (!key) throw new UsageError(`unknown queue "${name}": one of ${known}`);
  return key;
};

const parseCode = (code: string | undefined): string | undefined => {
  if (code === undefined) return undefined;
  if (!/^[a-z][a-z0-9_]*$/.test(code)) {
    throw new UsageError(`--code "${code}" is not an error code (snake_case, e.g. zoom_unavailable)`);
  }
  return code;
};

const parseLimit = (limit: string | undefined): number => {
  if (limit === undefined) return DEFAULT_FAILED_LIMIT;
  const n = Number(limit);
  if (!/^\d+$/.test(limit) || n < 1 || n > MAX_FAILED_LIMIT) {
    throw new UsageError(`--limit must be a whole number from 1 to ${MAX_FAILED_LIMIT}, not "${limit}"`);
  }
  return n;
};

export const parseCommandLine = (argv: readonly string[]): ParsedCommandLine => {
  let parsed: ReturnType<typeof parseArgsStrict>;
  try {
    parsed = parseArgsStrict(argv);
  } catch (error) {
    // node:util's messages name the option ("Unknown option '--cod'"); they are the usage error.
    throw new UsageError((error as Error).message.split('. To specify')[0] ?? String(error));
  }
  const { values, positionals } = parsed;
  const json = values.json === true;
  const [name, ...rest] = positionals;
  if (values.help === true || name === 'help') return { command: { name: 'help' }, json };
  if (name === undefined) throw new UsageError('no command given');
  if (!isCommandName(name)) throw new UsageError(`unknown command "${name}"`);

  for (const option of ['code', 'limit'] as const) {
    if (values[option] !== undefined && !OPTIONS_OF[name].includes(option)) {
      throw new UsageError(`${name} takes no --${option}`);
    }
  }
  const wantedArgs = name === 'queues' ? 0 : 1;
  if (rest.length > wantedArgs) throw new UsageError(`${name}: unexpected "${rest[wantedArgs]}"`);
  const [arg] = rest;

  switch (name) {
    case 'queues':
      return { command: { name }, json };
    case 'failed':
      return {
        command: {
          name,
          queue: parseQueue(arg, name),
          code: parseCode(values.code),
          limit: parseLimit(values.limit),
        },
        json,
      };
    case 'retry':
      return { command: { name, queue: parseQueue(arg, name), code: parseCode(values.code) }, json };
    case 'replay': {
      if (arg === undefined) throw new UsageError('replay needs a booking id');
      if (!BookingId.safeParse(arg).success) throw new UsageError(`"${arg}" is not a booking id`);
      return { command: { name, bookingId: arg }, json };
    }
    case 'pause':
    case 'resume':
      return { command: { name, queue: parseQueue(arg, name) }, json };
  }
};

const parseArgsStrict = (argv: readonly string[]) =>
  parseArgs({
    args: [...argv],
    options: {
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
      code: { type: 'string' },
      limit: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
