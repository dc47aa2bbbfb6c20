import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appFixture, tempHome, waitFor } from './helpers.js';
import { connectTo, homeProcesses, waitForApp } from './home-processes.js';

// Commands on one app run one after another, in the order they reach the daemon: a command that arrives while another
// runs waits for it (docs/cli.md). Each test sends the second command once the first is seen under way.

type App = { name: string; status: string; processes: { role: string; pid: number }[] };

const hive = tempHome();

/** Every process of the home but the daemon belongs to an app `ls` shows (nothing runs that the daemon forgot). */
async function assertNoOrphans(): Promise<void> {
  const daemon = await hive.daemonPid();
  await waitFor(async () => {
    const known = new Set((await hive.json<App[]>(['ls'])).flatMap((app) => app.processes.map((p) => p.pid)));
    for (const pid of homeProcesses(hive.home)) hive.pids.add(pid);
    return homeProcesses(hive.home).every((pid) => pid === daemon || known.has(pid));
  }, 'every process of the home to belong to an app the daemon lists');
}

function spec(name: string) {
  return {
    name,
    script: appFixture,
    cwd: '/tmp',
    runArgs: [appFixture, '--instances=1', '--'],
    env: {},
    instances: '1',
  };
}

test('delete during a restart deletes the app after the restart: no primary is left running unknown', async () => {
  await hive.json(['start', appFixture, '-i', '1', '--name', 'web']);
  const [first, second] = [await connectTo(hive.home), await connectTo(hive.home)];
  try {
    const restart = first.request<App[]>('restart', { target: 'web' });
    await waitForApp(second, 'web', (app) => app.status !== 'online', 'the restart to begin');
    const deleted = second.request<App[]>('delete', { target: 'web' });
    // Each reply is the app as its own command left it (the delete was already waiting when the restart ended).
    assert.deepEqual(
      (await restart).map((app) => app.status),
      ['online'],
    );
    assert.deepEqual(
      (await deleted).map((app) => app.status),
      ['stopped'],
    );
  } finally {
    first.close();
    second.close();
  }
  assert.deepEqual(
    (await hive.json<App[]>(['ls'])).map((app) => app.name),
    [],
  );
  await assertNoOrphans();
});

test('delete all during a start of another app deletes only the apps it found; the new app stays, known', async () => {
  await hive.json(['start', appFixture, '-i', '1', '--name', 'a']);
  const [first, second] = [await connectTo(hive.home), await connectTo(hive.home)];
  try {
    const deleted = first.request<App[]>('delete', { target: 'all' });
    // Begun, or already over: a one-process app can be gone before the first look.
    await waitForApp(second, 'a', (app) => app.status !== 'online', 'the delete to begin').catch((error) => {
      if ((error as { code?: string }).code !== 'ERR_HIVE_APP_NOT_FOUND') throw error;
    });
    const started = second.request<App>('start', { app: spec('b') });
    assert.deepEqual(
      (await deleted).map((app) => app.name),
      ['a'],
    );
    assert.equal((await started).status, 'online');
  } finally {
    first.close();
    second.close();
  }
  const apps = await hive.json<App[]>(['ls']);
  assert.deepEqual(
    apps.map((app) => [app.name, app.status]),
    [['b', 'online']],
  );
  await assertNoOrphans();
  await hive.json(['delete', 'b']);
});

test('stop during a restart runs after it: the app ends stopped, not online', async () => {
  await hive.json(['start', appFixture, '-i', '1', '--name', 'c']);
  const [first, second] = [await connectTo(hive.home), await connectTo(hive.home)];
  try {
    const restart = first.request('restart', { target: 'c' });
    await waitForApp(second, 'c', (app) => app.status !== 'online', 'the restart to begin');
    const stopped = second.request('stop', { target: 'c' });
    await restart;
    await stopped;
  } finally {
    first.close();
    second.close();
  }
  const app = await hive.json<App>(['describe', 'c']);
  assert.deepEqual([app.status, app.processes], ['stopped', []]);
  await assertNoOrphans();
  // A command after a delete is refused naming the app, not run on an app the table no longer has.
  await hive.json(['delete', 'c']);
  const again = await hive.run(['restart', 'c']);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /ERR_HIVE_APP_NOT_FOUND/);
});
