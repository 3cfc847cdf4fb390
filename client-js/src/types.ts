/** Wire envelope of every frame, both directions (CONTRACT section 4). */
export interface ImsFrame<P = Record<string, unknown>> {
  type: string;
  /** Present on deliveries that must be acknowledged. */
  id?: string;
  /** Epoch milliseconds. */
  timestamp: number;
  payload: P;
}

/** Payload of the `connected` frame, the first one after a good handshake. */
export interface ConnectedPayload {
  clientId: string;
  userId: string;
  tenant: string;
  gatewayId: string;
  heartbeat: { interval: number; timeout: number };
}

/** Payload of a server `error` frame: a client frame was refused. */
export interface ErrorPayload {
  code: string;
  message: string;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'disconnected';

/** Why the client scheduled its next connection attempt; passed to `on('retry')`. */
export interface RetryInfo {
  /** 1-based number of this attempt since the last successful connect. */
  attempt: number;
  /** Milliseconds until the attempt. */
  delay: number;
  /** Close code of the connection that was lost (1006 when it never opened). */
  code: number;
  /**
   * Which delay was used: `prompt` (small jitter) or `backoff` (exponential, full jitter). A prompt close code (1012,
   * 4010, 4003, a new token after 4001, the network back) gets the prompt delay only for the first retry after a stable
   * session; a repeated failure reports `backoff` here even for those codes (see {@link ReconnectOptions.stableAfter}).
   */
  kind: 'backoff' | 'prompt';
}

/** A string, or a function returning one (or a Promise of one); functions are called before each connect. */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * The subset of the WHATWG WebSocket that the client uses; the browser's and the `ws` package's both fit.
 *
 * The handler fields take `any` on purpose: the browser's are typed `(this: WebSocket, ev: MessageEvent) => any` and
 * the `ws` package's with its own event classes, and a narrower parameter here (`unknown`, `{ data: unknown }`) makes
 * strict TypeScript reject the real classes when they are passed as the `WebSocket` option. The client reads only
 * `data` of a message event and `code`/`reason` of a close event.
 */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: any) => void) | null;
  onmessage: ((ev: any) => void) | null;
  onclose: ((ev: any) => void) | null;
  onerror: ((ev: any) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drops the TCP connection without a closing handshake. */
  terminate?: () => void;
}

/**
 * A WebSocket class. The optional second parameter is there so that the real constructors, which all take
 * `protocols` (and `ws` options), fit; the client never passes it.
 */
export type WebSocketConstructor = new (url: string, protocols?: any) => WebSocketLike;

/**
 * How the client reconnects. The delay of a retry is chosen by its *step*:
 * `step = attempts + max(0, shortSessions - 1)`, where `attempts` counts the attempts since the last `connected` frame
 * and `shortSessions` the consecutive sessions that ended before `stableAfter` ms. A prompt close code at step 0 waits
 * `floor + random(0, promptJitter)`; everything else waits the backoff of its step,
 * `max(floor, random(0, min(maxDelay, minDelay * 2^step)))`, with `floor = min(100, minDelay)`.
 */
export interface ReconnectOptions {
  /**
   * Base of the exponential backoff, ms. Default 1000, or `maxDelay` when only a smaller `maxDelay` is given (so that
   * setting one bound alone never contradicts the other's default).
   */
  minDelay?: number;
  /** Cap of the exponential backoff, ms. Default 30000, or `minDelay` when only a larger `minDelay` is given. */
  maxDelay?: number;
  /**
   * Consecutive failed attempts (no `connected` frame) before giving up (state `disconnected`). Default Infinity.
   * A session that did connect resets the count, even a short one: the gateway is reachable and accepts us, and a
   * loop of short sessions is slowed by the backoff steps of {@link stableAfter} instead.
   */
  maxAttempts?: number;
  /** Width of the random spread of a prompt reconnect (after 1012, 4010, 4003, network back), ms. Default 1000. */
  promptJitter?: number;
  /**
   * A session that lasted at least this many ms (from its `connected` frame to its close) is stable: it starts the
   * reconnect policy over. Default 10000. A shorter one is a *short session*. The first short session in a row still
   * gets a prompt reconnect (one 1012 or 4010 is normal); each further consecutive one adds a backoff step, so a
   * gateway that accepts and drops the client at once (still draining, or the client is always too slow) is not
   * hammered every second forever.
   */
  stableAfter?: number;
}

export interface ImsClientOptions {
  /** `ws://` or `wss://` URL of the gateway's `/ws`; in a browser a relative or http(s) URL is resolved against the page. */
  url: string;
  token: TokenSource;
  reconnect?: ReconnectOptions;
  /**
   * Acknowledge each delivery after its handlers ran. Default true. A delivery that no handler can take yet is held
   * unacked until one is registered (see `ImsClient.on`), never acked unseen.
   */
  autoAck?: boolean;
  /** WebSocket implementation; defaults to `globalThis.WebSocket`. In Node 20 pass the `ws` package's class. */
  WebSocket?: WebSocketConstructor;
  /** How many recent delivery ids are remembered to drop redeliveries. Default 10000. */
  dedupeCapacity?: number;
  /** Give up on an attempt whose `connected` frame has not arrived after this many ms. Default 15000. */
  connectTimeout?: number;
  /** Random source in [0, 1) for the jitter; injectable for tests. Default Math.random. */
  random?: () => number;
  /** Where handler exceptions and unparseable frames are reported. Default console.error. */
  logError?: (error: unknown, context: string) => void;
}

/** Events that are not frame types; a delivery whose type collides with one reaches only `'*'` handlers. */
export type LocalEvent = 'state' | 'retry';
