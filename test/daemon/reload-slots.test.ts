import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { DaemonClient } from '../../dist/daemon/client.js';
import { hivePaths } from '../../dist/daemon/paths.js';
import type { ReloadProgress, ReloadSlot } from '../../dist/daemon/protocol.js';
import { appFixture, daemonFixture, hiveBin, tempHome } from './helpers.js';

const hive = tempHome();

type App = {
  name: string;
  ready: number;
  processes: { role: string; pid: number; instance: number | null }[];
  reload?: ReloadSlot[];
};
const workers = (app: App) => app.processes.filter((p) => p.role === 'worker').map((p) => p.pid);

test('hive reload reports each slot: old pid, new pid, ms to ready; progress frames while it runs', async () => {
  await hive.json(['start', appFixture, '-i', '2', '--name', 'r']);
  const before = workers(await hive.json<App>(['describe', 'r']));

  const [reloaded] = await hive.json<App[]>(['reload', 'r']);
  const after = workers(await hive.json<App>(['describe', 'r']));
  assert.deepEqual(
    reloaded!.reload!.map((s) => s.instance),
    [0, 1],
  );
  for (const slot of reloaded!.reload!) {
    assert.ok(before.includes(slot.oldPid!), `old pid ${slot.oldPid} was a worker before`);
    assert.ok(after.includes(slot.newPid!), `new pid ${slot.newPid} is a worker now`);
    assert.ok(slot.readyMs !== null && slot.readyMs >= 0);
  }

  // The text output: a line per slot, then the app table.
  const text = await hive.run(['reload', 'r']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^app\s+slot\s+old pid\s+new pid\s+ready in$/m);
  assert.match(text.stdout, /^r\s+0\s+\d+\s+\d+\s+\d+ ms$/m);
  assert.match(text.stdout, /^r\s+1\s+\d+\s+\d+\s+\d+ ms$/m);
  assert.match(text.stdout, /^0\s+r\s+cluster\s+2\/2\s+online/m);
  assert.equal(text.stderr, '', 'no progress when stderr is not a terminal');

  // Progress frames over the control protocol, one per slot, before the reply.
  const client = (await DaemonClient.connect({ start: false, paths: hivePaths({ HIVE_HOME: hive.home }) }))!;
  const frames: ReloadProgress[] = [];
  try {
    const apps = await client.request<App[]>('reload', { target: 'r' }, (p) => frames.push(p as ReloadProgress));
    assert.deepEqual(
      frames.map((f) => [f.app, f.done, f.total]),
      [
        ['r', 1, 2],
        ['r', 2, 2],
      ],
    );
    assert.deepEqual(
      frames.map((f) => f.slot.newPid),
      apps[0]!.reload!.map((s) => s.newPid),
    );
  } finally {
    client.close();
  }

  // Fork mode reports its slots the same way.
  await hive.json(['start', daemonFixture('ticker.sh'), '-i', '2']);
  const forkBefore = workers(await hive.json<App>(['describe', 'ticker']));
  const [ticker] = await hive.json<App[]>(['reload', 'ticker']);
  assert.deepEqual(
    ticker!.reload!.map((s) => [s.instance, forkBefore.includes(s.oldPid!), s.newPid !== null]),
    [
      [0, true, true],
      [1, true, true],
    ],
  );
});

test('on a terminal, hive reload shows its progress', { skip: !hasScript() }, async () => {
  // util-linux `script` gives the command a pseudo-terminal.
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(hiveBin)} reload r`;
  const reload = (term: string) =>
    spawnSync('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, HIVE_HOME: hive.home, TERM: term },
      encoding: 'utf8',
      timeout: 60_000,
    });
  const result = reload('xterm');
  assert.equal(result.status, 0, result.stdout);
  assert.ok(result.stdout.includes('\r\x1b[Kreloading r 1/2...'), JSON.stringify(result.stdout));
  assert.ok(result.stdout.includes('\r\x1b[Kreloading r 2/2...'), JSON.stringify(result.stdout));
  assert.match(result.stdout, /^r\s+1\s+\d+\s+\d+\s+\d+ ms\r?$/m);
  // A dumb terminal cannot rewrite a line: a plain one each.
  const dumb = reload('dumb');
  assert.equal(dumb.status, 0, dumb.stdout);
  assert.match(dumb.stdout, /^reloading r 1\/2\r?\nreloading r 2\/2\r?$/m);
  assert.ok(!dumb.stdout.includes('\x1b[K'), JSON.stringify(dumb.stdout));
});

function hasScript(): boolean {
  return spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
}
