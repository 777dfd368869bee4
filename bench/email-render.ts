// Email rendering: MJML once per template at start-up (createEmailRenderer) against MJML (and
// Handlebars' compiler) on every email. Run: npm run bench:email -- [emails=2000] [baselineEmails=emails]
// Wall time counts whatever else the machine runs meanwhile; CPU time (this process's, GC threads
// included) is the email's own cost, so the speedup is given for both.
import { sampleBooking } from '@meetlink/fakes';
import { cpus, totalmem } from 'node:os';
import type { Booking } from '@meetlink/events';
import type { EmailInput, EmailKind } from '@meetlink/email';
import { EMAIL_KINDS, createEmailRenderer, createPerEmailMjmlRenderer, sampleMeeting } from '@meetlink/email';

const [emailsArg, baselineArg] = process.argv.slice(2);
const total = Number(emailsArg ?? 2000);
const baselineTotal = Number(baselineArg ?? total);

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const customers: Pick<Booking['customer'], 'locale' | 'timezone'>[] = [
  { locale: 'en-US', timezone: 'America/New_York' },
  { locale: 'de-DE', timezone: 'Europe/Berlin' },
  { locale: 'fr-FR', timezone: 'Europe/Paris' },
  { locale: 'ja-JP', timezone: 'Asia/Tokyo' },
  { locale: 'en-GB', timezone: 'Asia/Kolkata' },
];

/** Mixed kinds, locales and zones; one email in seven has no meeting (the conference step failed). */
const buildInputs = (count: number): EmailInput[] =>
  Array.from({ length: count }, (_, i) => {
    const kind: EmailKind = EMAIL_KINDS[i % EMAIL_KINDS.length]!;
    const base = sampleBooking({
      bookingId: `bk_bench_${i}`,
      version: 1 + (i % 4),
      startsAt: new Date(Date.UTC(2030, 2, 1 + (i % 28), 8 + (i % 10), (i % 4) * 15)),
    });
    const booking: Booking = { ...base, customer: { ...base.customer, ...customers[i % customers.length]! } };
    const hasMeeting = kind === 'meeting_link' || i % 7 !== 3;
    return {
      kind,
      booking,
      meeting: hasMeeting ? sampleMeeting({ id: String(81234567890 + i) }) : null,
      reminderOffsetMinutes: 60,
      ...(kind === 'canceled' ? { reason: 'The host is ill.' } : {}),
    };
  });

interface Result {
  name: string;
  emails: number;
  latencies: number[];
  elapsedMs: number;
  cpuMs: number;
}

const cpuMs = (since?: NodeJS.CpuUsage): number => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};

const measure = async (
  name: string,
  inputs: EmailInput[],
  render: (input: EmailInput) => unknown,
): Promise<Result> => {
  for (const input of inputs.slice(0, 20)) await render(input); // warm-up: JIT, Intl caches
  const latencies: number[] = [];
  const cpuAtStart = process.cpuUsage();
  const startedAt = performance.now();
  for (const input of inputs) {
    const t0 = performance.now();
    await render(input);
    latencies.push(performance.now() - t0);
  }
  const elapsedMs = performance.now() - startedAt;
  const cpu = cpuMs(cpuAtStart);
  latencies.sort((a, b) => a - b);
  return { name, emails: inputs.length, latencies, elapsedMs, cpuMs: cpu };
};

const main = async (): Promise<void> => {
  const t0 = performance.now();
  const renderer = await createEmailRenderer();
  const startupMs = performance.now() - t0;
  const baseline = await createPerEmailMjmlRenderer();

  const precompiled = await measure('precompiled (`createEmailRenderer`)', buildInputs(total), (input) =>
    renderer.render(input),
  );
  const perEmail = await measure(
    'mjml2html per email (`createPerEmailMjmlRenderer`)',
    buildInputs(baselineTotal),
    (input) => baseline.render(input),
  );

  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(
    `machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log(
    `emails: ${EMAIL_KINDS.join(', ')} in turn; 5 locales and zones; 1 in 7 without a meeting; one process, sequential`,
  );
  console.log(
    `createEmailRenderer() start-up (loads mjml, compiles 5 templates): ${startupMs.toFixed(0)} ms\n`,
  );
  console.log('| renderer | emails | mean ms | p50 ms | p95 ms | CPU ms per email | emails/s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const fmt = (n: number) => (n < 1 ? n.toFixed(3) : n.toFixed(1));
  for (const r of [precompiled, perEmail]) {
    const mean = r.latencies.reduce((sum, l) => sum + l, 0) / r.latencies.length;
    console.log(
      `| ${r.name} | ${r.emails} | ${fmt(mean)} | ${fmt(percentile(r.latencies, 50))} | ${fmt(percentile(r.latencies, 95))} | ${fmt(r.cpuMs / r.emails)} | ${Math.round((r.emails / r.elapsedMs) * 1000)} |`,
    );
  }
  const perEmailRatio = (of: (r: Result) => number): string =>
    (of(perEmail) / perEmail.emails / (of(precompiled) / precompiled.emails)).toFixed(0);
  const p50Ratio = (percentile(perEmail.latencies, 50) / percentile(precompiled.latencies, 50)).toFixed(0);
  console.log(
    `\nprecompiled is ${perEmailRatio((r) => r.elapsedMs)}× faster per email (wall), ` +
      `${perEmailRatio((r) => r.cpuMs)}× in CPU, ${p50Ratio}× at p50`,
  );
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
