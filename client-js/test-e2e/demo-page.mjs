// The demo page in a real browser against the running platform: connect, receive what the REST API sent, survive a
// gateway restart. Needs the platform (./ims dev); see platform.mjs for the URLs and the IMS_E2E_SKIP switch.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, recordConsole } from './support/browser.mjs';
import { devTokens, GATEWAY_URL, platformGate, RESTART_CMD, sendNotification, unique } from './support/platform.mjs';

const RESULTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../test-results');
/** A notification crosses REST, Kafka and the gateway; seconds on a loaded 2-core machine. */
const DELIVERY_TIMEOUT_MS = 30_000;
/** A JVM service restart on this machine: stop, start, Kafka consumer rejoin. */
const RESTART_TIMEOUT_MS = Number(process.env.IMS_E2E_RESTART_TIMEOUT_SECONDS ?? 240) * 1000;

const gate = await platformGate();
if (gate.fail) {
  // One plain failing test, so that the summary says "fail 1" rather than a row of cancelled tests.
  it('needs the running platform', () => assert.fail(gate.fail));
}

describe('demo page in Chromium', { skip: gate.skip ?? (gate.fail ? 'platform missing, see the failure above' : false) }, () => {
  let browser;
  let page;
  let consoleLines;
  const user = unique('e2e-user');
  const role = unique('e2e-role');

  before(async () => {
    await mkdir(RESULTS_DIR, { recursive: true });
    browser = await launchBrowser();
    page = await browser.context.newPage();
    consoleLines = recordConsole(page);
  });

  after(async () => {
    await browser?.close();
  });

  /** Fails with the page's console attached: the first thing anyone debugging this will want. */
  async function expect(what, promise) {
    try {
      return await promise;
    } catch (error) {
      await page?.screenshot({ path: path.join(RESULTS_DIR, 'failure.png'), fullPage: true }).catch(() => {});
      const state = await page?.getByTestId('connection-state').textContent().catch(() => '?');
      throw new Error(
        `${what}: ${error.message}\n  page state: ${state}\n  page console:\n    ${consoleLines.slice(-30).join('\n    ') || '(empty)'}`,
      );
    }
  }

  function waitForState(state, timeout) {
    return page.waitForFunction(
      (wanted) => document.querySelector('[data-testid="connection-state"]')?.dataset.state === wanted,
      state,
      { timeout },
    );
  }

  function notification(text) {
    return page.locator('[data-testid="notification-item"]', { hasText: text });
  }

  it('connects with a dev token', { timeout: 60_000 }, async () => {
    await expect('opening /demo', page.goto(`${GATEWAY_URL}/demo`, { waitUntil: 'load' }));
    await page.getByTestId('user-id').fill(user);
    await page.getByTestId('roles').fill(`${role},e2e`);
    await page.getByTestId('connect-button').click();
    await expect('waiting for the page to connect', waitForState('connected', 30_000));
    assert.equal(await page.getByTestId('session-info').locator('[data-field="userId"]').textContent(), user);
  });

  it('shows a notification sent with its own send form', { timeout: 60_000 }, async () => {
    const text = unique('hello from the send form');
    await page.getByTestId('send-target-type').selectOption('user');
    await page.getByTestId('send-target').fill(user);
    await page.getByTestId('send-text').fill(text);
    await page.getByTestId('send-button').click();
    await expect(
      'waiting for notification-service to accept the POST (CORS must allow the gateway origin in dev mode)',
      page.waitForFunction(() => ['ok', 'error'].includes(document.querySelector('[data-testid="send-result"]')?.dataset.status), null, {
        timeout: 15_000,
      }),
    );
    const result = page.getByTestId('send-result');
    assert.equal(await result.getAttribute('data-status'), 'ok', await result.textContent());
    const item = notification(text);
    await expect('waiting for the notification to show', item.waitFor({ timeout: DELIVERY_TIMEOUT_MS }));
    assert.equal(await item.getAttribute('data-type'), 'notification');
    assert.ok(await item.getAttribute('data-id'), 'a persistent notification carries an id');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo.png'), fullPage: true });
  });

  it('shows a notification that a producer sent to one of its roles through the REST API', { timeout: 60_000 }, async () => {
    const { publishToken } = await devTokens(unique('e2e-producer'));
    const text = unique('hello to the role');
    const id = await sendNotification(publishToken, { targetType: 'role', target: role, type: 'notification', payload: { text } });
    assert.ok(id, 'the producer API answers the id');
    await expect(`waiting for role notification ${id}`, notification(text).waitFor({ timeout: DELIVERY_TIMEOUT_MS }));
    await page.screenshot({ path: path.join(RESULTS_DIR, 'demo.png'), fullPage: true });
  });

  it('offers to paste a token when the gateway mints none, and connects with a pasted one', { timeout: 60_000 }, async () => {
    // Outside dev mode /demo/token does not exist; the browser is made to see that while the platform stays as it is.
    const other = await browser.context.newPage();
    try {
      await other.route('**/demo/token*', (route) => route.fulfill({ status: 404, body: 'not found' }));
      await other.goto(`${GATEWAY_URL}/demo`, { waitUntil: 'load' });
      await expect('waiting for the paste mode', other.getByTestId('token-input').waitFor({ state: 'visible', timeout: 10_000 }));
      assert.ok(await other.getByTestId('mode-paste').isChecked());
      const pastedUser = unique('e2e-pasted');
      const { token } = await devTokens(pastedUser);
      await other.getByTestId('token-input').fill(token);
      await other.getByTestId('connect-button').click();
      await expect(
        'waiting for the pasted-token page to connect',
        other.waitForFunction(() => document.querySelector('[data-testid="connection-state"]')?.dataset.state === 'connected', null, {
          timeout: 30_000,
        }),
      );
      assert.equal(await other.getByTestId('session-info').locator('[data-field="userId"]').textContent(), pastedUser);
    } finally {
      await other.close();
    }
  });

  it(
    'reconnects after a gateway restart and shows what was sent while it was down',
    { skip: RESTART_CMD ? false : 'IMS_GATEWAY_RESTART_CMD is not set', timeout: RESTART_TIMEOUT_MS + 120_000 },
    async () => {
      const { publishToken } = await devTokens(unique('e2e-producer'));
      const mark = await page.evaluate(() => window.imsDemo.stateHistory.length);
      const restart = runCommand(RESTART_CMD);

      // The page notices the gateway going away (1012, or the socket dropping) before we send anything.
      await expect(
        'waiting for the page to notice the gateway restart',
        Promise.race([
          page.waitForFunction((from) => window.imsDemo.stateHistory.slice(from).some((s) => s !== 'connected'), mark, {
            timeout: RESTART_TIMEOUT_MS,
          }),
          restart.failed,
        ]),
      );
      const text = unique('sent during the restart');
      const id = await sendNotification(publishToken, { targetType: 'user', target: user, type: 'notification', payload: { text } });

      const outcome = await restart.done;
      assert.equal(outcome.code, 0, `restart command failed (${outcome.code}):\n${outcome.output}`);
      await expect('waiting for the page to reconnect', waitForState('connected', RESTART_TIMEOUT_MS));
      await expect(`waiting for notification ${id} after the restart`, notification(text).waitFor({ timeout: DELIVERY_TIMEOUT_MS * 2 }));
      const history = await page.evaluate((from) => window.imsDemo.stateHistory.slice(from), mark);
      assert.ok(history.includes('reconnecting'), `went through reconnecting: ${history.join(' -> ')}`);
      await page.screenshot({ path: path.join(RESULTS_DIR, 'demo-after-restart.png'), fullPage: true });
    },
  );
});

/**
 * Starts the harness's restart command in a shell. `done` resolves with its exit code and output; `failed` rejects as
 * soon as it exits non-zero, so a broken command fails the test at once instead of after a long wait.
 */
function runCommand(command) {
  const child = spawn(command, { shell: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const done = new Promise((resolve) => {
    child.on('error', (error) => resolve({ code: -1, output: `${output}\n${error.message}` }));
    child.on('exit', (code, signal) => resolve({ code: code ?? `signal ${signal}`, output }));
  });
  const failed = done.then((outcome) => {
    if (outcome.code !== 0) throw new Error(`restart command exited ${outcome.code}:\n${outcome.output}`);
    return new Promise(() => {}); // success: never settles, the race is decided by the page
  });
  failed.catch(() => {}); // observed through the race; never an unhandled rejection
  return { done, failed };
}
