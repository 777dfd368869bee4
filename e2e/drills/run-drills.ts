// `npm run drills`: the fault drills at full length (10-minute outages, the workers' real retry policy),
// or `--short` as `npm test` runs them; `--only <name>[,<name>…]` picks drills; `--verbose` prints each
// booking's emails and the apps' warnings for passing drills too. Exits 1 if any fails.
import { parseArgs } from 'node:util';
import { startRedisServer } from '@meetlink/sandbox';
import { DRILLS } from './drills';
import { FULL, SHORT } from './durations';
import { describeMachine, formatResult, formatSummary } from './report';
import type { DrillResult } from './report';

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      short: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
    },
  });
  const wanted = values.only
    ?.split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = wanted?.filter((name) => !DRILLS.some((d) => d.name === name)) ?? [];
  if (unknown.length > 0) {
    process.stderr.write(
      `unknown drill(s): ${unknown.join(', ')}; there are: ${DRILLS.map((d) => d.name).join(', ')}\n`,
    );
    return 2;
  }
  const drills = wanted ? DRILLS.filter((d) => wanted.includes(d.name)) : DRILLS;
  const durations = values.short ? SHORT : FULL;

  process.stdout.write(`${describeMachine()}\n`);
  process.stdout.write(
    `variant: ${durations.label} (outages ${durations.outageMs / 1000}s, retry ${
      durations.retry ? JSON.stringify(durations.retry) : "the workers' defaults"
    }); drills: ${drills.map((d) => d.name).join(', ')}\n`,
  );
  const redis = await startRedisServer();
  const results: DrillResult[] = [];
  try {
    for (const drill of drills) {
      process.stdout.write(`\n… ${drill.name}: ${drill.title}\n`);
      const result = await drill.run({ redisUrl: redis.url }, durations);
      results.push(result);
      process.stdout.write(formatResult(result, { isVerbose: values.verbose }));
    }
  } finally {
    await redis.stop();
  }
  process.stdout.write(`\n${describeMachine()}${formatSummary(results)}`);
  return results.every((r) => r.isPassed) ? 0 : 1;
};

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  },
);
