// ImsClient against a scripted WebSocket server on 127.0.0.1: real sockets, real timers (kept short), an injected
// random source where delays are asserted.
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import WebSocket from 'ws';
import { ImsClient, ImsClientError } from '../dist/index.js';
import { startRefusingServer, startScriptedServer } from './support/scripted-server.mjs';
import { quietPeriod, record, waitFor } from './support/wait.mjs';

const cleanups = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()();
});

async function server() {
  const s = await startScriptedServer();
  cleanups.push(() => s.stop());
  return s;
}

function client(url, options = {}) {
  const c = new ImsClient({ url, token: 'tok', WebSocket, logError: () => {}, ...options });
  cleanups.push(() => c.close());
  return c;
}

/** Starts connect() and keeps its eventual rejection from going unhandled; the test inspects it when it cares. */
function connecting(c) {
  const outcome = c.connect().then(
    (session) => ({ session }),
    (error) => ({ error }),
  );
  return outcome;
}

describe('connecting', () => {
  it('resolves connect() on the connected frame and reports states on change only', async () => {
    const s = await server();
    const c = client(`${s.url}?tenant=acme`, { token: () => Promise.resolve('jwt/with+odd=chars') });
    const states = record(c, 'state');
    const outcome = connecting(c);
    const conn = await s.connection(1);
    assert.equal(conn.token, 'jwt/with+odd=chars');
    assert.equal(conn.url.searchParams.get('tenant'), 'acme');
    assert.equal(c.state, 'connecting');
    conn.hello();
    const { session } = await outcome;
    assert.equal(session.gatewayId, 'gw-test');
    assert.equal(c.state, 'connected');
    assert.deepEqual(states, ['connecting', 'connected']);
    assert.equal(await c.connect(), c.session, 'connect() while connected resolves at once');
  });

  it('answers a ping with a pong carrying the ping timestamp', async () => {
    const s = await server();
    const c = client(s.url);
    const outcome = connecting(c);
    const conn = await s.connection(1);
    conn.hello();
    await outcome;
    conn.send({ type: 'ping', timestamp: 1764441600123 });
    const pong = await conn.frame((f) => f.type === 'pong', 'pong');
    assert.deepEqual(pong, { type: 'pong', timestamp: 1764441600123, payload: {} });
  });

  it('hands error frames to error handlers', async () => {
    const s = await server();
    const c = client(s.url);
    const errors = record(c, 'error');
    const outcome = connecting(c);
    const conn = await s.connection(1);
    conn.hello();
    await outcome;
    conn.send({ type: 'error', payload: { code: 'RATE_LIMITED', message: 'slow down' } });
    await waitFor(() => errors.length === 1, { message: 'error frame' });
    assert.equal(errors[0].payload.code, 'RATE_LIMITED');
  });

  it('close() flushes pending acks, closes with 1000 and never reconnects', async () => {
    const s = await server();
    const c = client(s.url, { autoAck: false, reconnect: { minDelay: 10, maxDelay: 10 } });
    const outcome = connecting(c);
    const conn = await s.connection(1);
    conn.hello();
    await outcome;
    c.on('*', (frame) => {
      c.ack(frame.id); // waits in the batch window...
      c.close(); // ...and close() must not lose it
    });
    conn.deliver('last-words');
    const closed = await conn.closed;
    assert.equal(closed.code, 1000);
    assert.deepEqual(conn.ackedIds(), ['last-words']);
    assert.equal(c.state, 'disconnected');
    await quietPeriod(150); // absence: no reconnect may follow
    assert.equal(s.connections.length, 1);
  });
});

describe('deliveries', () => {
  async function connected(options) {
    const s = await server();
    const c = client(s.url, options);
    const outcome = connecting(c);
    const conn = await s.connection(1);
    conn.hello();
    await outcome;
    return { s, c, conn };
  }

  it('reaches the handlers of its type and the * handlers, once each', async () => {
    const { c, conn } = await connected();
    const byType = record(c, 'order_update');
    const all = record(c, '*');
    const other = record(c, 'notification');
    conn.deliver('o1', { orderId: 7 }, 'order_update');
    conn.deliver(undefined, { fireAndForget: true }, 'notification');
    await waitFor(() => all.length === 2, { message: 'two deliveries on *' });
    assert.deepEqual(byType.map((f) => f.payload), [{ orderId: 7 }]);
    assert.deepEqual(other.map((f) => f.payload), [{ fireAndForget: true }]);
  });

  it('acks a burst of deliveries in one batched frame, after the handlers ran', async () => {
    const { c, conn } = await connected();
    const handled = [];
    c.on('notification', (f) => handled.push(f.id));
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5']) conn.deliver(id);
    await waitFor(() => conn.ackedIds().length === 5, { message: 'five acks' });
    assert.equal(conn.acks().length, 1, 'one ack frame');
    assert.deepEqual(conn.acks()[0].payload.ids, ['a1', 'a2', 'a3', 'a4', 'a5']);
    assert.equal(typeof conn.acks()[0].timestamp, 'number');
    assert.deepEqual(handled, ['a1', 'a2', 'a3', 'a4', 'a5']);
  });

  it('acks a lone delivery with a top-level id, and only once an async handler settled', async () => {
    const { c, conn } = await connected();
    let finish;
    c.on('notification', () => new Promise((resolve) => (finish = resolve)));
    conn.deliver('slow-1');
    await waitFor(() => finish !== undefined, { message: 'handler started' });
    conn.send({ type: 'ping', timestamp: 1 }); // a round trip proves the ack was not sent before the handler finished
    await conn.frame((f) => f.type === 'pong', 'pong');
    assert.equal(conn.acks().length, 0);
    finish();
    const ack = await conn.frame((f) => f.type === 'ack', 'ack');
    assert.equal(ack.id, 'slow-1');
    assert.deepEqual(ack.payload, {});
  });

  it('never hands a redelivered id to handlers twice, but acks it again', async () => {
    const { c, conn } = await connected();
    const seen = record(c, '*');
    conn.deliver('dup-1');
    await waitFor(() => conn.ackedIds().length === 1, { message: 'first ack' });
    conn.deliver('dup-1', { text: 'again' });
    await waitFor(() => conn.ackedIds().length === 2, { message: 'second ack of the same id' });
    assert.deepEqual(conn.ackedIds(), ['dup-1', 'dup-1']);
    assert.equal(seen.length, 1);
  });

  it('drops a redelivery that arrives on the next connection too', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 10, maxDelay: 20 } });
    const seen = record(c, '*');
    const outcome = connecting(c);
    const first = await s.connection(1);
    first.hello();
    await outcome;
    first.deliver('across-1');
    await waitFor(() => first.ackedIds().length === 1, { message: 'ack on the first connection' });
    first.close(1011, 'crash');
    const second = await s.connection(2);
    second.hello();
    second.deliver('across-1');
    await waitFor(() => second.ackedIds().includes('across-1'), { message: 're-ack on the second connection' });
    assert.equal(seen.length, 1);
  });

  it('with autoAck false acks only what the application acks', async () => {
    const { c, conn } = await connected({ autoAck: false });
    const seen = record(c, '*');
    conn.deliver('manual-1');
    conn.deliver('manual-1'); // redelivered before the application acked: dropped, not acked on its behalf
    await waitFor(() => seen.length === 1, { message: 'delivery' });
    conn.send({ type: 'ping', timestamp: 2 });
    await conn.frame((f) => f.type === 'pong', 'pong');
    assert.equal(conn.acks().length, 0);
    c.ack('manual-1');
    const ack = await conn.frame((f) => f.type === 'ack', 'manual ack');
    assert.equal(ack.id, 'manual-1');
  });

  it('keeps delivering to other handlers when one throws', async () => {
    const { c, conn } = await connected();
    c.on('notification', () => {
      throw new Error('boom');
    });
    const seen = record(c, 'notification');
    conn.deliver('t1');
    await waitFor(() => conn.ackedIds().includes('t1'), { message: 'ack despite the throwing handler' });
    assert.equal(seen.length, 1);
  });
});

describe('reconnecting', () => {
  it('backs off exponentially with full jitter, capped at maxDelay', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 40, maxDelay: 200, maxAttempts: 5 }, random: () => 0.5 });
    const retries = record(c, 'retry');
    const outcome = connecting(c);
    for (let n = 1; n <= 6; n++) (await s.connection(n)).close(1011, 'not today');
    const { error } = await outcome;
    assert.ok(error instanceof ImsClientError);
    // 0.5 * min(200, 40 * 2^n) = 20, 40, 80, 100, 100; the first is raised to the floor min(100 ms, minDelay) = 40.
    assert.deepEqual(retries.map((r) => r.delay), [40, 40, 80, 100, 100]);
    assert.deepEqual(retries.map((r) => r.attempt), [1, 2, 3, 4, 5]);
    assert.ok(retries.every((r) => r.kind === 'backoff' && r.code === 1011));
  });

  it('starts the backoff over after a successful connect', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 40, maxDelay: 1000 }, random: () => 0.5 });
    const retries = record(c, 'retry');
    const outcome = connecting(c);
    (await s.connection(1)).close(1011);
    (await s.connection(2)).close(1011);
    const third = await s.connection(3);
    third.hello();
    await outcome;
    third.close(1011);
    await s.connection(4);
    assert.deepEqual(retries.map((r) => [r.attempt, r.delay]), [[1, 40], [2, 40], [1, 40]]);
  });

  it('keeps exactly one attempt pending when a refused handshake fires both error and close', async () => {
    const refusing = await startRefusingServer();
    cleanups.push(() => refusing.stop());
    const c = client(refusing.url, { reconnect: { minDelay: 30, maxDelay: 60, maxAttempts: 4 } });
    const retries = record(c, 'retry');
    const states = record(c, 'state');
    const { error } = await connecting(c);
    assert.equal(error.name, 'ImsClientError');
    assert.equal(refusing.attempts.length, 5, 'the first try and 4 retries');
    assert.deepEqual(retries.map((r) => r.attempt), [1, 2, 3, 4]);
    assert.deepEqual(states, ['connecting', 'reconnecting', 'disconnected']);
    await quietPeriod(300); // absence: nothing may still be scheduled
    assert.equal(refusing.attempts.length, 5);
  });

  it('counts a token function that never settles as a failed attempt', async () => {
    const s = await server();
    let calls = 0;
    const c = client(s.url, {
      token: () => (++calls === 1 ? new Promise(() => {}) : 'second-try'),
      connectTimeout: 100,
      reconnect: { minDelay: 10, maxDelay: 10 },
    });
    const outcome = connecting(c);
    const conn = await s.connection(1, 2000);
    assert.equal(conn.token, 'second-try');
    conn.hello();
    await outcome;
  });

  it('goes disconnected after maxAttempts and rejects connect()', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 10, maxDelay: 20, maxAttempts: 2 } });
    const outcome = connecting(c);
    for (let n = 1; n <= 3; n++) (await s.connection(n)).close(4008, 'rate limited');
    const { error } = await outcome;
    assert.equal(c.state, 'disconnected');
    assert.match(error.message, /gave up after 2/);
  });

  for (const code of [1012, 4010]) {
    it(`reconnects promptly, not after the backoff, on close ${code}`, async () => {
      const s = await server();
      const c = client(s.url, { reconnect: { minDelay: 60_000, maxDelay: 60_000 }, random: () => 0.5 });
      const retries = record(c, 'retry');
      const outcome = connecting(c);
      const first = await s.connection(1);
      first.hello();
      await outcome;
      const closedAt = Date.now();
      first.close(code, 'going away');
      // The backoff would be 60 s; the prompt path draws 600 ms (asserted below). Generous bound for a loaded machine.
      const second = await s.connection(2, 10_000);
      assert.ok(Date.now() - closedAt < 10_000, 'long before the 60 s backoff');
      assert.deepEqual(retries, [{ attempt: 1, delay: 600, code, kind: 'prompt' }]);
      second.hello();
      await waitFor(() => c.state === 'connected', { message: 'connected again' });
    });
  }

  it('backs off normally after 4008 rate limited', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 50, maxDelay: 50 }, random: () => 0 });
    const retries = record(c, 'retry');
    const outcome = connecting(c);
    const first = await s.connection(1);
    first.hello();
    await outcome;
    first.close(4008);
    await s.connection(2);
    assert.deepEqual(retries.map((r) => r.kind), ['backoff']);
  });

  it('does not reconnect after 4009 (replaced or disconnected by an operator)', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 10, maxDelay: 10 } });
    const outcome = connecting(c);
    const first = await s.connection(1);
    first.hello();
    await outcome;
    first.close(4009, 'replaced');
    await waitFor(() => c.state === 'disconnected', { message: 'disconnected' });
    assert.deepEqual(c.lastClose, { code: 4009, reason: 'replaced' });
    await quietPeriod(150);
    assert.equal(s.connections.length, 1);
  });

  it('refreshes the token and reconnects promptly after 4003', async () => {
    const s = await server();
    let n = 0;
    const c = client(s.url, { token: () => `token-${++n}`, reconnect: { minDelay: 60_000, maxDelay: 60_000 } });
    const outcome = connecting(c);
    const first = await s.connection(1);
    first.hello();
    await outcome;
    first.close(4003, 'token expired');
    const second = await s.connection(2, 2000);
    assert.deepEqual([first.token, second.token], ['token-1', 'token-2']);
  });
});

describe('unauthorized (4001)', () => {
  it('stops at once with a fixed token', async () => {
    const s = await server();
    const c = client(s.url, { token: 'fixed', reconnect: { minDelay: 10, maxDelay: 10 } });
    const outcome = connecting(c);
    (await s.connection(1)).close(4001, 'bad token');
    const { error } = await outcome;
    assert.equal(error.code, 4001);
    assert.equal(c.state, 'disconnected');
    await quietPeriod(150);
    assert.equal(s.connections.length, 1);
  });

  it('stops when the token function yields the same token again', async () => {
    const s = await server();
    let calls = 0;
    const c = client(s.url, { token: async () => (calls++, 'same'), reconnect: { minDelay: 10, maxDelay: 10 } });
    const outcome = connecting(c);
    (await s.connection(1)).close(4001);
    const { error } = await outcome;
    assert.equal(error.code, 4001);
    assert.equal(calls, 2, 'once to connect, once to look for a new token');
    await quietPeriod(150);
    assert.equal(s.connections.length, 1);
  });

  it('retries once with a new token, and succeeds with it', async () => {
    const s = await server();
    let n = 0;
    const c = client(s.url, { token: () => `t${++n}`, reconnect: { minDelay: 60_000, maxDelay: 60_000 } });
    const outcome = connecting(c);
    (await s.connection(1)).close(4001);
    const second = await s.connection(2, 2000);
    assert.equal(second.token, 't2', 'the new token is used, not a third one');
    second.hello();
    const { session } = await outcome;
    assert.equal(session.userId, 'alice');
  });

  it('retries only once when every new token is refused too', async () => {
    const s = await server();
    let n = 0;
    const c = client(s.url, { token: () => `t${++n}`, reconnect: { minDelay: 10, maxDelay: 10 } });
    const outcome = connecting(c);
    (await s.connection(1)).close(4001);
    (await s.connection(2)).close(4001);
    const { error } = await outcome;
    assert.equal(error.code, 4001);
    await quietPeriod(150);
    assert.equal(s.connections.length, 2);
  });
});

describe('heartbeat', () => {
  it('stays up while pings come and reconnects when they stop', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 10, maxDelay: 10 } });
    const retries = record(c, 'retry');
    const outcome = connecting(c);
    const first = await s.connection(1);
    // A 600 ms deadline leaves room for a loaded CI machine's event-loop stalls while pings come every 100 ms.
    first.hello({ interval: 300, timeout: 300 });
    await outcome;
    // Ten pings 100 ms apart span 900 ms, past the 600 ms deadline: each ping must re-arm it.
    let lastPingAt = 0;
    for (let i = 0; i < 10; i++) {
      if (i > 0) await delay(100); // the server's ping period: pacing the script, not an assertion
      lastPingAt = Date.now();
      first.send({ type: 'ping', timestamp: i });
      await first.frame((f) => f.type === 'pong' && f.timestamp === i, `pong ${i}`);
    }
    assert.equal(s.connections.length, 1, 'no reconnect while pings come');
    // The server goes silent without closing: only the client's deadline can notice.
    const second = await s.connection(2, 5000);
    assert.ok(Date.now() - lastPingAt >= 600, 'not before interval + timeout');
    assert.deepEqual(retries.map((r) => r.code), [4000]);
    second.hello();
    await waitFor(() => c.state === 'connected', { message: 'connected again' });
  });
});

describe('network events', () => {
  it('waits for online instead of burning attempts while offline, then reconnects promptly', async (t) => {
    // Stand-ins for the browser globals that NetworkWatch reads.
    const target = new EventTarget();
    globalThis.addEventListener = target.addEventListener.bind(target);
    globalThis.removeEventListener = target.removeEventListener.bind(target);
    const hadNavigator = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    const navigator = { onLine: true };
    Object.defineProperty(globalThis, 'navigator', { value: navigator, configurable: true, writable: true });
    t.after(() => {
      delete globalThis.addEventListener;
      delete globalThis.removeEventListener;
      if (hadNavigator) Object.defineProperty(globalThis, 'navigator', hadNavigator);
      else delete globalThis.navigator;
    });

    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 60_000, maxDelay: 60_000 }, random: () => 0 });
    const retries = record(c, 'retry');
    const outcome = connecting(c);
    const first = await s.connection(1);
    first.hello();
    await outcome;
    navigator.onLine = false;
    target.dispatchEvent(new Event('offline'));
    first.close(1011, 'network gone');
    await waitFor(() => c.state === 'reconnecting', { message: 'reconnecting' });
    assert.equal(retries.length, 0, 'no attempt scheduled while offline');
    navigator.onLine = true;
    target.dispatchEvent(new Event('online'));
    const second = await s.connection(2, 2000);
    assert.deepEqual(retries.map((r) => r.kind), ['prompt']);
    second.hello();
    await waitFor(() => c.state === 'connected', { message: 'connected again' });
  });
});
