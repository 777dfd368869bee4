// What a drill prints: the machine it ran on, a table of the end state, the differences from the
// wanted end state, and what the apps warned about.
import { cpus, totalmem } from 'node:os';
import type { PendingJobs } from '../pipeline-harness';
import type { EndStateCounts } from './end-state';

export interface DrillResult {
  name: string;
  title: string;
  variant: 'full' | 'short';
  isPassed: boolean;
  counts: EndStateCounts;
  /** From the end of the fault to the end state with nothing left to run; null: never. */
  convergeMs: number | null;
  /** What "the fault ended" means for this drill. */
  faultEnd: string;
  /** How the fault went, where it matters for reading the result. */
  notes: string[];
  problems: string[];
  pending: PendingJobs | null;
  /** Warnings and errors the apps logged, counted. */
  logSummary: string[];
  /** Each booking's emails in arrival order, by Message-ID key. */
  emailsByBooking: Record<string, string[]>;
  wallMs: number;
}

export const describeMachine = (): string =>
  `machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, ` +
  `${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}, ${process.platform}/${process.arch}`;

const formatTable = (rows: string[][]): string => {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  const line = (row: string[]) =>
    row
      .map((cell, col) => cell.padEnd(widths[col]!))
      .join('  ')
      .trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
};

const HEADER = [
  'drill',
  'result',
  'bookings',
  'live meetings',
  'emails sent',
  'duplicates',
  'failed steps',
  'converge ms',
  'after',
];

const rowOf = (r: DrillResult): string[] => [
  r.name,
  r.isPassed ? 'pass' : 'FAIL',
  String(r.counts.bookings),
  String(r.counts.liveMeetings),
  String(r.counts.emailsSent),
  String(r.counts.duplicates),
  String(r.counts.failedSteps),
  r.convergeMs === null ? '-' : String(r.convergeMs),
  r.faultEnd,
];

const MAX_PROBLEMS = 40;

export const formatResult = (r: DrillResult, { isVerbose = false } = {}): string => {
  const lines = [
    `\n== ${r.name} (${r.variant}): ${r.title} — ${r.isPassed ? 'pass' : 'FAIL'} in ${Math.round(r.wallMs / 1000)}s`,
    formatTable([HEADER, rowOf(r)]),
  ];
  lines.push(...r.notes.map((note) => `note: ${note}`));
  if (r.problems.length > 0) {
    lines.push('end state, differences from the wanted one:');
    lines.push(...r.problems.slice(0, MAX_PROBLEMS).map((p) => `  - ${p}`));
    if (r.problems.length > MAX_PROBLEMS) lines.push(`  … and ${r.problems.length - MAX_PROBLEMS} more`);
  }
  if (!r.isPassed || isVerbose) {
    lines.push('emails by booking:');
    for (const [bookingId, keys] of Object.entries(r.emailsByBooking))
      lines.push(`  ${bookingId}: ${keys.join(', ') || 'none'}`);
  }
  if ((!r.isPassed || isVerbose) && r.logSummary.length > 0) {
    lines.push('what the apps logged (warnings and errors, counted):');
    lines.push(...r.logSummary.map((l) => `  ${l}`));
  }
  return `${lines.join('\n')}\n`;
};

export const formatSummary = (results: DrillResult[]): string =>
  `\n${formatTable([HEADER, ...results.map(rowOf)])}\n`;

const asText = (value: unknown): string =>
  typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);

/** The apps' JSON log lines at warn or above, counted by app, message and error code; and any non-JSON output. */
export const summarizeOutput = (output: string, limit = 15): string[] => {
  const counts = new Map<string, number>();
  const raw: string[] = [];
  for (const line of output.split('\n')) {
    if (!line.trim()) continue;
    let entry: Record<string, unknown>;
    try {
      entry = JSON.parse(line) as Record<string, unknown>;
    } catch {
      if (raw.length < 5 && !raw.includes(line)) raw.push(line.slice(0, 300));
      continue;
    }
    if (typeof entry['level'] !== 'number' || entry['level'] < 40) continue;
    const err = entry['err'];
    const code =
      entry['code'] ??
      (err && typeof err === 'object'
        ? ((err as Record<string, unknown>)['code'] ?? (err as Record<string, unknown>)['message'])
        : err);
    const key = `${asText(entry['name']) || '?'}: ${asText(entry['msg'])}${code ? ` [${asText(code).slice(0, 120)}]` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const sorted = [...counts].sort((a, b) => b[1] - a[1]).slice(0, limit);
  return [...sorted.map(([key, n]) => `${String(n).padStart(5)} × ${key}`), ...raw.map((l) => `  raw: ${l}`)];
};
