// The SDK in Node (with the ws package) against the running platform: connect, receive what the REST API sent, ack.
// Needs the platform (./ims dev); see support/platform.mjs for the URLs and the IMS_E2E_SKIP switch.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ImsClient } from '../dist/index.js';
import { waitFor } from '../test/support/wait.mjs';
import { devTokens, NOTIFICATION_URL, platformGate, sendNotification, unique, WS_URL } from './support/platform.mjs';

const DELIVERY_TIMEOUT_MS = 30_000;

const gate = await platformGate();
if (gate.fail) {
  // One plain failing test, so that the summary says "fail 1" rather than a row of cancelled tests.
  it('needs the running platform', () => assert.fail(gate.fail));
}

describe('SDK in Node against the platform', { skip: gate.skip ?? (gate.fail ? 'platform missing, see the failure above' : false) }, () => {
  const user = unique('e2e-node');
  let client;
  let publishToken;
  let userToken;
  const states = [];
  const received = [];

  after(() => client?.close());

  it('connects and reports the session', { timeout: 40_000 }, async () => {
    let tokenCalls = 0;
    client = new ImsClient({
      url: WS_URL,
      // A function, as a real app would use: called before every connect.
      token: async () => {
        tokenCalls++;
        const tokens = await devTokens(user, ['e2e']);
        publishToken = tokens.publishToken;
        userToken = tokens.token;
        return tokens.token;
      },
      WebSocket,
      reconnect: { minDelay: 200, maxDelay: 2000, maxAttempts: 10 },
    });
    client.on('state', (state) => states.push(state));
    client.on('*', (frame) => received.push(frame));
    const session = await client.connect();
    assert.equal(session.userId, user);
    assert.equal(session.tenant ?? 'default', 'default');
    assert.ok(session.gatewayId, 'connected names its gateway');
    assert.ok(session.heartbeat?.interval > 0 && session.heartbeat?.timeout > 0, 'connected carries the heartbeat');
    assert.equal(tokenCalls, 1);
    assert.deepEqual(states, ['connecting', 'connected']);
  });

  it('receives a notification sent through the REST API, once, and acks it', { timeout: 60_000 }, async () => {
    const text = unique('hello node');
    const id = await sendNotification(publishToken, { targetType: 'user', target: user, type: 'notification', payload: { text } });
    const frame = await waitFor(() => received.find((f) => f.payload?.text === text), {
      timeout: DELIVERY_TIMEOUT_MS,
      message: `notification ${id} on the socket`,
    });
    assert.equal(frame.type, 'notification');
    assert.deepEqual(frame.payload, { text });
    assert.ok(frame.id, 'a persistent notification carries an id to ack');
    assert.equal(typeof frame.timestamp, 'number');

    // The ack is batched and sent by the SDK on its own; the user's own inbox shows that it arrived.
    let last;
    await waitFor(
      async () => {
        const response = await fetch(`${NOTIFICATION_URL}/api/v1/inbox?limit=20`, {
          headers: { Authorization: `Bearer ${userToken}` },
        });
        assert.equal(response.status, 200, 'the inbox answers the user');
        last = (await response.json()).items?.find((item) => item.id === frame.id);
        return last?.status === 'ACKED';
      },
      { timeout: 15_000, message: `inbox status ACKED of ${frame.id} for ${user} (last: ${JSON.stringify(last)})` },
    );
    assert.equal(received.filter((f) => f.payload?.text === text).length, 1, 'delivered to handlers once');
    assert.equal(client.state, 'connected');
  });

  it('closes cleanly', async () => {
    client.close();
    assert.equal(client.state, 'disconnected');
    assert.equal(states.at(-1), 'disconnected');
  });
});
