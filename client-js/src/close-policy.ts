/** Close codes of the gateway (CONTRACT section 4) and what the client does about each. */
export const CloseCode = {
  NORMAL: 1000,
  ABNORMAL: 1006,
  TOO_BIG: 1009,
  SERVICE_RESTART: 1012,
  UNAUTHORIZED: 4001,
  PONG_TIMEOUT: 4002,
  TOKEN_EXPIRED: 4003,
  RATE_LIMITED: 4008,
  REPLACED: 4009,
  TOO_SLOW: 4010,
  /** Ours, not the server's: the client closed a connection that stopped sending pings. */
  HEARTBEAT_LOST: 4000,
  /** Ours: the `connected` frame did not arrive in time. */
  CONNECT_TIMEOUT: 4011,
} as const;

/**
 * - `backoff`: reconnect after the exponential, fully jittered delay.
 * - `prompt`: reconnect now, with a small jitter; the server asked for it or the cause is already fixed.
 * - `reauthorize`: the token was refused; retry once only if the token function yields a different token.
 * - `stop`: do not reconnect.
 */
export type CloseAction = 'backoff' | 'prompt' | 'reauthorize' | 'stop';

export function actionFor(code: number): CloseAction {
  switch (code) {
    case CloseCode.UNAUTHORIZED:
      return 'reauthorize';
    // The server closed this session on purpose: an operator disconnected it, or the user opened more connections than
    // the per-user cap and this one was replaced by a newer one. Reconnecting would undo the operator, or evict the
    // newer connection, which would then evict us again: two tabs knocking each other out forever.
    case CloseCode.REPLACED:
      return 'stop';
    // Drain: another gateway is ready now. Too slow: reconnecting is how the client catches up (the server redelivers
    // from the store). Token expired: refreshing the token fixes it, waiting does not.
    case CloseCode.SERVICE_RESTART:
    case CloseCode.TOO_SLOW:
    case CloseCode.TOKEN_EXPIRED:
      return 'prompt';
    // Rate limited, pong timeout, frame too large, network failures and anything unknown: back off, the cause may
    // persist and hurrying would only repeat it.
    default:
      return 'backoff';
  }
}
