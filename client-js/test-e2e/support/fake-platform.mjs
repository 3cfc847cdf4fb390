// A stand-in for push-gateway + notification-service, just faithful enough to the contract to exercise the demo page
// and the end-to-end tests without the Java platform: dev tokens, /ws with connected/ping/ack/redelivery, the
// producer API with CORS, the recipient status read, and a gateway restart on demand.
//
// It is a developer's tool for working on the SDK and the page, NOT evidence that the platform works: the real
// e2e run points IMS_GATEWAY_URL / IMS_NOTIFICATION_URL at the real services.
//
//   node test-e2e/support/fake-platform.mjs            # gateway :18080, notification :18081
//   IMS_GATEWAY_URL=http://localhost:18080 IMS_NOTIFICATION_URL=http://localhost:18081 \
//   IMS_GATEWAY_RESTART_CMD="node test-e2e/support/restart-fake-gateway.mjs" npm run test:e2e
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const here = path.dirname(fileURLToPath(import.meta.url));
const DEMO_DIR = path.resolve(here, '../../../push-gateway/src/main/resources/static/demo');
const SDK_DIR = path.resolve(here, '../../dist');
const GATEWAY_PORT = Number(process.env.FAKE_GATEWAY_PORT ?? 18080);
const NOTIFICATION_PORT = Number(process.env.FAKE_NOTIFICATION_PORT ?? 18081);
const HEARTBEAT = { interval: Number(process.env.FAKE_HEARTBEAT_INTERVAL ?? 5000), timeout: 2000 };
/** How long a restart keeps the gateway down, so that a test can send while it is. */
const RESTART_DOWN_MS = Number(process.env.FAKE_RESTART_DOWN_MS ?? 2000);

/** token -> { userId, roles, publish } */
const tokens = new Map();
/** userId -> Set of roles, learned from the tokens minted for the user */
const userRoles = new Map();
/** userId -> Set of live sockets */
const sockets = new Map();
/** message id -> { frame, recipients: Map<userId, status> } */
const messages = new Map();

function mint(userId, roles, publish) {
  const token = `fake.${publish ? 'svc' : 'user'}.${randomUUID()}`;
  tokens.set(token, { userId, roles, publish });
  if (!publish) userRoles.set(userId, new Set(roles));
  return token;
}

// ---- gateway --------------------------------------------------------------------------------------------------------

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json' };

async function serveFile(res, file) {
  try {
    const body = await readFile(file);
    res.writeHead(200, { 'content-type': `${TYPES[path.extname(file)] ?? 'application/octet-stream'}; charset=utf-8` });
    res.end(body);
  } catch {
    res.writeHead(404).end('not found');
  }
}

function gatewayHandler(req, res) {
  const url = new URL(req.url, 'http://gateway');
  const p = url.pathname;
  if (p === '/actuator/health') return json(res, 200, { status: 'UP' });
  if (p === '/demo/token') {
    const userId = url.searchParams.get('userId') || 'alice';
    const roles = (url.searchParams.get('roles') || '').split(',').map((r) => r.trim()).filter(Boolean);
    return json(res, 200, {
      token: mint(userId, roles, false),
      publishToken: mint('demo-publisher', [], true),
      notificationUrl: `http://localhost:${NOTIFICATION_PORT}`,
    });
  }
  if (p === '/demo' || p === '/demo/' || p === '/demo/index.html') return serveFile(res, path.join(DEMO_DIR, 'index.html'));
  if (p.startsWith('/demo/sdk/')) return serveFile(res, path.join(SDK_DIR, path.basename(p)));
  if (p.startsWith('/demo/')) return serveFile(res, path.join(DEMO_DIR, path.basename(p)));
  res.writeHead(404).end('not found');
}

const wss = new WebSocketServer({ noServer: true });
let gateway = null;

function startGateway() {
  gateway = http.createServer(gatewayHandler);
  gateway.on('upgrade', (req, socket, head) => {
    if (!req.url.startsWith('/ws')) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, req));
  });
  return new Promise((resolve) => gateway.listen(GATEWAY_PORT, resolve));
}

async function stopGateway() {
  for (const set of sockets.values()) for (const ws of set) ws.close(1012, 'restarting');
  gateway.closeAllConnections?.();
  await new Promise((resolve) => gateway.close(resolve));
}

function onSocket(ws, req) {
  const claims = tokens.get(new URL(req.url, 'http://gateway').searchParams.get('token'));
  if (!claims || claims.publish) return ws.close(4001, 'Unauthorized');
  const { userId } = claims;
  if (!sockets.has(userId)) sockets.set(userId, new Set());
  sockets.get(userId).add(ws);
  send(ws, { type: 'connected', payload: { clientId: randomUUID(), userId, tenant: 'default', gatewayId: 'fake-gw', heartbeat: HEARTBEAT } });
  const pinger = setInterval(() => send(ws, { type: 'ping', payload: {} }), HEARTBEAT.interval);
  ws.on('close', () => {
    clearInterval(pinger);
    sockets.get(userId)?.delete(ws);
  });
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type === 'ack') {
      for (const id of frame.payload?.ids ?? [frame.id]) messages.get(id)?.recipients.set(userId, 'ACKED');
    } else if (frame.type === 'ping') send(ws, { type: 'pong', payload: {} });
  });
  // Redeliver what this user has not acked, as a persistent store would.
  for (const message of messages.values()) {
    const status = message.recipients.get(userId);
    if (status === 'PENDING' || status === 'DELIVERED') deliverTo(userId, message, ws);
  }
}

function deliverTo(userId, message, only) {
  for (const ws of only ? [only] : sockets.get(userId) ?? []) {
    send(ws, message.frame);
    message.recipients.set(userId, message.recipients.get(userId) === 'ACKED' ? 'ACKED' : 'DELIVERED');
  }
}

function send(ws, frame) {
  if (ws.readyState === 1) ws.send(JSON.stringify({ timestamp: Date.now(), ...frame }));
}

// ---- notification service -------------------------------------------------------------------------------------------

const CORS = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, content-type',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
};

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', ...CORS });
  res.end(JSON.stringify(body));
}

async function notificationHandler(req, res) {
  const url = new URL(req.url, 'http://notification');
  if (req.method === 'OPTIONS') return res.writeHead(204, CORS).end();
  if (url.pathname === '/actuator/health') return json(res, 200, { status: 'UP' });
  if (url.pathname === '/__fake/restart-gateway' && req.method === 'POST') {
    await stopGateway();
    await new Promise((resolve) => setTimeout(resolve, RESTART_DOWN_MS));
    await startGateway();
    return json(res, 200, { restarted: true });
  }
  const bearer = tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
  if (!bearer) return json(res, 401, { error: 'unauthorized' });
  const status = url.pathname.match(/^\/api\/v1\/notifications\/([^/]+)\/recipients\/([^/]+)$/);
  if (status && req.method === 'GET') {
    const state = messages.get(status[1])?.recipients.get(status[2]);
    return state ? json(res, 200, { status: state }) : json(res, 404, { error: 'unknown' });
  }
  if (url.pathname !== '/api/v1/notifications' || req.method !== 'POST') return json(res, 404, { error: 'not found' });
  if (!bearer.publish) return json(res, 403, { error: 'scope ims:publish required' });
  let body = '';
  for await (const chunk of req) body += chunk;
  const request = JSON.parse(body);
  if (!['user', 'role'].includes(request.targetType)) return json(res, 400, { error: 'bad targetType', field: 'targetType' });
  if (typeof request.payload !== 'object' || request.payload === null) return json(res, 400, { error: 'bad payload', field: 'payload' });
  const id = request.id ?? `fake-${randomUUID()}`;
  const recipients = request.targetType === 'user'
    ? [request.target]
    : [...userRoles].filter(([, roles]) => roles.has(request.target)).map(([userId]) => userId);
  const message = {
    frame: { type: request.type ?? 'notification', id, payload: request.payload },
    recipients: new Map(recipients.map((userId) => [userId, 'PENDING'])),
  };
  messages.set(id, message);
  for (const userId of recipients) deliverTo(userId, message);
  return json(res, 202, { id });
}

await startGateway();
http.createServer(notificationHandler).listen(NOTIFICATION_PORT);
console.log(JSON.stringify({
  gateway: `http://localhost:${GATEWAY_PORT}`,
  notification: `http://localhost:${NOTIFICATION_PORT}`,
  restartCmd: `node ${path.relative(process.cwd(), path.join(here, 'restart-fake-gateway.mjs'))}`,
}));
