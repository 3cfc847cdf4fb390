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
  /** `backoff` (exponential, full jitter) or `prompt` (drain, too slow, token refresh, network back). */
  kind: 'backoff' | 'prompt';
}

/** A string, or a function returning one (or a Promise of one); functions are called before each connect. */
export type TokenSource = string | (() => string | Promise<string>);

/** The subset of the WHATWG WebSocket that the client uses; the browser's and the `ws` package's both fit. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  /** `ws` only: drops the TCP connection without a closing handshake. */
  terminate?: () => void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface ReconnectOptions {
  /** Base of the exponential backoff, ms. Default 1000. */
  minDelay?: number;
  /** Cap of the exponential backoff, ms. Default 30000. */
  maxDelay?: number;
  /** Consecutive failed reconnect attempts before giving up (state `disconnected`). Default Infinity. */
  maxAttempts?: number;
  /** Width of the random spread of a prompt reconnect (after 1012, 4010, 4003, network back), ms. Default 1000. */
  promptJitter?: number;
}

export interface ImsClientOptions {
  /** `ws://` or `wss://` URL of the gateway's `/ws`; in a browser a relative or http(s) URL is resolved against the page. */
  url: string;
  token: TokenSource;
  reconnect?: ReconnectOptions;
  /** Acknowledge each delivery after its handlers ran. Default true. */
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
