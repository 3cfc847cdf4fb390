/**
 * Builds the handshake URL: the gateway URL with `token` set as a query parameter (URL-encoded; other parameters kept).
 * In a browser a relative or http(s) URL is resolved against the page and turned into ws(s), so `'/ws'` just works.
 */
export function handshakeUrl(base: string, token: string): string {
  const url = resolve(base);
  url.searchParams.set('token', token);
  return url.toString();
}

/** Parses and normalises the gateway URL; throws a TypeError for one that cannot work, at construction time. */
export function resolve(base: string): URL {
  const page = (globalThis as { location?: { href?: string } }).location?.href;
  const url = page ? new URL(base, page) : new URL(base);
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new TypeError(`gateway url must be ws(s) or http(s), got ${url.protocol}`);
  }
  return url;
}
