// A listen that fails inside an app process: the primary fails the start with ERR_HIVE_PORT_IN_USE when the app's port
// is taken, but an error the app handles on a server of its own beside that port (an optional admin port another
// process holds) is the app's affair, as without Hive; and a Unix socket's error names the path, not "Port -1".
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { fatalIn, fatalOf, freePort, isEvent, runHive, startHive, tempApp } from '../cluster/helpers.js';

/** A server of another process's (this one's) holding 127.0.0.1:port, or a Unix socket path. */
async function blocker(where: number | string): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve) =>
    typeof where === 'number' ? server.listen(where, '127.0.0.1', resolve) : server.listen(where, resolve),
  );
  return server;
}

const optionalAdminApp = `
import http from 'node:http';
const listenMain = () => http.createServer((req, res) => res.end('main')).listen(Number(process.env.PORT));
const admin = http.createServer((req, res) => res.end('admin'));
admin.on('error', (error) => {
  console.log('admin port taken: ' + error.code);
  listenMain();
});
admin.listen(Number(process.env.ADMIN_PORT), listenMain);
`;

test('an optional second server whose port is taken, its error handled by the app: the app still starts and serves', async () => {
  const { app } = tempApp('hive-listen-errors-', optionalAdminApp);
  const adminPort = await freePort();
  const taken = await blocker(adminPort);
  try {
    const port = await freePort();
    const hive = startHive([app, '-i', '2', '--port', String(port)], { ADMIN_PORT: String(adminPort) });
    const outcome = await Promise.race([
      hive.waitFor(isEvent('state', { state: 'online' }), 'online').then(() => 'online'),
      hive.exited.then(() => `exited: ${fatalOf(hive.records)}`),
    ]);
    assert.equal(outcome, 'online');
    assert.ok(hive.records.some((r) => r.kind === 'log' && r.line === 'admin port taken: EADDRINUSE'));
    const response = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(await response.text(), 'main');
    hive.kill('SIGTERM');
    assert.deepEqual(await hive.exited, { code: 0, signal: null });
  } finally {
    taken.close();
  }
});

test("the app's port taken, its error handled by the app: still ERR_HIVE_PORT_IN_USE at once", async () => {
  const { app } = tempApp(
    'hive-listen-errors-',
    `const server = require('node:http').createServer();
server.on('error', (error) => console.log('taken: ' + error.code));
server.listen(Number(process.env.PORT));
setInterval(() => {}, 1000);
`,
    'app.cjs',
  );
  const port = await freePort();
  const taken = await blocker(port);
  try {
    const { code, stdout } = await runHive(['run', app, '-i', '1', '--port', String(port), '--log-format', 'json']);
    assert.equal(code, 1);
    assert.match(fatalIn(stdout), new RegExp(`ERR_HIVE_PORT_IN_USE: Port ${port} is already in use`));
  } finally {
    taken.close();
  }
});

test('a Unix socket in use: ERR_HIVE_PORT_IN_USE names the path, not port -1', async () => {
  const { dir, app } = tempApp(
    'hive-listen-errors-',
    "require('node:http').createServer().listen(process.env.APP_SOCKET);\n",
    'app.cjs',
  );
  const path = join(dir, 'app.sock');
  const taken = await blocker(path);
  try {
    const { code, stderr } = await runHive(['run', app, '-i', '1'], { APP_SOCKET: path });
    assert.equal(code, 1, stderr);
    const line = stderr.split('\n').find((text) => text.startsWith('hive run: ERR_HIVE_PORT_IN_USE')) ?? '';
    assert.ok(line, stderr);
    // Not ` -1` nor `:-1` (a port); the temporary folder's random suffix may well hold a `-1` of its own.
    assert.doesNotMatch(line, /[ :]-1\b/);
    assert.ok(line.includes(`EADDRINUSE ${path}`), line);
  } finally {
    taken.close();
  }
});
