// Starts the SMTP sink: a real SMTP server (smtp-server) on loopback that keeps and parses every
// message, with injectable faults, and a small web page (express) to read what arrived.
import { EventEmitter, once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerSession } from 'smtp-server';
import { startFakeServer, urlHost } from '../kit/fake-server';
import { FaultQueue } from '../kit/fault-queue';
import { parseMessage } from './parse-message';
import { sinkPages } from './sink-pages';
import type { ParsedMessage, SmtpSink, SmtpSinkFault, StartSmtpSinkOptions } from './types';

const smtpError = (code: number, message: string): Error & { responseCode: number } =>
  Object.assign(new Error(message), { responseCode: code });

const REJECT_TEXT: Record<451 | 550, string> = {
  451: '4.3.0 Temporary failure, try again later (injected by the sink)',
  550: '5.7.1 Message rejected (injected by the sink)',
};

const readAll = async (stream: SMTPServerDataStream): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

export const startSmtpSink = async (options: StartSmtpSinkOptions = {}): Promise<SmtpSink> => {
  const host = options.host ?? '127.0.0.1';
  const now = options.now ?? (() => new Date());
  const maxMessageBytes = options.maxMessageBytes ?? 10 * 1024 * 1024;
  let received: ParsedMessage[] = [];
  /** Played strictly in the order injected, whatever their kind. */
  const faults = new FaultQueue<SmtpSinkFault>();
  let nextId = 1;
  const arrivals = new EventEmitter();
  arrivals.setMaxListeners(0);
  /** Open client sockets by remote port, so a fault can cut one mid-transaction. */
  const sockets = new Map<number, Socket>();
  let connections = 0;

  const receive = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<string> => {
    const raw = await readAll(stream);
    if (stream.sizeExceeded) throw smtpError(552, '5.3.4 Message exceeds the fixed maximum message size');
    const fault = faults.takeNext();
    if (fault?.kind === 'reject') throw smtpError(fault.code, fault.message ?? REJECT_TEXT[fault.code]);
    const id = String(nextId++);
    const message = await parseMessage(raw, {
      id,
      receivedAt: now().toISOString(),
      envelope: {
        mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
        rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
      },
    });
    received.push(message);
    arrivals.emit('message', message);
    if (fault?.kind === 'drop_after_data') {
      sockets.get(session.remotePort)?.destroy();
      throw smtpError(421, 'dropped'); // never reaches the client: its socket is gone
    }
    return `2.0.0 Ok: queued as ${id}`;
  };

  const smtp = new SMTPServer({
    logger: false,
    banner: 'meetlink SMTP sink',
    // Loopback only: a reverse DNS lookup per connection would only add latency.
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    size: maxMessageBytes,
    closeTimeout: 1_000,
    onAuth: (_auth, _session, callback) => callback(null, { user: 'sink' }),
    onData: (stream, session, callback) => {
      receive(stream, session).then(
        (reply) => callback(null, reply),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  smtp.server.on('connection', (socket: Socket) => {
    const port = socket.remotePort;
    if (port === undefined) return;
    connections += 1;
    sockets.set(port, socket);
    socket.once('close', () => sockets.delete(port));
  });
  // A client that vanishes mid-session is normal here (the drop fault does it on purpose).
  smtp.on('error', () => undefined);
  smtp.listen(options.port ?? 0, host);
  await once(smtp.server, 'listening');
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const store = {
    messages: (): ParsedMessage[] => [...received],
    clear: (): void => {
      received = [];
      faults.clear();
      connections = 0;
    },
  };

  const pages = await startFakeServer({ port: options.httpPort ?? 0, host }, (app) =>
    app.use(sinkPages(store)),
  );

  return {
    smtpUrl: `smtp://${urlHost(host)}:${smtpPort}`,
    httpUrl: pages.origin,
    messages: store.messages,
    clear: store.clear,
    inject: (fault) => faults.add(fault),
    connectionCount: () => connections,
    dropConnections: () => {
      for (const socket of sockets.values()) socket.destroy();
    },
    waitFor: (predicate, timeoutMs = 5_000) =>
      new Promise<ParsedMessage>((resolve, reject) => {
        const already = received.find(predicate);
        if (already) {
          resolve(already);
          return;
        }
        const onMessage = (message: ParsedMessage): void => {
          if (!predicate(message)) return;
          clearTimeout(timer);
          arrivals.off('message', onMessage);
          resolve(message);
        };
        const timer = setTimeout(() => {
          arrivals.off('message', onMessage);
          reject(new Error(`No matching email within ${timeoutMs} ms (${received.length} received)`));
        }, timeoutMs);
        arrivals.on('message', onMessage);
      }),
    close: async () => {
      for (const socket of sockets.values()) socket.destroy();
      await Promise.all([new Promise<void>((resolve) => smtp.close(() => resolve())), pages.close()]);
    },
  };
};
