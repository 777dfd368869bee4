// The intake benchmark's anchor: bare Express 5 parsing the same JSON body and answering 202, nothing
// else (no signature check, no Redis). Run as its own process: PORT=… node --import tsx bench/kit/bare-express.ts
import express from 'express';

const app = express();
app.disable('x-powered-by');
app.use(express.json({ limit: '256kb' }));
app.post('/v1/events', (req, res) => {
  res.status(202).json({ status: 'accepted', id: (req.body as { id?: string }).id ?? null });
});
const server = app.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
  console.log('listening');
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
