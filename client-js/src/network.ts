/**
 * Watches the browser's online/offline events. Where there are none (Node) the network is assumed to be up.
 *
 * While the browser reports offline, attempts would fail at once and burn the attempt budget; when it comes back, a
 * client sitting out a long backoff should not wait for the rest of it.
 */
export class NetworkWatch {
  private readonly target: {
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
  };

  constructor(
    private readonly onOnline: () => void,
    private readonly onOffline: () => void,
  ) {
    this.target = globalThis as typeof this.target;
  }

  get online(): boolean {
    const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
    // Node 21+ has a navigator without onLine; only an explicit false means offline.
    return nav?.onLine !== false;
  }

  start(): void {
    this.target.addEventListener?.('online', this.onOnline);
    this.target.addEventListener?.('offline', this.onOffline);
  }

  stop(): void {
    this.target.removeEventListener?.('online', this.onOnline);
    this.target.removeEventListener?.('offline', this.onOffline);
  }
}
