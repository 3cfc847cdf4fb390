import type { ImsFrame } from './types.js';

/**
 * Deliveries that arrived while no handler could take them, kept unacked in arrival order until one can.
 *
 * In Node's `ws` (and in a browser, for frames read in one go) the frames of one TCP read are dispatched back to back,
 * so the replay the gateway sends right after `connected` can arrive before `await client.connect()` has returned and
 * the application has registered its handlers. Acking those deliveries would lose them (the server never redelivers an
 * acked message); holding them hands them over as soon as a handler is registered.
 *
 * The bound keeps a client that never registers a handler for some type from growing without limit. 1,000 frames of a
 * few KB each is a few MB at worst, and more than a replay burst; past it the oldest is let go unacked, and the server
 * redelivers it on a later connection.
 */
export class HeldDeliveries {
  static readonly CAPACITY = 1_000;

  private frames: ImsFrame[] = [];

  constructor(private readonly capacity: number = HeldDeliveries.CAPACITY) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1 (got ${capacity})`);
  }

  /** Holds `frame`; answers the oldest frame it had to let go of to stay within the bound, if any. */
  hold(frame: ImsFrame): ImsFrame | undefined {
    this.frames.push(frame);
    return this.frames.length > this.capacity ? this.frames.shift() : undefined;
  }

  /** Removes and answers, in arrival order, the held frames that `canHandle` accepts now; the others stay held. */
  takeHandleable(canHandle: (frame: ImsFrame) => boolean): ImsFrame[] {
    const taken: ImsFrame[] = [];
    const kept: ImsFrame[] = [];
    for (const frame of this.frames) (canHandle(frame) ? taken : kept).push(frame);
    this.frames = kept;
    return taken;
  }

  get size(): number {
    return this.frames.length;
  }
}
