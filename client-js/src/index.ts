export { ImsClient, ImsClientError } from './client.js';
export { CloseCode } from './close-policy.js';
export type {
  ConnectedPayload,
  ConnectionState,
  ErrorPayload,
  ImsClientOptions,
  ImsFrame,
  ReconnectOptions,
  RetryInfo,
  TokenSource,
  WebSocketConstructor,
  WebSocketLike,
} from './types.js';
