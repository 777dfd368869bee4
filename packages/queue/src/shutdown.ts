// Graceful shutdown on SIGTERM/SIGINT: stop taking jobs, let running ones finish within a deadline,
// then close connections.
import type { Logger } from '@meetlink/observability';

export interface Closable {
  name: string;
  close(): Promise<unknown>;
}

export interface ShutdownOptions {
  logger: Logger;
  timeoutMs: number;
  /** Closed in order: workers first, then queues, servers and connections. */
  closables: readonly Closable[];
  exit?: (code: number) => void;
}

export const closeAll = async ({
  logger,
  timeoutMs,
  closables,
}: Omit<ShutdownOptions, 'exit'>): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const work = (async () => {
    for (const closable of closables) {
      try {
        await closable.close();
        logger.debug({ component: closable.name }, 'closed');
      } catch (error) {
        logger.warn({ component: closable.name, err: error }, 'close failed');
      }
    }
    return true;
  })();
  const finished = await Promise.race([work, deadline]);
  clearTimeout(timer);
  return finished;
};

export const installShutdown = ({
  logger,
  timeoutMs,
  closables,
  exit = (code) => process.exit(code),
}: ShutdownOptions): void => {
  let isShuttingDown = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (isShuttingDown) return;
    isShuttingDown = true;
    logger.info({ signal, timeoutMs }, 'shutting down: no new jobs, waiting for running ones');
    void closeAll({ logger, timeoutMs, closables }).then((isClean) => {
      if (!isClean) logger.error({ timeoutMs }, 'shutdown deadline passed; exiting with jobs still running');
      exit(isClean ? 0 : 1);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
};
