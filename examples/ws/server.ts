/**
 * A WebSocket app (ws) made for a cluster with sticky sessions: each client stays on one process, so per-process
 * state (here: the connection and its greeting) holds for its whole session.
 *
 *   npm run build && node dist/cli/hive.js run examples/ws/server.ts -i 2 --port 3001 --sticky ip
 *
 * From this repository (where ws is a dev dependency). From an installed Hive, copy it into a project that has ws
 * (`npm i ws`): Hive itself does not depend on it.
 *
 * A browser's WebSocket API cannot set request headers, so for browser clients the key is the address (`ip`), a
 * cookie the app sets on an earlier HTTP response (`cookie:connect.sid` with express-session; the upgrade request
 * carries it), or a header a proxy in front sets (`header:x-real-ip` behind nginx, see docs/edge.md).
 * `header:x-client` suits clients that set headers themselves (Node's ws, native apps), as the tests do.
 *
 * GET / answers which process served it; a WebSocket client is greeted with its process and gets its messages echoed.
 * A message `/all <text>` goes to every client, on every process: `broadcast()` carries it to the other processes.
 */
import http from 'node:http';
import { broadcast, instance, onBroadcast, onShutdown } from 'hive/runtime';
import { WebSocketServer } from 'ws';

// Empty counts as unset (`??` would take PORT="" as 0, a random port), as in examples/api.
const port = Number(process.env.PORT || 3001);

const server = http.createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ instance, pid: process.pid }));
});

const wss = new WebSocketServer({ server });
// A chat message, to this process's clients; `from` is the process the sender is connected to.
interface Chat {
  text: string;
  from: number;
}
const tellClients = ({ text, from }: Chat) => {
  for (const client of wss.clients)
    client.send(JSON.stringify({ type: 'chat', instance, pid: process.pid, from, text }));
};

wss.on('connection', (socket) => {
  socket.send(JSON.stringify({ type: 'hello', instance, pid: process.pid }));
  socket.on('message', (data) => {
    const text = data.toString();
    if (text.startsWith('/all ')) {
      const chat: Chat = { text: text.slice('/all '.length), from: instance };
      tellClients(chat);
      broadcast(chat);
      return;
    }
    socket.send(JSON.stringify({ type: 'echo', instance, pid: process.pid, data: text }));
  });
});
// The other processes' clients' chat messages.
onBroadcast<Chat>(tellClients);

// Retired (reload, scale down, stop): HTTP has drained by now; tell WebSocket clients to reconnect elsewhere.
onShutdown(() => {
  for (const client of wss.clients) client.close(1001, 'server restarting');
});

server.listen(port, () => console.log(`ws example (process ${instance}) on port ${port}`));
