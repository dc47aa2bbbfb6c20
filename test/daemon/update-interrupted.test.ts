// A `hive update` cut short while the old daemon stopped a slow app (Ctrl-C, a closed terminal) left every app down,
// and the "saved" line that tells where they are came only at the end. The line now comes before the stop, and SIGINT
// is held off until the apps are back under this build's daemon.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { type Described, daemonFixture, hiveBin, isAlive, tempHome } from './helpers.js';

const hive = tempHome();

test('hive update says where the apps are saved before the stop, and a SIGINT during the stop does not cut it short', async () => {
  // A fork app that ignores SIGTERM: the old daemon's stop takes its whole --kill-timeout.
  await hive.json(['start', daemonFixture('ignores-term.sh'), '--name', 'slow', '--kill-timeout', '2s']);
  const old = (await hive.daemonPid())!;

  const update = spawn(process.execPath, [hiveBin, 'update'], { env: { ...process.env, HIVE_HOME: hive.home } });
  let stdout = '';
  let stderr = '';
  update.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string | null>((resolve) =>
    update.on('exit', (code, signal) => resolve(code ?? signal)),
  );
  const oldAliveAtSaved = await new Promise<boolean>((resolve, reject) => {
    update.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!stdout.includes('saved 1 app(s)')) return;
      const alive = isAlive(old);
      update.kill('SIGINT');
      update.kill('SIGINT');
      resolve(alive);
    });
    update.on('exit', () => reject(new Error(`update ended before its saved line: ${stdout} ${stderr}`)));
  });
  assert.equal(oldAliveAtSaved, true, 'the saved line comes while the old daemon still runs');
  assert.equal(await exited, 0, `${stdout}\n${stderr}`);
  assert.equal(stderr.match(/SIGINT ignored: the apps are being moved/g)?.length, 1, stderr);
  const pid = await hive.daemonPid();
  assert.notEqual(pid, old);
  const [app] = await hive.json<Described[]>(['ls']);
  assert.deepEqual([app?.name, app?.status], ['slow', 'online']);

  // With no daemon (an update ended by kill -9 after the stop), the apps it saved are said to be in the dump.
  await hive.json(['kill']);
  const again = await hive.run(['update']);
  assert.equal(again.code, 0, again.stderr);
  assert.match(
    again.stdout,
    /^no daemon running; nothing to update; 1 app\(s\) are saved in .*dump\.json: `hive resurrect` brings them back$/m,
  );
});
