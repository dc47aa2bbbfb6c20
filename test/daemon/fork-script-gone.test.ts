// A fork-mode app that node runs (Hive's Node, or a Node.js interpreter named) whose script is gone: node spawned all
// the same, and a fork process counts as ready once spawned, so `hive restart` and `hive resurrect` said online (exit 0)
// and the app crash-looped to errored with MODULE_NOT_FOUND. Its start fails now as a cluster app's does
// (hunt-resurrect-deleted-script.test.ts): ERR_HIVE_SCRIPT_NOT_FOUND, and a resurrect tries it again in the background.
import assert from 'node:assert/strict';
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const describe = (name: string) => hive.json<App>(['describe', name]);

/** A Node script that runs until stopped, in the test's folder; returns its path. */
function script(name: string): string {
  const file = join(hive.dir, name);
  writeFileSync(file, 'setInterval(() => {}, 1 << 30);\n');
  return file;
}

test('restart of a fork-mode node app whose script is gone fails naming it, as a cluster app does', async () => {
  const byHive = script('by-hive.js');
  const byInterpreter = script('by-interpreter.js');
  await hive.json(['start', byHive, '-x', '--name', 'by-hive']);
  await hive.json(['start', byInterpreter, '--interpreter', process.execPath, '--name', 'by-interpreter']);
  for (const [name, file] of [
    ['by-hive', byHive],
    ['by-interpreter', byInterpreter],
  ] as const) {
    assert.equal((await describe(name)).mode, 'fork');
    renameSync(file, `${file}.moved`);
    const restarted = await hive.run(['restart', name]);
    assert.equal(restarted.code, 1, restarted.stdout);
    assert.match(
      restarted.stderr,
      new RegExp(
        `ERR_HIVE_APP_OPERATION: .*did not start: ERR_HIVE_SCRIPT_NOT_FOUND: The script .*${name}\\.js does not exist`,
      ),
    );
    const app = await describe(name);
    assert.equal(app.status, 'errored');
    assert.match(app.lastError ?? '', /ERR_HIVE_SCRIPT_NOT_FOUND/);
  }
});

test('resurrect of a fork-mode node app whose script is gone tries it again in the background', async () => {
  await hive.json(['delete', 'all']);
  const file = script('job.js');
  const config = hive.writeConfig([{ name: 'job', script: file, exec_mode: 'fork' }], 'ecosystem.config.js');
  const [started] = await hive.json<App[]>(['start', config]);
  assert.equal(started!.status, 'online');
  await hive.json(['save']);
  await hive.json(['kill']);
  renameSync(file, `${file}.moved`);

  const resurrected = await hive.run(['resurrect', '--json']);
  assert.equal(resurrected.code, 0, resurrected.stderr);
  assert.match(
    resurrected.stderr,
    /app "job" did not start yet; trying again in the background: .*ERR_HIVE_SCRIPT_NOT_FOUND: The script .*job\.js does not exist/,
  );
  const [app] = JSON.parse(resurrected.stdout.trim().split('\n').at(-1)!) as App[];
  assert.equal(app!.status, 'starting');

  // The script back (a mount mounted at last): a try of the background's starts it.
  renameSync(`${file}.moved`, file);
  const online = await waitFor(async () => {
    const now = await describe('job');
    return now.status === 'online' ? now : undefined;
  }, 'the app to be online');
  for (const p of online.processes) hive.pids.add(p.pid);
});

test('reload or scale up of a fork-mode node app whose script is gone is refused; the running process keeps on', async () => {
  await hive.json(['delete', 'all']);
  const file = script('kept.js');
  await hive.json(['start', file, '-x', '--name', 'kept']);
  const before = await describe('kept');
  renameSync(file, `${file}.moved`);
  for (const command of [
    ['reload', 'kept'],
    ['scale', 'kept', '2'],
  ]) {
    const refused = await hive.run(command);
    assert.equal(refused.code, 1, `${command.join(' ')}: ${refused.stdout}`);
    assert.match(refused.stderr, /The script .*kept\.js does not exist/, command[0]);
  }
  const after = await describe('kept');
  assert.equal(after.status, 'online');
  const pids = (app: App) => app.processes.map((process) => `${process.role} ${process.pid}`);
  assert.deepEqual(pids(after), pids(before), JSON.stringify([before.processes, after.processes]));
});
