import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('describe takes one app: `all` is refused naming the reason, with or without apps', async () => {
  for (const apps of [0, 1]) {
    if (apps === 1) await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
    const result = await hive.run(['describe', 'all']);
    assert.equal(result.code, 1, `${apps} app(s)`);
    assert.match(
      result.stderr,
      /ERR_HIVE_APP_NOT_FOUND: no app named or numbered "all"; describe takes one app/,
      `${apps} app(s)`,
    );
  }
  // The reason follows the quoted target, not inside it.
  for (const [command, reason] of [
    [['scale', 'all', '2'], 'scale takes one app'],
    [['env', 'all'], 'env takes one app'],
  ] as const) {
    const result = await hive.run([...command]);
    assert.equal(result.code, 1, command.join(' '));
    assert.match(result.stderr, new RegExp(`no app named or numbered "all"; ${reason}`), command.join(' '));
  }
  assert.doesNotMatch(hive.readLog('../daemon.log'), /describe failed/);
  await hive.json(['delete', 'all']);
});

test("logs all is every app, as logs with no target: only the daemon's own lines with no apps, each app with some", async () => {
  const none = await hive.run(['logs', 'all']);
  assert.deepEqual([none.code, none.stderr], [0, '']);
  // No target (`all`) shows the daemon's own lines (its start) too, under daemon.log's header.
  const [header, ...daemon] = none.stdout.split('\n').filter(Boolean);
  assert.equal(header, `==> ${join(hive.home, 'daemon.log')} <==`, none.stdout);
  assert.ok(daemon.length > 0 && daemon.every((line) => line.startsWith('hive | ')), none.stdout);

  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'one']);
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'two']);
  for (const name of ['one', 'two']) {
    await waitFor(() => hive.readLog(`${name}-out.log`).includes('ticker 0 started'), `${name}'s output`);
  }
  const some = await hive.run(['logs', 'all', '--lines', '5']);
  assert.equal(some.code, 0, some.stderr);
  assert.match(some.stdout, /\[one:0\] ticker 0 started/);
  assert.match(some.stdout, /\[two:0\] ticker 0 started/);
});
