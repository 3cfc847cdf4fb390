// Compiled, never run: `npm test` type-checks this file (test/tsconfig.json: strict, lib DOM) against the published
// declarations in dist/, so that a declaration which rejects what users really pass fails the build. Each statement is
// something an application writes; none may need a cast.
import { ImsClient } from '../dist/index.js';
import type { ConnectionState, ImsClientOptions, RetryInfo, WebSocketConstructor } from '../dist/index.js';

// The browser's own WebSocket class, as the contract's example passes it. Its handlers are typed
// `(this: WebSocket, ev: MessageEvent) => any` and its constructor takes `protocols`: both must fit.
const browserSocket: WebSocketConstructor = WebSocket;

// The shape the `ws` package's declarations (@types/ws 8) give its class, written out here because the test runs
// offline without @types/ws: event classes of its own, a constructor with protocols and options, terminate().
declare class NodeWs {
  constructor(address: string | URL, protocols?: string | string[], options?: { handshakeTimeout?: number });
  readonly readyState: 0 | 1 | 2 | 3;
  onopen: ((event: { type: string; target: NodeWs }) => void) | null;
  onerror: ((event: { error: unknown; message: string; type: string; target: NodeWs }) => void) | null;
  onclose: ((event: { wasClean: boolean; code: number; reason: string; type: string; target: NodeWs }) => void) | null;
  onmessage: ((event: { data: string | ArrayBuffer | Uint8Array[]; type: string; target: NodeWs }) => void) | null;
  send(data: string | ArrayBufferLike | Uint8Array, cb?: (err?: Error) => void): void;
  close(code?: number, data?: string | Uint8Array): void;
  terminate(): void;
}
const nodeSocket: WebSocketConstructor = NodeWs;

const options: ImsClientOptions = {
  url: 'wss://ims.example.com/ws',
  token: () => Promise.resolve('a-token'),
  reconnect: { minDelay: 1000, maxDelay: 30000, maxAttempts: Infinity, promptJitter: 1000, stableAfter: 10000 },
  autoAck: true,
  WebSocket,
};

const client = new ImsClient(options);
new ImsClient({ url: '/ws', token: 'fixed', WebSocket: nodeSocket, reconnect: { maxDelay: 500 } });
new ImsClient({ url: '/ws', token: 'fixed', WebSocket: browserSocket });

client.on('order_update', (msg) => msg.payload);
client.on<{ orderId: number }>('order_update', (msg) => msg.payload.orderId.toFixed());
client.on('state', (state: ConnectionState) => state);
client.on('retry', (info: RetryInfo) => (info.kind === 'prompt' ? info.delay : info.attempt));
void client.connect().then((session) => session.gatewayId);
client.close();
