/**
 * Delays between reconnect attempts: exponential backoff with full jitter, plus a prompt variant.
 *
 * Full jitter (delay = random(0, min(cap, base * 2^attempt))) spreads a crowd of clients that lost the same gateway
 * evenly over the window instead of letting them return in synchronised waves (see "Exponential Backoff And Jitter",
 * AWS Architecture Blog, 2015).
 */
export class Backoff {
  /**
   * Full jitter can draw 0 ms. A floor keeps even the luckiest draw from reconnecting in the same instant as the
   * close: a load balancer needs a moment to take a draining gateway out of rotation, and a client whose server refuses
   * it on open cannot spin faster than 1000 / floor attempts per second. 100 ms is invisible to a person; the floor
   * never exceeds `minDelay`, so a caller asking for faster retries gets them.
   */
  static readonly FLOOR_MS = 100;

  private readonly floor: number;

  constructor(
    private readonly minDelay: number,
    private readonly maxDelay: number,
    private readonly promptJitter: number,
    private readonly random: () => number,
  ) {
    if (!(minDelay >= 0) || !(maxDelay >= minDelay)) {
      throw new RangeError(`reconnect delays must satisfy 0 <= minDelay <= maxDelay (got ${minDelay}, ${maxDelay})`);
    }
    this.floor = Math.min(Backoff.FLOOR_MS, minDelay);
  }

  /** Delay before attempt number `attempt` (0-based) since the last successful connect. */
  delay(attempt: number): number {
    // 2^attempt overflows to Infinity past ~1023; Math.min keeps the cap finite either way.
    const ceiling = Math.min(this.maxDelay, this.minDelay * Math.pow(2, attempt));
    return Math.max(this.floor, Math.floor(this.random() * ceiling));
  }

  /**
   * Delay of a reconnect that should happen now rather than after the backoff: the server asked us to go elsewhere
   * (1012), to catch up (4010), or to bring a fresh token (4003), or the network came back. The small jitter still
   * spreads the crowd of a draining gateway over `promptJitter` ms.
   */
  promptDelay(): number {
    const spread = Math.min(this.promptJitter, this.maxDelay);
    return this.floor + Math.floor(this.random() * spread);
  }
}
