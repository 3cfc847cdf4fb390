// Awaiting conditions instead of sleeping: tests state what they wait for and fail with that statement on timeout.

/** Resolves once `condition()` is truthy; polls every few ms; rejects after `timeout` ms naming what was awaited. */
export async function waitFor(condition, { timeout = 3000, message = 'condition' } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Records every value an ImsClient emits for `event`. */
export function record(client, event) {
  const values = [];
  client.on(event, (value) => values.push(value));
  return values;
}

/**
 * Lets the event loop run for `ms` so that something that must NOT happen would have had the chance to. Only for
 * asserting absence (no further attempt after giving up); never used to wait for something to happen.
 */
export function quietPeriod(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
