// Where the running platform is, whether it is there, and the few REST calls the end-to-end tests make.
import { randomBytes } from 'node:crypto';

export const GATEWAY_URL = trimSlash(process.env.IMS_GATEWAY_URL ?? 'http://localhost:8080');
export const NOTIFICATION_URL = trimSlash(process.env.IMS_NOTIFICATION_URL ?? 'http://localhost:8081');
export const WS_URL = `${GATEWAY_URL.replace(/^http/, 'ws')}/ws`;
export const RESTART_CMD = process.env.IMS_GATEWAY_RESTART_CMD || null;
/** A platform that is still starting gets this long to report UP before the tests give up on it. */
const STARTUP_GRACE_MS = Number(process.env.IMS_E2E_WAIT_SECONDS ?? 20) * 1000;
const REQUEST_TIMEOUT_MS = 10_000;

function trimSlash(url) {
  return url.replace(/\/+$/, '');
}

/** A name no earlier run used, so leftovers of other runs (stored messages, role members) never interfere. */
export function unique(prefix) {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

/**
 * Decides, once per test file, whether the tests can run. Answers `{ skip: reason }` only when IMS_E2E_SKIP=1 and the
 * platform is missing; `{ fail: reason }` when it is missing otherwise, which the tests turn into a loud failure (an
 * e2e suite that passes without a platform would prove nothing); `{}` when all is well.
 */
export async function platformGate() {
  const problems = await waitForPlatform();
  if (problems.length === 0) return {};
  const reason = `IMS platform not usable: ${problems.join('; ')}`;
  if (process.env.IMS_E2E_SKIP === '1') {
    console.log(`# SKIPPING end-to-end tests because IMS_E2E_SKIP=1 and ${reason}`);
    return { skip: `IMS_E2E_SKIP=1: ${reason}` };
  }
  return {
    fail:
      `${reason}. Start it (./ims dev), point IMS_GATEWAY_URL / IMS_NOTIFICATION_URL at it, ` +
      'or set IMS_E2E_SKIP=1 to skip these tests on purpose.',
  };
}

async function waitForPlatform() {
  const deadline = Date.now() + STARTUP_GRACE_MS;
  for (;;) {
    const problems = await probe();
    if (problems.length === 0 || Date.now() > deadline) return problems;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // polling a service that is starting up
  }
}

async function probe() {
  const problems = [];
  for (const [name, base] of [['push-gateway', GATEWAY_URL], ['notification-service', NOTIFICATION_URL]]) {
    const url = `${base}/actuator/health`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const body = await response.json().catch(() => ({}));
      if (!response.ok || body.status !== 'UP') problems.push(`${name} at ${url} answered ${response.status} ${body.status ?? ''}`.trim());
    } catch (error) {
      problems.push(`${name} not reachable at ${url} (${error.cause?.code ?? error.message})`);
    }
  }
  if (problems.length > 0) return problems;
  try {
    const response = await fetch(`${GATEWAY_URL}/demo/token?userId=e2e-probe`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    if (response.status === 404) problems.push(`${GATEWAY_URL}/demo/token answers 404: the gateway must run in dev mode`);
    else if (!response.ok) problems.push(`${GATEWAY_URL}/demo/token answered ${response.status}`);
  } catch (error) {
    problems.push(`${GATEWAY_URL}/demo/token failed (${error.cause?.code ?? error.message})`);
  }
  return problems;
}

/** Mints a user token and a publish token through the gateway's dev endpoint. */
export async function devTokens(userId, roles = []) {
  const query = new URLSearchParams({ userId, roles: roles.join(',') });
  const response = await fetch(`${GATEWAY_URL}/demo/token?${query}`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET /demo/token answered ${response.status}: ${await response.text()}`);
  const body = await response.json();
  for (const field of ['token', 'publishToken']) {
    if (typeof body[field] !== 'string' || body[field] === '') throw new Error(`/demo/token answer lacks ${field}: ${JSON.stringify(body)}`);
  }
  return body;
}

/** POSTs a notification to the producer API; answers the accepted id, throws with the answer otherwise. */
export async function sendNotification(publishToken, request) {
  const response = await fetch(`${NOTIFICATION_URL}/api/v1/notifications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${publishToken}` },
    body: JSON.stringify(request),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (response.status !== 202) throw new Error(`POST /api/v1/notifications answered ${response.status}: ${text}`);
  return JSON.parse(text).id;
}

/** Reads one recipient's delivery status; answers `{ httpStatus, status }`. */
