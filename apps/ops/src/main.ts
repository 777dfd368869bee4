// Composition root of the ops CLI (`npm run ops -- <command>`): the process's arguments, env and
// streams go to runOps, which builds the connection, store and queues and runs the one command.
import { runOps } from './run-ops';

/** Exits once what was written is flushed: a piped stdout is written asynchronously. */
const exitAfterFlush = (code: number): void => {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
};

runOps(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(exitAfterFlush, (error: unknown) => {
  console.error(error);
  exitAfterFlush(1);
});
