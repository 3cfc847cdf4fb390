import { AckBatcher } from './ack-batcher.js';
import { Backoff } from './backoff.js';
import { actionFor, CloseCode } from './close-policy.js';
import { Emitter } from './emitter.js';
import { HeldDeliveries } from './held-deliveries.js';
import { NetworkWatch } from './network.js';
import { RecentIds } from './recent-ids.js';
import type {
  ConnectedPayload,
  ConnectionState,
  ErrorPayload,
  ImsClientOptions,
  ImsFrame,
  RetryInfo,
  TokenSource,
  WebSocketConstructor,
  WebSocketLike,
} from './types.js';
import { handshakeUrl, resolve } from './url.js';

const DEFAULT_MIN_DELAY_MS = 1_000;
const DEFAULT_MAX_DELAY_MS = 30_000;
const DEFAULT_PROMPT_JITTER_MS = 1_000;
/**
 * A session that lasted this long counts as stable and starts the reconnect policy over. A gateway that accepts and
 * then drops a client at once does so within a second or two (a drain, an outbound queue overflowing on the replay);
 * 10 s is well past that yet short against the heartbeat (30 s + 10 s), so a healthy session always qualifies.
 */
const DEFAULT_STABLE_AFTER_MS = 10_000;
const DEFAULT_DEDUPE_CAPACITY = 10_000;
/** A gateway that accepted the upgrade answers `connected` at once; 15 s covers a slow token check on a busy node. */
const DEFAULT_CONNECT_TIMEOUT_MS = 15_000;
/** The contract's defaults (IMS_HEARTBEAT_INTERVAL, IMS_HEARTBEAT_TIMEOUT), used if `connected` lacks them. */
const DEFAULT_HEARTBEAT = { interval: 30_000, timeout: 10_000 };
/**
 * Browsers and `ws` follow an `error` event with `close`. Should an implementation not, the socket would hang as the
 * current one forever; after this grace the client treats it as closed itself.
 */
const ERROR_CLOSE_GRACE_MS = 1_000;
/** WebSocket.OPEN; the constant is not on every implementation's prototype. */
const OPEN = 1;
/** Local events, not frame types: a delivery whose type is one of these reaches only `'*'` handlers. */
const LOCAL_EVENTS = new Set(['state', 'retry']);

/** Why the client stopped for good; the rejection of `connect()` and {@link ImsClient.lastClose}. */
export class ImsClientError extends Error {
  constructor(
    message: string,
    /** Close code that ended it, or 1000 for `close()`. */
    readonly code: number,
  ) {
    super(message);
    this.name = 'ImsClientError';
  }
}

type Waiter = { resolve: (session: ConnectedPayload) => void; reject: (error: ImsClientError) => void };

/**
 * A connection to the IMS push gateway that stays up: it reconnects with backoff, answers heartbeats, acknowledges
 * deliveries in batches and hands each message to the handlers once.
 *
 * Invariant: at most one attempt is pending at any time: a retry timer, a token being fetched, or a socket. Every
 * path that schedules an attempt checks {@link busy} first, and every socket event is ignored unless it comes from
 * the current socket, so an `error` followed by `close` (or a late event of an abandoned socket) cannot schedule twice.
 */
export class ImsClient {
  private readonly url: string;
  private readonly tokenSource: TokenSource;
  private readonly WebSocketImpl: WebSocketConstructor;
  private readonly autoAck: boolean;
  private readonly maxAttempts: number;
  /** Sessions shorter than this (ms) are short sessions, which add backoff steps when they come in a row. */
  private readonly stableAfter: number;
  private readonly connectTimeout: number;
  private readonly backoff: Backoff;
  /** Ids of recent deliveries, to drop redeliveries before they reach handlers. */
  private readonly recent: RecentIds;
  private readonly acks: AckBatcher;
  /** Deliveries with an id that no handler could take yet, kept unacked until one is registered. */
  private readonly held = new HeldDeliveries();
  /** A release of {@link held} is queued as a microtask, so that several synchronous `on()` calls share one. */
  private releaseQueued = false;
  private readonly events = new Emitter();
  private readonly network: NetworkWatch;
  private readonly logError: (error: unknown, context: string) => void;

  private currentState: ConnectionState = 'disconnected';
  /** True from `connect()` until `close()` or giving up; false means no attempt may be scheduled. */
  private active = false;
  /** The socket of the current attempt or connection; null between them. Events from any other socket are stale. */
  private socket: WebSocketLike | null = null;
  /** Whether the current socket received its `connected` frame. */
  private established = false;
  /** Bumped by every attempt and by `close()`, so that a token promise which settles late is recognised and ignored. */
  private epoch = 0;
  /** A token function is being awaited on behalf of the next attempt: that counts as the pending attempt. */
  private tokenPending = false;
  /**
   * Deadline of the token being fetched. Kept so that `close()` can clear it: a pending timer keeps Node's event loop
   * (and so the process) alive for up to `connectTimeout` after the application closed the client.
   */
  private tokenDeadline: ReturnType<typeof setTimeout> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Token already fetched for the scheduled retry (after 4001 the new token is the one to use, not a third one). */
  private retryToken: string | null = null;
  /** Deadline for the `connected` frame, then for the next `ping`. */
  private livenessTimer: ReturnType<typeof setTimeout> | null = null;
  private errorGraceTimer: ReturnType<typeof setTimeout> | null = null;
  /** Reconnect attempts started since the last successful connect; drives the backoff and `maxAttempts`. */
  private attempts = 0;
  /**
   * Consecutive sessions that got `connected` but ended before `stableAfter`. A connect resets {@link attempts}, so
   * without this count a gateway that accepts and drops the client at once would get a prompt reconnect forever.
   */
  private shortSessions = 0;
  /** `performance.now()` at the current session's `connected` frame (monotonic: a clock change cannot fake a length). */
  private sessionStartedAt = 0;
  /** The one retry that a 4001 earns with a new token was used; reset by a successful connect. */
  private authRetried = false;
  /** A retry is due but the browser is offline: it starts on the `online` event instead of a timer. */
  private waitingForNetwork = false;
  /** Close code behind the retry being waited for, reported in `retry` events. */
  private lossCode: number = CloseCode.ABNORMAL;
  /** The token used by the latest attempt; a 4001 retry needs a different one. */
  private lastToken: string | null = null;
  private heartbeat = DEFAULT_HEARTBEAT;
  private currentSession: ConnectedPayload | null = null;
  private lastCloseInfo: { code: number; reason: string } | null = null;
  private waiters: Waiter[] = [];

  constructor(options: ImsClientOptions) {
    resolve(options.url); // fail now on a URL that can never work, not on every attempt
    this.url = options.url;
    if (typeof options.token !== 'string' && typeof options.token !== 'function') {
      throw new TypeError('token must be a string or a function');
    }
    this.tokenSource = options.token;
    const impl = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
    if (!impl) throw new TypeError('no WebSocket implementation: pass one as the WebSocket option (in Node: the ws package)');
    this.WebSocketImpl = impl;
    this.autoAck = options.autoAck ?? true;
    const reconnect = options.reconnect ?? {};
    this.maxAttempts = reconnect.maxAttempts ?? Infinity;
    this.stableAfter = reconnect.stableAfter ?? DEFAULT_STABLE_AFTER_MS;
    if (!(this.stableAfter >= 0)) throw new RangeError(`reconnect.stableAfter must be >= 0 (got ${this.stableAfter})`);
    this.connectTimeout = options.connectTimeout ?? DEFAULT_CONNECT_TIMEOUT_MS;
    // A bound given alone moves the other's default out of its way: `{ maxDelay: 500 }` means "never wait more than
    // 500 ms", not "throw because the default minDelay is 1000". Two bounds given and contradicting still throw.
    const minDelay = reconnect.minDelay ?? Math.min(DEFAULT_MIN_DELAY_MS, reconnect.maxDelay ?? DEFAULT_MAX_DELAY_MS);
    const maxDelay = reconnect.maxDelay ?? Math.max(DEFAULT_MAX_DELAY_MS, minDelay);
    this.backoff = new Backoff(
      minDelay,
      maxDelay,
      reconnect.promptJitter ?? DEFAULT_PROMPT_JITTER_MS,
      options.random ?? Math.random,
    );
    this.recent = new RecentIds(options.dedupeCapacity ?? DEFAULT_DEDUPE_CAPACITY);
    this.acks = new AckBatcher((ids) => this.transmitAck(ids));
    this.logError = options.logError ?? ((error, context) => console.error(`[ims-client] ${context}:`, error));
    this.network = new NetworkWatch(
      () => this.onOnline(),
      () => this.onOffline(),
    );
  }

  /** Current connection state. */
  get state(): ConnectionState {
    return this.currentState;
  }

  /** Payload of the latest `connected` frame (clientId, userId, gatewayId, ...), or null before the first. */
  get session(): ConnectedPayload | null {
    return this.currentSession;
  }

  /** Code and reason of the latest closed connection, or null. */
  get lastClose(): { code: number; reason: string } | null {
    return this.lastCloseInfo;
  }

  on(type: 'state', handler: (state: ConnectionState) => void): () => void;
  on(type: 'retry', handler: (info: RetryInfo) => void): () => void;
  on(type: 'error', handler: (frame: ImsFrame<ErrorPayload>) => void): () => void;
  on(type: 'connected', handler: (frame: ImsFrame<ConnectedPayload>) => void): () => void;
  on<P = Record<string, unknown>>(type: string, handler: (frame: ImsFrame<P>) => unknown): () => void;
  /**
   * Registers a handler. `type` is a frame type (`'*'`: every delivery once), `'state'`, `'retry'`, `'error'` or
   * `'connected'`. A handler may return a Promise; with autoAck the ack waits for it. Answers an unsubscribe function.
   *
   * A delivery with an `id` that arrives while no handler of its type and no `'*'` handler is registered is held,
   * unacked (up to 1,000, the oldest let go first, unacked, for the server to redeliver), and handed over in arrival
   * order once such a handler is registered, then acked as usual. The hand-over runs in a microtask after this call, so
   * handlers registered together in one synchronous block all see it. This is what makes
   * `await client.connect(); client.on('x', h)` safe: the replay that arrives with `connected` is not lost. A type
   * nobody ever handles is therefore never acked. Deliveries without `id` are not held.
   */
  on(type: string, handler: (arg: any) => unknown): () => void {
    const unsubscribe = this.events.on(type, handler);
    if (this.held.size > 0 && !this.releaseQueued) {
      this.releaseQueued = true;
      queueMicrotask(() => {
        this.releaseQueued = false;
        this.releaseHeld();
      });
    }
    return unsubscribe;
  }

  off(type: string, handler: (arg: any) => unknown): void {
    this.events.off(type, handler);
  }

  /**
   * Opens the connection (and keeps it open until {@link close}). Resolves with the `connected` payload once the
   * gateway accepted the session, possibly after retries; rejects if the client gives up first (4001, 4009,
   * maxAttempts, or `close()`).
   */
  connect(): Promise<ConnectedPayload> {
    if (this.currentState === 'connected' && this.currentSession) return Promise.resolve(this.currentSession);
    const result = new Promise<ConnectedPayload>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.active) {
      this.active = true;
      this.attempts = 0;
      this.shortSessions = 0;
      this.authRetried = false;
      this.network.start();
      this.setState('connecting');
      void this.openSocket(null);
    }
    return result;
  }

  /** Acknowledges a delivery (needed only with `autoAck: false`); sent batched with others. */
  ack(id: string): void {
    this.recent.markAcked(id);
    this.acks.add(id);
  }

  /** Closes the connection for good: pending acks are flushed, no reconnect follows, state becomes `disconnected`. */
  close(): void {
    if (!this.active) return;
    this.acks.drain();
    this.shutDown(new ImsClientError('closed by the client', CloseCode.NORMAL));
  }

  // ---- attempts -------------------------------------------------------------------------------------------------

  private busy(): boolean {
    return this.retryTimer !== null || this.tokenPending || this.socket !== null || this.waitingForNetwork;
  }

  private async openSocket(prefetchedToken: string | null): Promise<void> {
    const epoch = ++this.epoch;
    let token: string;
    try {
      this.tokenPending = true;
      token = prefetchedToken ?? (await this.fetchToken());
    } catch (error) {
      if (epoch !== this.epoch) return;
      this.tokenPending = false;
      this.logError(error, 'token function failed');
      this.afterLoss(CloseCode.ABNORMAL, 'token function failed');
      return;
    }
    if (epoch !== this.epoch) return; // closed while the token was being fetched
    this.tokenPending = false;
    this.lastToken = token;

    let ws: WebSocketLike;
    try {
      ws = new this.WebSocketImpl(handshakeUrl(this.url, token));
    } catch (error) {
      this.logError(error, 'WebSocket constructor failed');
      this.afterLoss(CloseCode.ABNORMAL, 'WebSocket constructor failed');
      return;
    }
    this.socket = ws;
    this.established = false;
    ws.onopen = null;
    ws.onmessage = (event) => {
      if (this.socket === ws) this.onMessage(event.data);
    };
    ws.onclose = (event) => this.onSocketGone(ws, event.code, event.reason);
    ws.onerror = () => {
      if (this.socket !== ws || this.errorGraceTimer !== null) return;
      this.errorGraceTimer = setTimeout(() => this.onSocketGone(ws, CloseCode.ABNORMAL, 'error'), ERROR_CLOSE_GRACE_MS);
    };
    this.armLiveness(this.connectTimeout, CloseCode.CONNECT_TIMEOUT, 'no connected frame in time');
  }

  /**
   * Calls the token source. A token function that never settles would freeze the client in `connecting` forever, so
   * it gets the same deadline as the handshake and counts as a failed attempt after it.
   */
  private async fetchToken(): Promise<string> {
    const source = this.tokenSource;
    const token = await new Promise<unknown>((resolve, reject) => {
      // At most one fetch is pending (the class invariant), so one field holds its deadline; shutDown clears it.
      const deadline = setTimeout(() => {
        if (this.tokenDeadline === deadline) this.tokenDeadline = null;
        reject(new Error('the token function did not settle in time'));
      }, this.connectTimeout);
      this.tokenDeadline = deadline;
      const settle = () => {
        clearTimeout(deadline);
        if (this.tokenDeadline === deadline) this.tokenDeadline = null;
      };
      Promise.resolve()
        .then(() => (typeof source === 'function' ? source() : source))
        .then(
          (value) => {
            settle();
            resolve(value);
          },
          (error) => {
            settle();
            reject(error);
          },
        );
    });
    if (typeof token !== 'string' || token === '') throw new TypeError('the token function must yield a non-empty string');
    return token;
  }

  /** The current socket is gone (closed by either side, failed, or abandoned by a liveness deadline). */
  private onSocketGone(ws: WebSocketLike, code: number, reason: string): void {
    if (ws !== this.socket) return; // stale: already handled, e.g. `close` after the `error` grace ran out
    if (this.established) {
      const lasted = performance.now() - this.sessionStartedAt;
      this.shortSessions = lasted >= this.stableAfter ? 0 : this.shortSessions + 1;
    }
    this.dropSocket(ws);
    this.lastCloseInfo = { code, reason: reason ?? '' };
    this.afterLoss(code, reason);
  }

  /** Decides what follows a lost connection or a failed attempt, by close code (see close-policy.ts). */
  private afterLoss(code: number, reason: string): void {
    if (!this.active) return;
    switch (actionFor(code)) {
      case 'stop':
        this.shutDown(new ImsClientError(`gateway closed the session for good (${code} ${reason})`, code));
        return;
      case 'reauthorize':
        this.reauthorize();
        return;
      case 'prompt':
        this.scheduleRetry(code, 'prompt', null);
        return;
      case 'backoff':
        this.scheduleRetry(code, 'backoff', null);
        return;
    }
  }

  /**
   * 4001: a fixed token will be refused again, so stop. A token function gets one chance per successful connect to
   * yield a different token (it may have been refreshed meanwhile); the same token again means stop too.
   */
  private reauthorize(): void {
    if (typeof this.tokenSource !== 'function' || this.authRetried) {
      this.shutDown(new ImsClientError('token refused by the gateway (4001)', CloseCode.UNAUTHORIZED));
      return;
    }
    this.authRetried = true;
    const rejected = this.lastToken;
    const epoch = ++this.epoch;
    this.tokenPending = true;
    this.setState('reconnecting');
    this.fetchToken().then(
      (fresh) => {
        if (epoch !== this.epoch) return;
        this.tokenPending = false;
        if (fresh === rejected) {
          this.shutDown(new ImsClientError('token refused (4001) and the token function yields the same one', 4001));
        } else {
          this.scheduleRetry(CloseCode.UNAUTHORIZED, 'prompt', fresh);
        }
      },
      (error) => {
        if (epoch !== this.epoch) return;
        this.tokenPending = false;
        this.logError(error, 'token function failed');
        this.scheduleRetry(CloseCode.UNAUTHORIZED, 'backoff', null);
      },
    );
  }

  /**
   * Schedules the next attempt. `wanted` is what the cause asks for; the delay used depends on the history too:
   * a prompt reconnect only for the first retry after a stable session, the backoff at `step` otherwise, so neither a
   * gateway refusing us before `connected` (1012 while draining) nor one dropping us right after it (4010, 4003) gets
   * a retry every second forever. The first short session is free: one drain or one overflow is normal.
   */
  private scheduleRetry(code: number, wanted: 'backoff' | 'prompt', token: string | null): void {
    if (!this.active || this.busy()) return; // exactly one pending attempt
    if (this.attempts >= this.maxAttempts) {
      this.shutDown(new ImsClientError(`gave up after ${this.attempts} reconnect attempts (last close ${code})`, code));
      return;
    }
    this.setState('reconnecting');
    this.lossCode = code;
    if (!this.network.online) {
      // No timer: attempts now would fail and count; `online` resumes. No token either: one fetched now (after 4001)
      // could be minutes old, even expired, by the time the network is back; the next attempt fetches its own.
      this.retryToken = null;
      this.waitingForNetwork = true;
      return;
    }
    this.retryToken = token;
    const step = this.attempts + Math.max(0, this.shortSessions - 1);
    const kind = wanted === 'prompt' && step === 0 ? 'prompt' : 'backoff';
    const delay = kind === 'prompt' ? this.backoff.promptDelay() : this.backoff.delay(step);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.attempts++;
      const prefetched = this.retryToken;
      this.retryToken = null;
      void this.openSocket(prefetched);
    }, delay);
    const info: RetryInfo = { attempt: this.attempts + 1, delay, code, kind };
    this.events.emit('retry', info, (error) => this.logError(error, 'retry handler threw'));
  }

  private onOffline(): void {
    // Only a waiting retry is parked. A connected socket is left alone: offline events are often spurious (a VPN or
    // interface flap), and a connection that really died is found by the heartbeat deadline.
    if (this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.retryToken = null; // would go stale while we wait; see scheduleRetry
    this.waitingForNetwork = true;
  }

  private onOnline(): void {
    if (!this.active || (!this.waitingForNetwork && this.retryTimer === null)) return;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.waitingForNetwork = false;
    this.scheduleRetry(this.lossCode, 'prompt', this.retryToken);
  }

  // ---- an open connection -----------------------------------------------------------------------------------------

  private onMessage(data: unknown): void {
    if (typeof data !== 'string') {
      this.logError(new TypeError('binary frame'), 'frame ignored');
      return;
    }
    let frame: ImsFrame;
    try {
      frame = JSON.parse(data) as ImsFrame;
    } catch (error) {
      this.logError(error, 'unparseable frame ignored');
      return;
    }
    if (typeof frame !== 'object' || frame === null || typeof frame.type !== 'string') {
      this.logError(new TypeError('frame without type'), 'frame ignored');
      return;
    }
    switch (frame.type) {
      case 'connected':
        this.onConnected(frame as ImsFrame<unknown> as ImsFrame<ConnectedPayload>);
        return;
      case 'ping':
        this.send({ type: 'pong', timestamp: frame.timestamp, payload: {} });
        if (this.established) this.armHeartbeat();
        return;
      case 'pong':
        return;
      case 'error':
        this.events.emit('error', frame, (error) => this.logError(error, 'error handler threw'));
        return;
      default:
        this.deliver(frame);
    }
  }

  private onConnected(frame: ImsFrame<ConnectedPayload>): void {
    this.established = true;
    this.sessionStartedAt = performance.now();
    this.attempts = 0; // success resets the backoff
    this.authRetried = false;
    this.currentSession = frame.payload ?? null;
    this.heartbeat = heartbeatOf(frame.payload);
    this.armHeartbeat();
    this.setState('connected');
    this.events.emit('connected', frame, (error) => this.logError(error, 'connected handler threw'));
    this.acks.resume();
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.resolve(frame.payload);
  }

  private deliver(frame: ImsFrame): void {
    const id = typeof frame.id === 'string' && frame.id !== '' ? frame.id : undefined;
    if (id !== undefined && this.recent.seen(id)) {
      // A redelivery: the server did not see our ack. Ack again if we did ack (the ack was lost); otherwise the ack is
      // still to come from the handlers or the application, and the copy is simply dropped.
      if (this.recent.wasAcked(id)) this.acks.add(id);
      return;
    }
    // While a hand-over is queued, a handleable delivery waits behind the held ones too: `ws` emits the frames of one
    // read in the same tick, before the microtask runs, and handing this one over first would break arrival order.
    if (id !== undefined && (this.releaseQueued || !this.canHandle(frame))) {
      const dropped = this.held.hold(frame);
      if (dropped) {
        // Let go unacked: the server redelivers it, and forgetting its id lets that copy through instead of being
        // dropped as a duplicate of a delivery no handler ever saw.
        this.recent.forget(dropped.id as string);
        this.logError(
          new Error(`no handler for ${dropped.type} id=${dropped.id}`),
          `more than ${HeldDeliveries.CAPACITY} deliveries without a handler; the oldest is left for redelivery`,
        );
      }
      return;
    }
    this.dispatch(frame, id);
  }

  /** Whether a handler would receive `frame` now: one of its type (local event names do not count) or a `'*'`. */
  private canHandle(frame: ImsFrame): boolean {
    return this.events.has('*') || (!LOCAL_EVENTS.has(frame.type) && this.events.has(frame.type));
  }

  /** Hands the held deliveries that a handler can now take over, in arrival order. */
  private releaseHeld(): void {
    for (const frame of this.held.takeHandleable((f) => this.canHandle(f))) this.dispatch(frame, frame.id);
  }

  private dispatch(frame: ImsFrame, id: string | undefined): void {
    const onError = (error: unknown) => this.logError(error, `handler of ${frame.type} threw`);
    const pending = LOCAL_EVENTS.has(frame.type) ? [] : this.events.emit(frame.type, frame, onError);
    pending.push(...this.events.emit('*', frame, onError));
    if (id === undefined || !this.autoAck) return;
    if (pending.length === 0) this.ack(id);
    else void Promise.all(pending).then(() => this.ack(id));
  }

  private armHeartbeat(): void {
    this.armLiveness(
      this.heartbeat.interval + this.heartbeat.timeout,
      CloseCode.HEARTBEAT_LOST,
      'no ping within heartbeat interval + timeout',
    );
  }

  /** (Re)starts the deadline after which the current socket is presumed dead, abandoned and replaced. */
  private armLiveness(ms: number, code: number, reason: string): void {
    if (this.livenessTimer !== null) clearTimeout(this.livenessTimer);
    const ws = this.socket;
    this.livenessTimer = setTimeout(() => {
      this.livenessTimer = null;
      if (!ws || ws !== this.socket) return;
      // Do not wait for a closing handshake: the peer is presumed gone, and it could take minutes to time out.
      this.onSocketGone(ws, code, reason);
      kill(ws, code, reason);
    }, ms);
  }

  private transmitAck(ids: string[]): boolean {
    if (!this.established || this.socket?.readyState !== OPEN) return false;
    const timestamp = Date.now();
    return ids.length === 1
      ? this.send({ type: 'ack', id: ids[0], timestamp, payload: {} })
      : this.send({ type: 'ack', timestamp, payload: { ids } });
  }

  private send(frame: ImsFrame<unknown>): boolean {
    const ws = this.socket;
    if (!ws || ws.readyState !== OPEN) return false;
    try {
      ws.send(JSON.stringify(frame));
      return true;
    } catch (error) {
      this.logError(error, `sending ${frame.type} failed`);
      return false;
    }
  }

  // ---- teardown ---------------------------------------------------------------------------------------------------

  /** Forgets `ws` as the current socket; its later events hit no-ops (never null: `ws` throws on unheard errors). */
  private dropSocket(ws: WebSocketLike): void {
    const ignore = () => {};
    ws.onmessage = ignore;
    ws.onclose = ignore;
    ws.onerror = ignore;
    this.socket = null;
    this.established = false;
    for (const timer of [this.livenessTimer, this.errorGraceTimer]) if (timer !== null) clearTimeout(timer);
    this.livenessTimer = null;
    this.errorGraceTimer = null;
    this.acks.pause();
  }

  private shutDown(error: ImsClientError): void {
    this.active = false;
    this.epoch++; // a token promise still in flight is ignored when it settles
    this.tokenPending = false;
    if (this.tokenDeadline !== null) clearTimeout(this.tokenDeadline);
    this.tokenDeadline = null;
    this.waitingForNetwork = false;
    this.retryToken = null;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.network.stop();
    const ws = this.socket;
    if (ws) {
      this.dropSocket(ws);
      kill(ws, CloseCode.NORMAL, 'client closed');
    }
    // A give-up keeps the close that caused it; close() records itself.
    if (error.code === CloseCode.NORMAL || !this.lastCloseInfo) this.lastCloseInfo = { code: error.code, reason: error.message };
    // Take the waiters before announcing the state: a `disconnected` handler may call connect() again, and its promise
    // belongs to the new attempt, not to the one that just ended.
    const waiters = this.waiters;
    this.waiters = [];
    this.setState('disconnected');
    for (const waiter of waiters) waiter.reject(error);
  }

  private setState(next: ConnectionState): void {
    if (next === this.currentState) return;
    this.currentState = next;
    this.events.emit('state', next, (error) => this.logError(error, 'state handler threw'));
  }
}

/** Closes a socket without waiting for anything; `ws` can drop the TCP connection outright. */
function kill(ws: WebSocketLike, code: number, reason: string): void {
  try {
    if (code === CloseCode.NORMAL || !ws.terminate) ws.close(code, reason);
    else ws.terminate();
  } catch {
    // already closed or closing: nothing left to do
  }
}

function heartbeatOf(payload: ConnectedPayload | undefined): { interval: number; timeout: number } {
  const hb = payload?.heartbeat;
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isFinite(n) && n > 0;
  return valid(hb?.interval) && valid(hb?.timeout) ? { interval: hb.interval, timeout: hb.timeout } : DEFAULT_HEARTBEAT;
}
