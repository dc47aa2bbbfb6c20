// Two cookie-mode apps on one host share a browser's cookies (kept per host, not per port: RFC 6265, 8.5): each
// app's pin cookie has a name of its own, so visiting one app does not re-pin the client's process in the other. With
// the one name of before (hive_sticky), app B's pin replaced app A's, and A's client lost its session process.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { freePort, getFrom, isEvent, killAll, startHive, tempApp } from './helpers.js';

after(killAll);

// An app that keeps sessions in its process's memory: /login creates one and sets cookie `cookie`; any other path
// answers whether this process knows the request's session.
const sessionApp = (prefix: string, cookie: string) =>
  tempApp(
    prefix,
    `import { createServer } from 'node:http';
const sessions = new Set();
let next = 0;
createServer((req, res) => {
  const sid = /(?:^|;\\s*)${cookie}=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  if (req.url === '/login') {
    const id = process.pid + '-' + next++;
    sessions.add(id);
    res.setHeader('Set-Cookie', '${cookie}=' + id + '; Path=/');
  }
  const known = req.url === '/login' || (sid !== undefined && sessions.has(sid));
  res.end(JSON.stringify({ instance: Number(process.env.HIVE_INSTANCE), known }));
}).listen(Number(process.env.PORT), '127.0.0.1');
`,
  ).app;

// A browser's cookie jar: one per host, whatever the port.
type Jar = Map<string, string>;

async function visit(
  port: number,
  from: string,
  path: string,
  jar: Jar,
): Promise<{ instance: number; known: boolean }> {
  const cookie = [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  const res = await getFrom(port, from, path, cookie ? { cookie } : {});
  for (const line of res.headers['set-cookie'] ?? []) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return JSON.parse(res.body) as { instance: number; known: boolean };
}

test('sticky cookie: two apps on one host (one script name) do not re-pin each other’s clients', async () => {
  // Both scripts are app.mjs: the same app name, told apart by their ports.
  const [portA, portB] = [await freePort(), await freePort()];
  const a = startHive([
    sessionApp('hive-sticky-apps-a-', 'asid'),
    '-i',
    '4',
    '--port',
    String(portA),
    '--sticky',
    'cookie:asid',
  ]);
  const b = startHive([
    sessionApp('hive-sticky-apps-b-', 'bsid'),
    '-i',
    '2',
    '--port',
    String(portB),
    '--sticky',
    'cookie:bsid',
  ]);
  await a.waitFor(isEvent('state', { state: 'online' }), 'A online', 90_000);
  await b.waitFor(isEvent('state', { state: 'online' }), 'B online', 90_000);

  const moved: string[] = [];
  for (let client = 0; client < 12; client++) {
    const from = `127.0.0.${client + 2}`;
    const jar: Jar = new Map();
    const login = await visit(portA, from, '/login', jar);
    await visit(portB, from, '/login', jar);
    const back = await visit(portA, from, '/', jar);
    if (back.instance !== login.instance || !back.known) {
      moved.push(`${from}: A slot ${login.instance}, then ${back.instance} (session known: ${back.known})`);
    }
  }
  assert.deepEqual(moved, []);

  a.kill('SIGTERM');
  b.kill('SIGTERM');
  assert.equal((await a.exited).code, 0);
  assert.equal((await b.exited).code, 0);
});
