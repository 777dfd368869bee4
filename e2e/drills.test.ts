// The fault drills, short (outages of seconds, the workers' retry timing scaled down to match): the
// same drills `npm run drills` runs at full length (see drills/drills.ts). Each runs the real apps as
// processes through one fault and checks the end state.
import { DRILLS } from './drills/drills';
import { SHORT } from './drills/durations';
import { describeMachine, formatResult } from './drills/report';

describe('fault drills (short variants)', () => {
  beforeAll(() => {
    process.stdout.write(`${describeMachine()}\n`);
  });

  for (const drill of DRILLS) {
    it(
      `${drill.name}: ${drill.title}`,
      async () => {
        const result = await drill.run({ redisUrl: process.env['REDIS_URL']! }, SHORT);
        process.stdout.write(formatResult(result));
        expect(result.problems).toEqual([]);
      },
      drill.timeoutMs(SHORT),
    );
  }
});
