// What every benchmark prints first: the machine, and the ceiling its figures are read against.
import { execFile } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const describeMachine = (): string => {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${process.platform}`;
};

export interface RedisCeiling {
  /** redis-benchmark's requests/s per command, on this machine, against the benchmark's own Redis. */
  rps: Record<string, number>;
}

/**
 * `redis-benchmark` against the given port: the ceiling every Redis-bound figure is read against.
 * 50 clients, no pipelining (what our apps do: one command at a time per connection).
 */
export const measureRedisCeiling = async (port: number, requests = 100_000): Promise<RedisCeiling> => {
  const { stdout } = await run('redis-benchmark', [
    '-p',
    String(port),
    '-q',
    '-n',
    String(requests),
    '-c',
    '50',
    '-t',
    'ping,set,get,incr,lpush,zadd,hset',
    '--csv',
  ]);
  const rps: Record<string, number> = {};
  for (const line of stdout.split('\n')) {
    // "test","rps","avg_latency_ms",… — the header line has a non-numeric rps.
    const [name, value] = line.split(',').map((cell) => cell.replaceAll('"', ''));
    const parsed = Number(value);
    if (name && Number.isFinite(parsed) && parsed > 0) rps[name] = parsed;
  }
  return { rps };
};

export const formatCeiling = ({ rps }: RedisCeiling): string =>
  `redis-benchmark ceiling (50 clients, no pipelining): ${Object.entries(rps)
    .map(([name, value]) => `${name} ${Math.round(value).toLocaleString('en-US')}/s`)
    .join(', ')}`;

/** A markdown table, right-aligned numbers. */
export const table = (
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string => {
  const align = headers.map((_, i) => (rows.every((row) => typeof row[i] === 'number') ? '---:' : '---'));
  return [
    `| ${headers.join(' | ')} |`,
    `| ${align.join(' | ')} |`,
    ...rows.map((row) => `| ${row.map(String).join(' | ')} |`),
  ].join('\n');
};

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

export const round = (value: number, digits = 1): number => Number(value.toFixed(digits));
