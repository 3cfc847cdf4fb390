/**
 * A bounded memory of recently delivered message ids, least recently seen evicted first, with whether each was acked.
 *
 * The server redelivers a message whose ack it did not see (after a reconnect, for example); remembering ids lets the
 * client drop the copy before it reaches handlers. Remembering whether the ack was already given tells the client
 * whether to ack the copy again (the first ack was lost) or to leave it to the ack still on its way (handlers running,
 * or the application acking by hand). The bound keeps a long-lived page from growing without limit; 10,000 ids (a few
 * hundred KB) outlast any realistic redelivery window.
 */
export class RecentIds {
  // A Map iterates in insertion order, so its first key is the least recently seen id. Value: acked yet.
  private readonly ids = new Map<string, boolean>();

  constructor(private readonly capacity: number) {
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1 (got ${capacity})`);
  }

  /** Records a delivery of `id`; answers true when it was already known (a redelivery). */
  seen(id: string): boolean {
    const acked = this.ids.get(id);
    this.ids.delete(id);
    this.ids.set(id, acked ?? false); // (re)insert at the newest end
    if (this.ids.size > this.capacity) {
      this.ids.delete(this.ids.keys().next().value as string);
    }
    return acked !== undefined;
  }

  /** Notes that `id` was acked; ids never delivered are ignored, so acking early cannot hide a later delivery. */
  markAcked(id: string): void {
    if (this.ids.has(id)) this.ids.set(id, true);
  }

  /**
   * Forgets `id`, so that its next delivery counts as new. For a delivery the client let go of without handing it to
   * a handler or acking it: the server will redeliver it, and that copy must not be dropped as a duplicate.
   */
  forget(id: string): void {
    this.ids.delete(id);
  }

  wasAcked(id: string): boolean {
    return this.ids.get(id) === true;
  }

  get size(): number {
    return this.ids.size;
  }
}
