// The benchmark's reference point: a bare express 5 endpoint that parses the same /move body and
// answers a constant move, with nothing else (no validation, strategy, metrics or sink). It also
// answers /readyz on ADMIN_PORT so test/helpers/processes.ts can wait for it like a service.
import http from 'node:http';
import express from 'express';

const app = express();
app.post('/move', express.json({ limit: '1mb' }), (_req, res) => {
  res.json({ move: 'up' });
});
app.listen(Number(process.env.PORT ?? 8000), '127.0.0.1');

http
  .createServer((_req, res) => res.writeHead(200).end('ok'))
  .listen(Number(process.env.ADMIN_PORT ?? 9100), '127.0.0.1');
