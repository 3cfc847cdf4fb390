// Run as a child process by client.test.mjs: starts a client whose token function hangs, closes it once the token is
// being fetched, and then does nothing. The process must exit by itself at once: any timer left running (the token
// fetch's deadline, `connectTimeout` = 20 s here) would keep it alive.
import { ImsClient } from '../../dist/index.js';

const client = new ImsClient({
  url: 'ws://127.0.0.1:9/ws', // never dialled: the token never comes
  WebSocket: class {},
  connectTimeout: 20_000,
  token: () => {
    queueMicrotask(() => {
      client.close();
      console.log('closed');
    });
    return new Promise(() => {}); // a token backend that hangs
  },
});
client.connect().catch((error) => console.log(`rejected ${error.code}`));
