// A PORT in the daemon's (and the starting shell's) environment, exported for something else, is no port Hive was
// given: an app listening on its own port comes online, as it did before the PORT ready rule. A port given to the app
// (`--port`, `--env PORT=`) is still enforced, the daemon telling its primary which one that is (HIVE_GIVEN_PORT),
// never the app.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { freePort, get } from '../cluster/helpers.js';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const app = new URL('../fixtures/cluster/own-port-app.mjs', import.meta.url).pathname;
const describe = (name: string) => hive.json<App>(['describe', name]);

test('an app on its own port comes online beside a PORT the daemon and the shell inherited', async () => {
  const inherited = String(await freePort());
  // The daemon starts here, with PORT in its environment.
  await hive.json(['ls'], { env: { PORT: inherited } });
  const own = await freePort();
  const env = { PORT: inherited, OWN_PORT: String(own) };
  // Both processes wait out the listen timeout (an inherited PORT is given up on only then) and must have listened
  // elsewhere by its end: 4 s, for a loaded machine that has taken over a second to boot one process (2 s failed in
  // test/cluster/inherited-port.test.ts, the same start, at a load of 13 on 2 cores).
  const started = await hive.run(['start', app, '--name', 'own', '-i', '2', '--listen-timeout', '4s'], { env });
  assert.equal(started.code, 0, started.stderr);
  const online = await describe('own');
  assert.deepEqual([online.status, online.ready], ['online', 2]);
  const reply = (await get(own)) as unknown as { port: string; given: string | null };
  assert.deepEqual([reply.port, reply.given], [inherited, null]);
  // Said once for the app (in daemon.log, as its primary's warnings are), not once per process.
  const said = () =>
    hive
      .readLog('../daemon.log')
      .split('\n')
      .filter((line) => line.includes(`PORT ${inherited} came from`));
  await waitFor(() => said().length > 0, 'the warning in daemon.log');
  assert.equal(said().length, 1, said().join('\n'));
  assert.match(said()[0]!, new RegExp(`listened on ${own} instead`));
});

test('a daemon app given --port or --env PORT= still fails when it listens elsewhere', async () => {
  const inherited = String(await freePort());
  const own = String(await freePort());
  for (const [name, flags] of [
    ['flag', ['--port', inherited]],
    ['env', ['--env', `PORT=${inherited}`]],
  ] as const) {
    const started = await hive.run(['start', app, '--name', name, '-i', '1', '--listen-timeout', '1s', ...flags], {
      env: { PORT: inherited, OWN_PORT: own },
    });
    assert.notEqual(started.code, 0, `${name}: ${started.stdout}`);
    assert.match(started.stderr, new RegExp(`did not listen on port ${inherited}`), name);
  }
});

test('an app given its PORT by --env that listens there is online, and never sees HIVE_GIVEN_PORT', async () => {
  const port = String(await freePort());
  const started = await hive.run(['start', app, '--name', 'given', '-i', '1', '--env', `PORT=${port}`], {
    env: { OWN_PORT: port },
  });
  assert.equal(started.code, 0, started.stderr);
  const reply = (await get(Number(port))) as unknown as { port: string; given: string | null };
  assert.deepEqual([reply.port, reply.given], [port, null]);
});
