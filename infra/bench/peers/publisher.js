'use strict';
/*
 * The peers' producer: a tiny HTTP endpoint with the same request as IMS's `POST /api/v1/notifications`
 * (`{"targetType":"user"|"role"|"all","target":..,"type":..,"payload":{..}}`, answers 202 {"id"}), so the same load
 * generator drives every system. It stamps `id` and `timestamp` at accept time, like the platform does, and publishes:
 *   --mode ws        JSON `{targetType, target, frame}` on the Redis channel the ws peer subscribes to
 *   --mode socketio  through @socket.io/redis-emitter, to room `user:<id>` or to everyone
 * Peers have no roles: `role` is treated as `all` (benchmarks put every user in the one role).
 *
 * Env: PORT (9002 ws / 9012 socketio), REDIS_URL (redis://127.0.0.1:6390), CHANNEL (notifications).
 */
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { createClient } = require('redis');
const { Emitter } = require('@socket.io/redis-emitter');

const mode = process.argv.includes('--mode') ? process.argv[process.argv.indexOf('--mode') + 1] : 'ws';
if (!['ws', 'socketio'].includes(mode)) {
  console.error(`unknown --mode ${mode} (ws | socketio)`);
  process.exit(2);
}
const PORT = Number(process.env.PORT || (mode === 'ws' ? 9002 : 9012));
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6390';
const CHANNEL = process.env.CHANNEL || 'notifications';

function reply(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function main() {
  const redis = createClient({ url: REDIS_URL });
  redis.on('error', (err) => console.error('redis error', err.message));
  await redis.connect();
  const emitter = mode === 'socketio' ? new Emitter(redis) : null;

  const publish = (req) => {
    const frame = { type: req.type || 'notification', id: req.id || randomUUID(), timestamp: Date.now(), payload: req.payload };
    const toUser = req.targetType === 'user';
    if (emitter) {
      (toUser ? emitter.to(`user:${req.target}`) : emitter).emit('notification', frame);
    } else {
      redis.publish(CHANNEL, JSON.stringify({ targetType: toUser ? 'user' : 'all', target: req.target, frame }));
    }
    return frame.id;
  };

  http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') return reply(res, 200, { status: 'UP' });
    if (req.method !== 'POST' || req.url !== '/api/v1/notifications') return reply(res, 404, { error: 'NOT_FOUND' });
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let body;
      try { body = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch {
        return reply(res, 400, { error: 'BAD_REQUEST', message: 'body is not JSON' });
      }
      if (!body || typeof body.payload !== 'object' || !['user', 'role', 'all'].includes(body.targetType)) {
        return reply(res, 400, { error: 'BAD_REQUEST', message: 'targetType and payload are required', field: 'targetType' });
      }
      if (body.targetType === 'user' && !body.target) {
        return reply(res, 400, { error: 'BAD_REQUEST', message: 'target is required', field: 'target' });
      }
      reply(res, 202, { id: publish(body) });
    });
  }).listen(PORT, '127.0.0.1', () => console.log(`peer publisher (${mode}) on http://127.0.0.1:${PORT}/api/v1/notifications pid=${process.pid}`));
}

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
main().catch((err) => { console.error(err); process.exit(1); });
