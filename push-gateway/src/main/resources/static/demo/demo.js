// The demo page: connects with the IMS JavaScript SDK, shows the connection state and every delivery, and sends
// notifications through notification-service's producer API. Everything received is untrusted and is rendered with
// textContent only, never as HTML.
import { ImsClient } from '/demo/sdk/index.js';

/** Longest list kept on screen; a demo left open for hours must not grow without bound. */
const MAX_ITEMS = 200;
const MAX_LOG_LINES = 100;

const $ = (id) => document.getElementById(id);
const ui = {
  state: $('connection-state'),
  connectForm: $('connect-form'),
  modeDev: $('mode-dev'),
  modePaste: $('mode-paste'),
  devFields: document.querySelector('.mode-dev-fields'),
  pasteFields: document.querySelector('.mode-paste-fields'),
  userId: $('user-id'),
  roles: $('roles'),
  tokenInput: $('token-input'),
  wsUrl: $('ws-url'),
  tokenStatus: $('token-status'),
  connectButton: $('connect-button'),
  disconnectButton: $('disconnect-button'),
  session: $('session-info'),
  sendForm: $('send-form'),
  targetType: $('send-target-type'),
  target: $('send-target'),
  text: $('send-text'),
  notificationUrl: $('notification-url'),
  publishToken: $('publish-token'),
  sendResult: $('send-result'),
  sendButton: $('send-button'),
  list: $('notification-list'),
  count: $('notification-count'),
  empty: $('empty-list'),
  clear: $('clear-button'),
  log: $('event-log'),
};

/** Page state, also on window for tests and for poking at from the console. */
const demo = {
  client: null,
  /** Every state the client went through, in order, for the end-to-end tests. */
  stateHistory: [],
  received: 0,
};
window.imsDemo = demo;

ui.wsUrl.value = `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/ws`;

// ---- token mode ---------------------------------------------------------------------------------------------------

function showMode() {
  const dev = ui.modeDev.checked;
  ui.devFields.hidden = !dev;
  ui.pasteFields.hidden = dev;
  ui.tokenInput.required = !dev;
}
ui.modeDev.addEventListener('change', showMode);
ui.modePaste.addEventListener('change', showMode);

/** Thrown when the gateway is not in dev mode, so there is no /demo/token to mint tokens. */
class NoDevTokens extends Error {}

async function fetchDevTokens() {
  const query = new URLSearchParams({ userId: ui.userId.value.trim(), roles: ui.roles.value.trim() });
  const response = await fetch(`/demo/token?${query}`, { cache: 'no-store' });
  if (response.status === 404) throw new NoDevTokens('no dev token endpoint (the gateway is not in dev mode)');
  if (!response.ok) throw new Error(`GET /demo/token answered ${response.status}`);
  const body = await response.json();
  // The publisher settings follow the freshest dev token, unless the user typed their own.
  if (body.publishToken) ui.publishToken.value = body.publishToken;
  if (body.notificationUrl) ui.notificationUrl.value = body.notificationUrl;
  return body.token;
}

function fallBackToPasting(error) {
  ui.modePaste.checked = true;
  showMode();
  ui.tokenStatus.textContent = `${error.message}: paste a token instead (./ims token <userId> --roles a,b).`;
}

// Find out at once whether dev tokens exist, so the form offers the right mode from the start.
fetch('/demo/token?userId=probe', { cache: 'no-store' })
  .then((response) => {
    if (response.status === 404) fallBackToPasting(new NoDevTokens('no dev token endpoint'));
    else if (response.ok) ui.tokenStatus.textContent = 'Dev mode: tokens are minted by the gateway for the user above.';
  })
  .catch(() => {
    /* the gateway is down; connecting will say so */
  });

// ---- connection ---------------------------------------------------------------------------------------------------

function tokenSource() {
  if (ui.modePaste.checked) {
    const pasted = ui.tokenInput.value.trim();
    if (!pasted) throw new Error('paste a token first');
    return pasted; // a fixed string: a 4001 ends the session, there is nothing to refresh
  }
  // A function: called before every (re)connect, so a reconnect after expiry (4003) gets a fresh token.
  return async () => {
    try {
      return await fetchDevTokens();
    } catch (error) {
      if (error instanceof NoDevTokens) fallBackToPasting(error);
      throw error;
    }
  };
}

function connect() {
  disconnect();
  let token;
  try {
    token = tokenSource();
  } catch (error) {
    ui.tokenStatus.textContent = error.message;
    return;
  }
  let client;
  try {
    client = new ImsClient({
      url: ui.wsUrl.value.trim(),
      token,
      // Short delays suit a demo where a person watches the gateway restart; production keeps the defaults.
      reconnect: { minDelay: 500, maxDelay: 5000 },
      logError: (error, context) => log(`client: ${context}: ${error?.message ?? error}`, 'warn'),
    });
  } catch (error) {
    ui.tokenStatus.textContent = error.message;
    return;
  }
  demo.client = client;
  client.on('state', showState);
  client.on('retry', (r) => log(`retry #${r.attempt} in ${r.delay} ms (${r.kind}, after close ${r.code})`));
  client.on('connected', (frame) => showSession(frame.payload));
  client.on('error', (frame) => log(`server error ${frame.payload?.code}: ${frame.payload?.message}`, 'warn'));
  client.on('*', addNotification);
  client.connect().then(
    () => (ui.tokenStatus.textContent = ''),
    (error) => {
      if (demo.client !== client) return; // replaced by a newer connect
      ui.tokenStatus.textContent = `Not connected: ${error.message}`;
      log(`gave up: ${error.message}`, 'warn');
    },
  );
}

function disconnect() {
  const client = demo.client;
  if (!client) return;
  demo.client = null;
  client.close(); // its state handler shows 'disconnected'
  ui.session.hidden = true;
}

function showState(state) {
  demo.stateHistory.push(state);
  ui.state.textContent = state;
  ui.state.dataset.state = state;
  ui.state.className = `state state-${state}`;
  const live = state !== 'disconnected';
  ui.disconnectButton.disabled = !live;
  ui.connectButton.textContent = live ? 'Reconnect' : 'Connect';
  const close = demo.client?.lastClose;
  const why = state !== 'connected' && state !== 'connecting' && close ? ` (last close ${close.code}${close.reason ? ` ${close.reason}` : ''})` : '';
  log(`state: ${state}${why}`);
}

function showSession(session) {
  for (const dd of ui.session.querySelectorAll('dd')) dd.textContent = session?.[dd.dataset.field] ?? '';
  ui.session.hidden = false;
  // Sending to oneself is the obvious first try.
  if (ui.targetType.value === 'user' && !ui.target.dataset.touched && session?.userId) ui.target.value = session.userId;
}

ui.target.addEventListener('input', () => (ui.target.dataset.touched = 'true'));

ui.connectForm.addEventListener('submit', (event) => {
  event.preventDefault();
  connect();
});
ui.disconnectButton.addEventListener('click', disconnect);

// ---- notifications ------------------------------------------------------------------------------------------------

function addNotification(frame) {
  demo.received++;
  const item = document.createElement('li');
  item.className = 'notification';
  item.dataset.testid = 'notification-item';
  item.dataset.type = frame.type;
  if (frame.id) item.dataset.id = frame.id;

  const head = document.createElement('div');
  head.className = 'notification-head';
  head.append(
    span('type', frame.type),
    span('time', new Date(typeof frame.timestamp === 'number' ? frame.timestamp : Date.now()).toLocaleTimeString()),
    span('id', frame.id ?? '(no id: fire and forget)'),
  );
  const text = typeof frame.payload?.text === 'string' ? frame.payload.text : null;
  const body = document.createElement('div');
  body.className = 'notification-text';
  body.dataset.testid = 'notification-text';
  body.textContent = text ?? '';
  const payload = document.createElement('pre');
  payload.className = 'payload';
  payload.dataset.testid = 'notification-payload';
  payload.textContent = JSON.stringify(frame.payload ?? {}, null, 2);
  item.append(head, ...(text === null ? [] : [body]), payload);

  ui.list.prepend(item);
  while (ui.list.children.length > MAX_ITEMS) ui.list.lastElementChild.remove();
  ui.count.textContent = String(demo.received);
  ui.empty.hidden = true;
}

function span(className, text) {
  const el = document.createElement('span');
  el.className = className;
  el.textContent = text;
  return el;
}

ui.clear.addEventListener('click', () => {
  ui.list.replaceChildren();
  demo.received = 0;
  ui.count.textContent = '0';
  ui.empty.hidden = false;
});

// ---- sending ------------------------------------------------------------------------------------------------------

ui.sendForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const base = ui.notificationUrl.value.trim().replace(/\/+$/, '');
  const publishToken = ui.publishToken.value.trim();
  if (!publishToken) {
    ui.publishToken.closest('details').open = true;
    showSendResult('A publish token is needed: connect with a dev token, or paste one (scope ims:publish).', 'error');
    return;
  }
  const request = {
    targetType: ui.targetType.value,
    target: ui.target.value.trim(),
    type: 'notification',
    payload: { text: ui.text.value },
  };
  ui.sendButton.disabled = true;
  showSendResult('Sending…', 'pending');
  try {
    const response = await fetch(`${base}/api/v1/notifications`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${publishToken}` },
      body: JSON.stringify(request),
    });
    const text = await response.text();
    if (response.ok) {
      const id = safeJson(text)?.id;
      showSendResult(`Accepted (${response.status})${id ? `: id ${id}` : ''}`, 'ok', id);
    } else {
      showSendResult(`Refused (${response.status}): ${text.slice(0, 300)}`, 'error');
    }
  } catch (error) {
    // fetch rejects on network failure and on a missing CORS answer alike; the browser console tells which.
    showSendResult(`Could not reach ${base}: ${error.message}`, 'error');
  } finally {
    ui.sendButton.disabled = false;
  }
});

function showSendResult(message, kind, id) {
  ui.sendResult.textContent = message;
  ui.sendResult.dataset.status = kind;
  if (id) ui.sendResult.dataset.id = id;
  else delete ui.sendResult.dataset.id;
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

// ---- log ----------------------------------------------------------------------------------------------------------

function log(message, level = 'info') {
  const line = document.createElement('li');
  line.className = `log-${level}`;
  line.textContent = `${new Date().toLocaleTimeString()}  ${message}`;
  ui.log.prepend(line);
  while (ui.log.children.length > MAX_LOG_LINES) ui.log.lastElementChild.remove();
}
