// The sandbox fakes alone, for the compose sandbox profile: `node --conditions=@meetlink/source
// --import tsx scripts/serve-fakes.ts`. FAKES_PUBLIC_HOST names the host the apps reach them by.
import { serveSandboxFakes } from '@meetlink/sandbox';

const publicHost = process.env['FAKES_PUBLIC_HOST'] ?? 'localhost';
const serviceAccountPath = process.env['FAKES_SERVICE_ACCOUNT_PATH'];

serveSandboxFakes({ publicHost, serviceAccountPath }).then(
  (served) => {
    console.log(['meetlink sandbox fakes', ...served.fakes.lines.map((line) => `  ${line}`)].join('\n'));
    console.log(`  Apps reach them with: ${Object.keys(served.env).sort().join(', ')}`);
    const stop = (): void => void served.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
