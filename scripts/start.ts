// npm start: the whole pipeline in sandbox mode (see packages/sandbox).
import { runSandbox } from '@meetlink/sandbox';

runSandbox({ env: process.env }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
