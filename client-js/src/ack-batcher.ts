/**
 * Collects acknowledgements and sends them as few frames as possible.
 *
 * One ack frame per delivery would spend the connection's frame budget (IMS_RATE_LIMIT, 20 frames/s by default, after
 * which the gateway closes with 4008) on a busy stream. So ids wait up to FLUSH_DELAY_MS for company, go out at once
 * when a frame is full, and frames are spaced at least MIN_FRAME_SPACING_MS apart: at most 10 ack frames a second,
 * half the default budget, leaves room for pongs and anything the application sends.
 */
export class AckBatcher {
  /** Long enough to gather a burst of deliveries, short enough that the server sees the ack at once. */
  static readonly FLUSH_DELAY_MS = 20;
  /** ~3 KB of ULIDs: far below IMS_MAX_FRAME_BYTES (64 KB). */
  static readonly MAX_IDS_PER_FRAME = 100;
  /** See the class comment; with MAX_IDS_PER_FRAME this still acks 1,000 deliveries a second. */
  static readonly MIN_FRAME_SPACING_MS = 100;
  /** Acks kept while disconnected; past this the oldest are dropped (the server redelivers, the client re-acks). */
  static readonly MAX_PENDING = 10_000;

  // A Set keeps insertion order and folds a repeated ack of the same id into one.
  private readonly pending = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private lastFrameAt = -Infinity;

  /**
   * @param transmit sends one frame with these ids; answers false when there is no open connection, in which case the
   *                 ids stay pending until {@link resume} is called.
   */
  constructor(
    private readonly transmit: (ids: string[]) => boolean,
    private readonly now: () => number = Date.now,
  ) {}

  add(id: string): void {
    this.pending.delete(id);
    this.pending.add(id);
    if (this.pending.size > AckBatcher.MAX_PENDING) {
      this.pending.delete(this.pending.values().next().value as string);
    }
    this.schedule();
  }

  /** A connection is open again: send what waited. */
  resume(): void {
    this.schedule();
  }

  /** The connection is gone: stop the timer, keep the ids for the next connection. */
  pause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Sends everything now regardless of spacing; used right before a deliberate close. */
  drain(): void {
    this.pause();
    while (this.pending.size > 0 && this.sendOneFrame()) {
      // keep going until empty or the connection refuses
    }
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  private schedule(): void {
    if (this.timer !== null || this.pending.size === 0) return;
    const gather = this.pending.size >= AckBatcher.MAX_IDS_PER_FRAME ? 0 : AckBatcher.FLUSH_DELAY_MS;
    const spacing = this.lastFrameAt + AckBatcher.MIN_FRAME_SPACING_MS - this.now();
    this.timer = setTimeout(() => this.flush(), Math.max(gather, spacing, 0));
  }

  private flush(): void {
    this.timer = null;
    if (this.sendOneFrame()) this.schedule();
  }

  private sendOneFrame(): boolean {
    const ids: string[] = [];
    for (const id of this.pending) {
      ids.push(id);
      if (ids.length === AckBatcher.MAX_IDS_PER_FRAME) break;
    }
    if (ids.length === 0 || !this.transmit(ids)) return false;
    for (const id of ids) this.pending.delete(id);
    this.lastFrameAt = this.now();
    return true;
  }
}
