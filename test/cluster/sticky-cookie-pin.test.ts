import assert from 'node:assert/strict';
import type { IncomingHttpHeaders } from 'node:http';
import { after, test } from 'node:test';
import { fixture, freePort, getFrom, isEvent, killAll, startHive } from './helpers.js';

after(killAll);

interface Reply {
  status: number;
  instance: number;
  known: boolean;
  setCookies: string[];
  headers: IncomingHttpHeaders;
}

// One request on a connection of its own (no agent), from the given loopback address: fresh clients on distinct
// addresses, so their first requests spread over the slots as browsers' would.
async function call(port: number, from: string, path: string, cookies: Map<string, string>): Promise<Reply> {
  const cookie = [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  const res = await getFrom(port, from, path, cookie ? { cookie } : {});
  const setCookies = res.headers['set-cookie'] ?? [];
  for (const line of setCookies) {
    const [pair = ''] = line.split(';');
    const eq = pair.indexOf('=');
    cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const { instance, known } = JSON.parse(res.body) as { instance: number; known: boolean };
  return { status: res.status, instance, known, setCookies, headers: res.headers };
}

// The app's own pin cookie (stickyCookieName): session-app.mjs runs under the name session-app.
const pin = (port: number) => `hive_sticky_session-app_${port}`;
const pins = (reply: Reply) => reply.setCookies.filter((line) => line.startsWith('hive_sticky'));

for (const instances of [2, 4]) {
  test(`sticky cookie:sid at -i ${instances}: a session the app sets on the first request stays on its process`, async () => {
    const port = await freePort();
    const args = [
      fixture('session-app.mjs'),
      '-i',
      String(instances),
      '--port',
      String(port),
      '--sticky',
      'cookie:sid',
    ];
    const hive = startHive(args);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 90_000);

    const firstSlots = new Set<number>();
    const lost: string[] = [];
    const logins: { from: string; login: Reply }[] = [];
    const later: Reply[] = [];
    for (let client = 0; client < 20; client++) {
      const from = `127.0.0.${client + 2}`;
      const cookies = new Map<string, string>();
      const login = await call(port, from, '/login', cookies);
      firstSlots.add(login.instance);
      logins.push({ from, login });
      for (let i = 0; i < 5; i++) {
        const reply = await call(port, from, '/', cookies);
        later.push(reply);
        if (reply.instance !== login.instance || !reply.known) {
          lost.push(`${from} (slot ${login.instance}, request ${i + 2} on slot ${reply.instance})`);
          break;
        }
      }
    }
    assert.deepEqual(lost, [], `${lost.length} of 20 sessions lost`);
    for (const { from, login } of logins) {
      // The app's own cookie is kept, and the pin names the slot that served the login.
      assert.ok(
        login.setCookies.some((line) => line.startsWith('sid=')),
        `${from}: ${login.setCookies}`,
      );
      assert.deepEqual(pins(login), [`${pin(port)}=${login.instance}; Path=/; HttpOnly; SameSite=Lax`]);
    }
    // Pinned already: no new pin; the headers the app gave writeHead are all there.
    for (const reply of later) assert.deepEqual(reply.setCookies, ['seen=1; Path=/']);
    assert.ok(firstSlots.size > 1, `20 clients on ${[...firstSlots]}`);

    // A pin of a slot that does not exist is ignored (keyed on sid, then the address), and replaced.
    const cookies = new Map([[pin(port), '77']]);
    const stray = await call(port, '127.0.0.99', '/login', cookies);
    assert.deepEqual(pins(stray), [`${pin(port)}=${stray.instance}; Path=/; HttpOnly; SameSite=Lax`]);
    assert.equal(cookies.get(pin(port)), String(stray.instance));

    // Headers given to writeHead as a flat array: kept, repeats included, the pin after them.
    const array = await call(port, '127.0.0.100', '/array', new Map());
    assert.deepEqual(array.setCookies, [
      'a=1',
      'b=2',
      `${pin(port)}=${array.instance}; Path=/; HttpOnly; SameSite=Lax`,
    ]);

    // Headers given to writeHead as name-value pairs: kept, the app's cookie and the pin both set.
    const tuples = await call(port, '127.0.0.101', '/tuples', new Map());
    assert.equal(tuples.status, 200);
    assert.equal(tuples.headers['x-a'], '1');
    assert.deepEqual(tuples.setCookies, ['app=1', `${pin(port)}=${tuples.instance}; Path=/; HttpOnly; SameSite=Lax`]);

    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  });
}

test('sticky cookie:sid: a pin to a dead slot falls back to a ready one and is replaced', async () => {
  const port = await freePort();
  // A restart delay long enough that the killed slot is still down when the client comes back.
  const args = [fixture('session-app.mjs'), '-i', '2', '--port', String(port), '--sticky', 'cookie:sid'];
  const hive = startHive([...args, '--restart-delay', '60s']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 90_000);

  const cookies = new Map<string, string>();
  const login = await call(port, '127.0.0.2', '/login', cookies);
  const pid = hive.readyPids().get(login.instance)!;
  process.kill(pid, 'SIGKILL');
  await hive.waitFor(isEvent('exit', { pid }), 'exit of the pinned worker');

  const moved = await call(port, '127.0.0.2', '/', cookies);
  assert.notEqual(moved.instance, login.instance);
  assert.equal(moved.known, false);
  assert.deepEqual(pins(moved), [`${pin(port)}=${moved.instance}; Path=/; HttpOnly; SameSite=Lax`]);
  // Pinned to the new slot now: the next connection stays there.
  const again = await call(port, '127.0.0.2', '/', cookies);
  assert.equal(again.instance, moved.instance);
  assert.deepEqual(pins(again), []);

  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
