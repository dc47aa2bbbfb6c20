// The runtime's shared pool() attached no 'error' listener, so a pool failure that no task carries (a thread that
// died while idle, a task module that failed to load) left no line in the instance's log. Each is now one line on
// stderr, prefixed with the instance like the app's own output, and the app's own listener still gets it.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixture, freePort, killAll, startHiveText } from '../cluster/helpers.js';
import { poll } from '../poll.js';

after(killAll);

test("a shared pool's error events are logged, one line each with the instance prefix; the app's listener gets them", async () => {
  const port = await freePort();
  const hive = startHiveText([fixture('pool-errors-app.mjs'), '-i', '1', '--port', String(port), '--name', 'perr']);
  let stderr = '';
  hive.child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const hiveLines = () => stderr.split('\n').filter((line) => line.includes('hive: the shared pool of'));
  await poll(
    () => hiveLines().some((line) => line.includes('ERR_HIVE_THREAD_EXITED')),
    "the idle thread's death in the log",
    { timeoutMs: 60_000 },
  );
  await poll(
    () => hiveLines().some((line) => line.includes('ERR_HIVE_TASK_MODULE')),
    'the failed module load in the log',
    { timeoutMs: 60_000 },
  );
  await poll(
    () => hive.lines.some((line) => line.includes('app listener: ERR_HIVE_THREAD_EXITED')),
    "the app's listener",
  );
  hive.child.kill('SIGTERM');
  await hive.exited;
  const crash = hiveLines().find((line) => line.includes('ERR_HIVE_THREAD_EXITED'))!;
  assert.match(
    crash,
    /^\[perr:0\] .*hive: the shared pool of .*pool-errors-task\.mjs: ERR_HIVE_THREAD_EXITED: .*idle thread crash/,
  );
  const load = hiveLines().find((line) => line.includes('ERR_HIVE_TASK_MODULE'))!;
  assert.match(load, /^\[perr:0\] .*pool-errors-broken\.mjs: ERR_HIVE_TASK_MODULE: .*module load failure/);
  assert.ok(hive.lines.some((line) => line.includes('broken run: ERR_HIVE_TASK_MODULE')));
});
