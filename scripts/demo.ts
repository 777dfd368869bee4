// npm run demo: a signed sample booking through the running pipeline (see packages/sandbox).
import { runDemo } from '@meetlink/sandbox';

runDemo({ env: process.env }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
