// ImsClient against a scripted WebSocket server on 127.0.0.1: real sockets, real timers (kept short), an injected
// random source where delays are asserted.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
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

/**
 * Stand-ins for the browser globals that NetworkWatch reads (addEventListener, navigator.onLine), removed after the
 * test. `offline()` / `online()` flip navigator.onLine and fire the event, as a browser does.
 */
function fakeNetwork(t) {
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
  return {
    offline() {
      navigator.onLine = false;
      target.dispatchEvent(new Event('offline'));
    },
    online() {
      navigator.onLine = true;
      target.dispatchEvent(new Event('online'));
    },
  };
}

let roundTrips = 0;
/** A ping/pong round trip: once it returns, the client has processed every frame the server sent before the ping. */
async function roundTrip(conn) {
  const timestamp = 1_000_000 + ++roundTrips;
  conn.send({ type: 'ping', timestamp });
  await conn.frame((f) => f.type === 'pong' && f.timestamp === timestamp, `pong ${timestamp}`);
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

  it('resolves a connect() called from a disconnected state handler with the new session', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 10, maxDelay: 10 } });
    const outcome = connecting(c);
    const first = await s.connection(1);
    first.hello();
    await outcome;
    let again;
    c.on('state', (state) => {
      if (state === 'disconnected' && !again) again = connecting(c);
    });
    first.close(4009, 'replaced'); // the client gives up; the application decides to start over
    const second = await s.connection(2);
    second.hello();
    const { session, error } = await again;
    assert.equal(error, undefined, 'the new connect() belongs to the new attempt, not to the one that ended');
    assert.equal(session.gatewayId, 'gw-test');
    assert.equal(c.state, 'connected');
  });

  it('close() while the token function is pending leaves no timer that keeps Node running', async () => {
    const started = Date.now();
    const child = spawn(process.execPath, [fileURLToPath(new URL('./support/close-during-token-fetch.mjs', import.meta.url))]);
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    const [exitCode] = await once(child, 'exit');
    assert.equal(exitCode, 0);
    assert.match(output, /closed/);
    assert.match(output, /rejected 1000/);
    // The script's connectTimeout is 20 s; a process start takes well under a second even on a loaded machine.
    assert.ok(Date.now() - started < 10_000, `exited after ${Date.now() - started} ms, not held by a timer`);
  });
});

describe('options', () => {
  it('accepts maxDelay alone below the default minDelay, and never waits longer than it', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { maxDelay: 300, maxAttempts: 2 }, random: () => 0.999999 });
    const retries = record(c, 'retry');
    const outcome = connecting(c);
    for (let n = 1; n <= 3; n++) (await s.connection(n)).close(1011);
    const { error } = await outcome;
    assert.ok(error instanceof ImsClientError);
    // minDelay defaults to min(1000, 300) = 300; the widest draw of min(300, 300 * 2^n) is 299.
    assert.deepEqual(retries.map((r) => r.delay), [299, 299]);
  });

  it('accepts minDelay alone above the default maxDelay', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 60_000 }, random: () => 0.5 });
    const retries = record(c, 'retry');
    void connecting(c);
    (await s.connection(1)).close(1011);
    await waitFor(() => retries.length === 1, { message: 'a retry scheduled' });
    // maxDelay defaults to max(30000, 60000) = 60000: 0.5 * 60000.
    assert.equal(retries[0].delay, 30_000);
  });

  it('still refuses bounds that contradict each other, and a negative stableAfter', () => {
    const base = { url: 'ws://127.0.0.1:1/ws', token: 't', WebSocket };
    assert.throws(() => new ImsClient({ ...base, reconnect: { minDelay: 5000, maxDelay: 1000 } }), RangeError);
    assert.throws(() => new ImsClient({ ...base, reconnect: { stableAfter: -1 } }), RangeError);
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

  it('holds a delivery that no handler can take, unacked, and hands it over once a handler is registered', async () => {
    const { c, conn } = await connected();
    conn.deliver('early-1');
    conn.deliver(undefined, { fireAndForget: true }); // no id: nothing to lose by an ack, not held
    await roundTrip(conn);
    await quietPeriod(100); // absence: past the 20 ms ack batch window, no ack may have gone out
    assert.equal(conn.acks().length, 0, 'not acked while no handler took it');
    const seen = record(c, 'notification');
    await waitFor(() => conn.ackedIds().includes('early-1'), { message: 'ack after the hand-over' });
    assert.deepEqual(seen.map((f) => f.id), ['early-1']);
  });

  it('hands the replay that arrives with connected to a handler registered after await connect()', async () => {
    const s = await server();
    const c = client(s.url);
    const outcome = connecting(c);
    const conn = await s.connection(1);
    conn.sendInOneWrite(conn.helloFrame(), { type: 'notification', id: 'replayed-1' }); // read and emitted in one tick
    await outcome;
    const seen = record(c, 'notification');
    await waitFor(() => conn.ackedIds().includes('replayed-1'), { message: 'ack of the replayed delivery' });
    assert.deepEqual(seen.map((f) => f.id), ['replayed-1']);
  });

  it('hands held deliveries over in arrival order to handlers registered together', async () => {
    const { c, conn } = await connected();
    conn.deliver('n1', {}, 'notification');
    conn.deliver('o1', {}, 'order_update');
    conn.deliver('s1', {}, 'state'); // named like a local event: only '*' can take it
    conn.deliver('n2', {}, 'notification');
    await roundTrip(conn);
    const handled = [];
    c.on('state', () => {}); // a state handler is no handler of a delivery
    c.on('order_update', (f) => handled.push(f.id));
    c.on('notification', (f) => handled.push(f.id));
    await waitFor(() => conn.ackedIds().length === 3, { message: 'three acks' });
    assert.deepEqual(handled, ['n1', 'o1', 'n2'], 'arrival order across types, not registration order');
    assert.ok(!conn.ackedIds().includes('s1'), 'still held');
    const all = record(c, '*');
    await waitFor(() => conn.ackedIds().includes('s1'), { message: 'ack of s1 after a * handler came' });
    assert.deepEqual(all.map((f) => f.id), ['s1']);
  });

  it('keeps arrival order when a delivery of a held type arrives before the hand-over ran', async () => {
    const { c, conn } = await connected();
    conn.deliver('n1', {}, 'notification');
    await roundTrip(conn); // n1 is held: no handler of notification yet
    const notifications = [];
    c.on('order_update', () => {
      c.on('notification', (f) => notifications.push(f.id)); // hand-over queued for after this tick...
    });
    conn.sendInOneWrite({ type: 'order_update', id: 'o1' }, { type: 'notification', id: 'n2' }); // ...n2 comes first
    await waitFor(() => notifications.length === 2, { message: 'both notifications' });
    assert.deepEqual(notifications, ['n1', 'n2']);
  });

  it('lets the oldest held delivery go past 1,000, so that its redelivery gets through', async () => {
    const reported = [];
    const { c, conn } = await connected({ logError: (_error, context) => reported.push(context) });
    for (let i = 0; i <= 1000; i++) conn.deliver(`h${i}`);
    await roundTrip(conn);
    assert.equal(reported.length, 1, 'the drop is reported');
    const seen = record(c, '*');
    await waitFor(() => seen.length === 1000, { message: '1000 held deliveries handed over' });
    assert.equal(seen[0].id, 'h1', 'h0 was let go');
    conn.deliver('h1'); // still remembered: a duplicate
    conn.deliver('h0'); // forgotten: a new delivery
    await waitFor(() => seen.length === 1001, { message: 'the redelivery of h0' });
    assert.equal(seen[1000].id, 'h0');
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

  it('backs off from the second retry when a draining gateway closes with 1012 before connected, until maxAttempts', async () => {
    const s = await server();
    const c = client(s.url, {
      reconnect: { minDelay: 40, maxDelay: 1000, promptJitter: 20, maxAttempts: 3 },
      random: () => 0.5,
    });
    const retries = record(c, 'retry');
    const outcome = connecting(c);
    for (let n = 1; n <= 4; n++) (await s.connection(n)).close(1012, 'draining');
    const { error } = await outcome;
    assert.match(error.message, /gave up after 3/);
    // Prompt: floor 40 + 0.5 * 20 = 50. Then the backoff at steps 1 and 2: 0.5 * 40 * 2^step = 40, 80.
    assert.deepEqual(retries.map((r) => [r.attempt, r.kind, r.delay]), [
      [1, 'prompt', 50],
      [2, 'backoff', 40],
      [3, 'backoff', 80],
    ]);
  });

  it('reconnects promptly after the first 4010 of a connect-then-close loop, then backs off', async () => {
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 40, maxDelay: 1000, promptJitter: 20 }, random: () => 0.5 });
    const retries = record(c, 'retry');
    void connecting(c);
    for (let n = 1; n <= 3; n++) {
      const conn = await s.connection(n);
      conn.hello();
      conn.close(4010, 'too slow'); // right behind `connected`: a session of a few ms
    }
    await s.connection(4);
    // Every session connected, so each retry is attempt 1; the short sessions in a row add the steps.
    assert.deepEqual(retries.map((r) => [r.attempt, r.kind, r.delay]), [
      [1, 'prompt', 50],
      [1, 'backoff', 40],
      [1, 'backoff', 80],
    ]);
  });

  it('starts over with a prompt reconnect after a session that lasted stableAfter', async () => {
    const s = await server();
    const c = client(s.url, {
      reconnect: { minDelay: 40, maxDelay: 1000, promptJitter: 20, stableAfter: 200 },
      random: () => 0.5,
    });
    const retries = record(c, 'retry');
    void connecting(c);
    for (let n = 1; n <= 2; n++) {
      const conn = await s.connection(n);
      conn.hello();
      conn.close(4010, 'too slow');
    }
    const third = await s.connection(3);
    third.hello();
    await waitFor(() => c.state === 'connected', { message: 'third session' });
    await delay(250); // the condition is time itself: this session must last past stableAfter (200 ms)
    third.close(4010, 'too slow');
    await s.connection(4);
    assert.deepEqual(retries.map((r) => r.kind), ['prompt', 'backoff', 'prompt']);
  });

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

  it('fetches the token again when the network comes back, instead of one fetched before it went away', async (t) => {
    const network = fakeNetwork(t);
    const s = await server();
    let n = 0;
    const c = client(s.url, { token: () => `t${++n}`, reconnect: { minDelay: 60_000, maxDelay: 60_000 }, random: () => 0 });
    const outcome = connecting(c);
    const first = await s.connection(1);
    network.offline();
    first.close(4001);
    await waitFor(() => n === 2, { message: 'a new token asked for after 4001' });
    network.online();
    const second = await s.connection(2, 2000);
    assert.equal(second.token, 't3', 't2 waited out the offline period; the attempt asks for a current one');
    second.hello();
    await outcome;
  });

  it('drops the fetched token when the network goes away while the retry waits', async (t) => {
    const network = fakeNetwork(t);
    const s = await server();
    let n = 0;
    const draws = [0.5]; // a long prompt delay first (floor + 0.5 * 60 s), so the offline event finds the timer waiting
    const c = client(s.url, {
      token: () => `t${++n}`,
      reconnect: { minDelay: 60_000, maxDelay: 60_000, promptJitter: 60_000 },
      random: () => draws.shift() ?? 0,
    });
    const retries = record(c, 'retry');
    const outcome = connecting(c);
    (await s.connection(1)).close(4001);
    await waitFor(() => retries.length === 1, { message: 'retry with the new token scheduled' });
    assert.equal(n, 2);
    network.offline();
    network.online();
    const second = await s.connection(2, 2000);
    assert.equal(second.token, 't3');
    second.hello();
    await outcome;
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
    const network = fakeNetwork(t);
    const s = await server();
    const c = client(s.url, { reconnect: { minDelay: 60_000, maxDelay: 60_000 }, random: () => 0 });
    const retries = record(c, 'retry');
    const outcome = connecting(c);
    const first = await s.connection(1);
    first.hello();
    await outcome;
    network.offline();
    first.close(1011, 'network gone');
    await waitFor(() => c.state === 'reconnecting', { message: 'reconnecting' });
    assert.equal(retries.length, 0, 'no attempt scheduled while offline');
    network.online();
    const second = await s.connection(2, 2000);
    assert.deepEqual(retries.map((r) => r.kind), ['prompt']);
    second.hello();
    await waitFor(() => c.state === 'connected', { message: 'connected again' });
  });
});
