// A WebSocket server on 127.0.0.1 whose every move is scripted by the test: it accepts connections, records the frames
// the client sends, and sends or closes only when told to. Real sockets, no fakes of the network.
import { once } from 'node:events';
import net from 'node:net';
import { WebSocketServer } from 'ws';
import { waitFor } from './wait.mjs';

export async function startScriptedServer() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const connections = [];
  wss.on('connection', (ws, request) => connections.push(new ScriptedConnection(ws, request)));
  const { port } = wss.address();
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    connections,
    /** Resolves with the n-th (1-based) connection once it has arrived. */
    async connection(n, timeout = 3000) {
      await waitFor(() => connections.length >= n, { timeout, message: `connection #${n} (have ${connections.length})` });
      return connections[n - 1];
    },
    async stop() {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

export class ScriptedConnection {
  constructor(ws, request) {
    this.ws = ws;
    this.url = new URL(request.url, 'http://placeholder');
    this.token = this.url.searchParams.get('token');
    /** Frames received from the client, parsed, in order. */
    this.frames = [];
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    ws.on('message', (data) => this.frames.push(JSON.parse(String(data))));
  }

  send(frame) {
    this.ws.send(JSON.stringify({ timestamp: Date.now(), payload: {}, ...frame }));
  }

  /**
   * Sends the frames in ONE socket write, so that the client reads them in one go and `ws` emits them back to back in
   * the same tick, as it does with a replay that follows `connected` (the case that `send` cannot produce reliably).
   */
  sendInOneWrite(...frames) {
    const encoded = frames.map((frame) => unmaskedTextFrame(JSON.stringify({ timestamp: Date.now(), payload: {}, ...frame })));
    this.ws._socket.write(Buffer.concat(encoded));
  }

  helloFrame(heartbeat = { interval: 30_000, timeout: 10_000 }) {
    return {
      type: 'connected',
      payload: { clientId: 'c1', userId: 'alice', tenant: 'default', gatewayId: 'gw-test', heartbeat },
    };
  }

  hello(heartbeat) {
    this.send(this.helloFrame(heartbeat));
  }

  deliver(id, payload = { text: 'hi' }, type = 'notification') {
    this.send(id === undefined ? { type, payload } : { type, id, payload });
  }

  close(code, reason = '') {
    this.ws.close(code, reason);
  }

  /** Resolves with the first received frame matching `predicate`, waiting for it if needed. */
  async frame(predicate, message = 'frame', timeout = 3000) {
    await waitFor(() => this.frames.some(predicate), { timeout, message });
    return this.frames.find(predicate);
  }

  acks() {
    return this.frames.filter((f) => f.type === 'ack');
  }

  ackedIds() {
    return this.acks().flatMap((f) => (f.payload?.ids ? f.payload.ids : [f.id]));
  }
}

/** A final, unmasked (server-to-client) text frame, RFC 6455 section 5.2; payloads up to 64 KB. */
function unmaskedTextFrame(text) {
  const payload = Buffer.from(text);
  if (payload.length >= 65_536) throw new RangeError('frame too large for this helper');
  const header = payload.length < 126 ? Buffer.from([0x81, payload.length]) : Buffer.from([0x81, 126, payload.length >> 8, payload.length & 0xff]);
  return Buffer.concat([header, payload]);
}

/**
 * A plain TCP server that answers every upgrade with an HTTP error (as a gateway refusing a handshake does), so the
 * client sees both `error` and `close` for each attempt. Counts the attempts.
 */
export async function startRefusingServer(status = '503 Service Unavailable') {
  const attempts = [];
  const server = net.createServer((socket) => {
    attempts.push(Date.now());
    socket.once('data', () => socket.end(`HTTP/1.1 ${status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`));
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `ws://127.0.0.1:${server.address().port}/ws`,
    attempts,
    stop: () => new Promise((resolve) => server.close(resolve)),
  };
}
