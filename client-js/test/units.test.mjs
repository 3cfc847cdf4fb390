// The SDK's small parts on their own: delay arithmetic, the id memory, the close policy and the handshake URL.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AckBatcher } from '../dist/ack-batcher.js';
import { Backoff } from '../dist/backoff.js';
import { actionFor } from '../dist/close-policy.js';
import { Emitter } from '../dist/emitter.js';
import { HeldDeliveries } from '../dist/held-deliveries.js';
import { RecentIds } from '../dist/recent-ids.js';
import { handshakeUrl } from '../dist/url.js';
import { waitFor } from './support/wait.mjs';

describe('Backoff', () => {
  it('doubles the jitter window per attempt up to maxDelay (full jitter)', () => {
    const backoff = new Backoff(1000, 30_000, 1000, () => 0.999999);
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 20, 2000].map((attempt) => backoff.delay(attempt));
    assert.deepEqual(ceilings, [999, 1999, 3999, 7999, 15_999, 29_999, 29_999, 29_999, 29_999]);
  });

  it('draws uniformly inside the window', () => {
    const backoff = new Backoff(1000, 30_000, 1000, () => 0.5);
    assert.deepEqual([0, 1, 2, 3].map((a) => backoff.delay(a)), [500, 1000, 2000, 4000]);
  });

  it('never goes below the floor, even when the draw is 0', () => {
    const backoff = new Backoff(1000, 30_000, 1000, () => 0);
    assert.equal(backoff.delay(0), Backoff.FLOOR_MS);
    assert.equal(backoff.delay(7), Backoff.FLOOR_MS);
  });

  it('lowers the floor to minDelay when minDelay is smaller', () => {
    assert.equal(new Backoff(20, 100, 10, () => 0).delay(0), 20);
  });

  it('keeps a prompt reconnect within floor + promptJitter', () => {
    assert.equal(new Backoff(1000, 30_000, 1000, () => 0).promptDelay(), 100);
    assert.equal(new Backoff(1000, 30_000, 1000, () => 0.999999).promptDelay(), 1099);
  });

  it('refuses nonsensical delays', () => {
    assert.throws(() => new Backoff(5000, 1000, 0, Math.random), RangeError);
  });
});

describe('RecentIds', () => {
  it('reports a second sighting as a redelivery', () => {
    const ids = new RecentIds(10);
    assert.equal(ids.seen('a'), false);
    assert.equal(ids.seen('a'), true);
  });

  it('evicts the least recently seen id beyond capacity', () => {
    const ids = new RecentIds(2);
    ids.seen('a');
    ids.seen('b');
    ids.seen('a'); // refreshes a; b is now the oldest
    ids.seen('c');
    assert.equal(ids.size, 2);
    assert.equal(ids.seen('a'), true);
    assert.equal(ids.seen('b'), false);
  });

  it('treats a forgotten id as new', () => {
    const ids = new RecentIds(10);
    ids.seen('a');
    ids.forget('a');
    assert.equal(ids.seen('a'), false);
  });

  it('remembers acks only of ids it has seen', () => {
    const ids = new RecentIds(10);
    ids.markAcked('never-delivered');
    assert.equal(ids.seen('never-delivered'), false);
    ids.markAcked('never-delivered');
    assert.equal(ids.wasAcked('never-delivered'), true);
  });
});

describe('HeldDeliveries', () => {
  const frame = (id, type = 'notification') => ({ type, id, timestamp: 0, payload: {} });

  it('lets the oldest go past its capacity, and only then', () => {
    const held = new HeldDeliveries(2);
    assert.equal(held.hold(frame('a')), undefined);
    assert.equal(held.hold(frame('b')), undefined);
    assert.equal(held.hold(frame('c')).id, 'a');
    assert.equal(held.size, 2);
  });

  it('hands over what can be handled in arrival order and keeps the rest', () => {
    const held = new HeldDeliveries(10);
    for (const [id, type] of [['1', 'x'], ['2', 'y'], ['3', 'x']]) held.hold(frame(id, type));
    assert.deepEqual(held.takeHandleable((f) => f.type === 'x').map((f) => f.id), ['1', '3']);
    assert.deepEqual(held.takeHandleable(() => true).map((f) => f.id), ['2']);
    assert.equal(held.size, 0);
  });

  it('holds 1,000 by default', () => {
    assert.equal(HeldDeliveries.CAPACITY, 1000);
  });
});

describe('Emitter', () => {
  it('knows whether a name has handlers, also after the last one left', () => {
    const emitter = new Emitter();
    const off = emitter.on('x', () => {});
    assert.equal(emitter.has('x'), true);
    off();
    assert.equal(emitter.has('x'), false);
  });
});

describe('AckBatcher', () => {
  it('sends a burst as one frame', async () => {
    const frames = [];
    const batcher = new AckBatcher((ids) => frames.push(ids) > 0);
    for (const id of ['a', 'b', 'c', 'b']) batcher.add(id);
    await waitFor(() => frames.length === 1, { message: 'one ack frame' });
    assert.deepEqual(frames[0], ['a', 'c', 'b']);
  });

  it('splits at MAX_IDS_PER_FRAME and spaces frames apart', async () => {
    const frames = [];
    const batcher = new AckBatcher((ids) => frames.push({ ids, at: Date.now() }) > 0);
    for (let i = 0; i < 250; i++) batcher.add(`id-${i}`);
    await waitFor(() => frames.length === 3, { message: 'three ack frames' });
    assert.deepEqual(frames.map((f) => f.ids.length), [100, 100, 50]);
    const gaps = frames.slice(1).map((f, i) => f.at - frames[i].at);
    for (const gap of gaps) assert.ok(gap >= AckBatcher.MIN_FRAME_SPACING_MS - 2, `frames ${gap} ms apart`);
  });

  it('keeps acks while there is no connection and sends them on resume', async () => {
    let open = false;
    const frames = [];
    const batcher = new AckBatcher((ids) => open && frames.push(ids) > 0);
    batcher.add('x');
    await waitFor(() => batcher.pendingCount === 1, { message: 'ack kept' });
    open = true;
    batcher.resume();
    await waitFor(() => frames.length === 1, { message: 'ack sent after resume' });
    assert.deepEqual(frames[0], ['x']);
  });
});

describe('close policy', () => {
  const cases = {
    1000: 'backoff', 1006: 'backoff', 1009: 'backoff', 1012: 'prompt', 4001: 'reauthorize', 4002: 'backoff',
    4003: 'prompt', 4008: 'backoff', 4009: 'stop', 4010: 'prompt', 4999: 'backoff',
  };
  for (const [code, action] of Object.entries(cases)) {
    it(`close ${code} -> ${action}`, () => assert.equal(actionFor(Number(code)), action));
  }
});

describe('handshake URL', () => {
  it('appends the token URL-encoded and keeps existing parameters', () => {
    const url = new URL(handshakeUrl('ws://gw.example:8080/ws?tenant=acme', 'a b+c/d=&e'));
    assert.equal(url.searchParams.get('tenant'), 'acme');
    assert.equal(url.searchParams.get('token'), 'a b+c/d=&e');
    assert.match(url.search, /token=a\+b%2Bc%2Fd%3D%26e/);
  });

  it('replaces a token already in the URL instead of adding a second one', () => {
    const url = new URL(handshakeUrl('wss://gw.example/ws?token=old', 'new'));
    assert.deepEqual(url.searchParams.getAll('token'), ['new']);
  });

  it('turns http(s) into ws(s)', () => {
    assert.match(handshakeUrl('https://gw.example/ws', 't'), /^wss:\/\//);
  });
});
