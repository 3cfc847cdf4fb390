'use strict';
/*
 * Peer (b): Socket.IO 4 with the Redis adapter, as its documentation shows for more than one node. Each socket joins
 * the room `user:<userId>` (userId from the handshake query or auth); the publisher uses the Redis emitter to reach a
 * room or everyone. The event is `notification` and its argument is the same frame IMS sends.
 *
 * Env: PORT (9011), REDIS_URL (redis://127.0.0.1:6390).
 */
const http = require('node:http');
const { Server } = require('socket.io');
const { createAdapter } = require('@socket.io/redis-adapter');
const { createClient } = require('redis');

const PORT = Number(process.env.PORT || 9011);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6390';

async function main() {
  const pubClient = createClient({ url: REDIS_URL });
  const subClient = pubClient.duplicate();
  for (const c of [pubClient, subClient]) c.on('error', (err) => console.error('redis error', err.message));
  await Promise.all([pubClient.connect(), subClient.connect()]);

  const server = http.createServer((req, res) => {
    // Benchmark hook, not part of the guides' design: with `node --expose-gc` the load generator collects garbage
  // before reading RSS, as it does with jcmd for a JVM, so idle memory is compared after a GC on both sides.
  if (req.url === '/gc' && typeof global.gc === 'function') {
    global.gc();
    res.writeHead(200).end();
    return;
  }
  if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'UP', connections: io.engine.clientsCount }));
      return;
    }
    res.writeHead(404).end();
  });
  const io = new Server(server, { cors: { origin: '*' } });
  io.adapter(createAdapter(pubClient, subClient));

  io.on('connection', (socket) => {
    const userId = socket.handshake.auth?.userId || socket.handshake.query.userId;
    if (!userId) {
      socket.disconnect(true);
      return;
    }
    socket.join(`user:${userId}`);
    socket.on('ack', () => { /* acks are not part of this peer's model */ });
  });

  server.listen(PORT, '127.0.0.1', () => console.log(`peer-socketio listening on ws://127.0.0.1:${PORT}/socket.io/ pid=${process.pid}`));
}

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
main().catch((err) => { console.error(err); process.exit(1); });
