'use strict';
/*
 * Peer (a): a real-time server written the way the common guides show it, to benchmark IMS against.
 * A Map of userId -> socket, one Redis pub/sub channel; a publisher publishes JSON to the channel and this server looks
 * the target up and sends. No auth (the guides identify the user by a query parameter), no store, no acks: a message
 * for an offline user is gone. Broadcast serialises the frame once and sends the same string to every socket, which is
 * the strongest form of the guide's loop (a weaker peer would flatter IMS).
 *
 * Env: PORT (9001), REDIS_URL (redis://127.0.0.1:6390), CHANNEL (notifications), HEARTBEAT_MS (30000).
 */
const http = require('node:http');
const { WebSocketServer, WebSocket } = require('ws');
const { createClient } = require('redis');

const PORT = Number(process.env.PORT || 9001);
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6390';
const CHANNEL = process.env.CHANNEL || 'notifications';
const HEARTBEAT_MS = Number(process.env.HEARTBEAT_MS || 30000);

const clients = new Map(); // userId -> WebSocket (one socket per user, as in the guides)

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
    res.end(JSON.stringify({ status: 'UP', connections: clients.size }));
    return;
  }
  res.writeHead(404).end();
});
const wss = new WebSocketServer({ server, path: '/ws' });

wss.on('connection', (ws, req) => {
  const userId = new URL(req.url, 'http://localhost').searchParams.get('userId');
  if (!userId) {
    ws.close(4001, 'userId required');
    return;
  }
  ws.isAlive = true;
  ws.on('pong', () => { ws.isAlive = true; });
  clients.set(userId, ws);
  ws.on('message', () => { /* clients only ever ack or ping here; the guides ignore it */ });
  ws.on('close', () => {
    if (clients.get(userId) === ws) clients.delete(userId);
  });
});

// The guides' heartbeat: one interval for all sockets, protocol-level ping, terminate the ones that never answered.
const heartbeat = setInterval(() => {
  for (const ws of wss.clients) {
    if (!ws.isAlive) { ws.terminate(); continue; }
    ws.isAlive = false;
    ws.ping();
  }
}, HEARTBEAT_MS);
wss.on('close', () => clearInterval(heartbeat));

async function main() {
  const subscriber = createClient({ url: REDIS_URL });
  subscriber.on('error', (err) => console.error('redis error', err.message));
  await subscriber.connect();
  await subscriber.subscribe(CHANNEL, (raw) => {
    let msg;
    try { msg = JSON.parse(raw); } catch { return; }
    const data = JSON.stringify(msg.frame);
    if (msg.targetType === 'user') {
      const ws = clients.get(msg.target);
      if (ws && ws.readyState === WebSocket.OPEN) ws.send(data);
      return;
    }
    for (const ws of clients.values()) {
      if (ws.readyState === WebSocket.OPEN) ws.send(data);
    }
  });
  server.listen(PORT, '127.0.0.1', () => console.log(`peer-ws listening on ws://127.0.0.1:${PORT}/ws pid=${process.pid}`));
}

for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(0));
main().catch((err) => { console.error(err); process.exit(1); });
