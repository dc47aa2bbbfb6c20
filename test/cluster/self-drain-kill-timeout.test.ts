import assert from 'node:assert/strict';
import http from 'node:http';
import { after, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { poll } from '../poll.js';
import { fixture, freePort, killAll, startHiveText, textReadyPid } from './helpers.js';

after(killAll);

test('a worker SIGTERMed from outside whose drain never ends is SIGKILLed after --kill-timeout and replaced', async () => {
  const port = await freePort();
  const hive = startHiveText([fixture('app.js'), '-i', '1', '--port', String(port), '--kill-timeout', '1s']);
  const pid = await poll(() => textReadyPid(hive.lines, 0), 'worker 0 ready', { timeoutMs: 60_000 });
  // Past --min-uptime (1 s by default): an earlier exit is a crash for the restart rules (self-sigterm-loop.test.ts).
  await setTimeout(1_200);
  // Its gate file never appears: the request never ends, so neither does the drain.
  const request = http.get({ port, host: '127.0.0.1', path: '/slow?gate=/nonexistent/hive-never', agent: false });
  request.on('error', () => {});
  await poll(() => hive.lines.some((line) => line.includes('slow request received')), 'the slow request in flight');
  process.kill(pid, 'SIGTERM');
  // On the old code the process drains for ever and its slot is never refilled: bounded here, not by the test runner.
  await poll(() => textReadyPid(hive.lines, 0, pid), 'worker 0 replaced', { timeoutMs: 30_000 });
  // Its replacement is forked at once, and serves before the old one's drain ends (sigterm-handover.test.ts).
  const exited = `worker 0 (pid ${pid}) exited`;
  await poll(() => hive.lines.some((line) => line.includes(exited)), 'the old one killed', { timeoutMs: 30_000 });
  const text = hive.lines.join('\n');
  // Then what its drain waited on, from its last metrics report, which may or may not have seen the request yet.
  assert.match(text, new RegExp(`worker 0 \\(pid ${pid}\\) overran killTimeout; SIGKILL sent( \\(.*\\))?$`, 'm'));
  assert.match(
    text,
    new RegExp(`worker 0 \\(pid ${pid}\\) exited with signal SIGKILL \\(retired on a SIGTERM sent to it\\)$`, 'm'),
  );
  assert.match(text, /restarting worker 0 \(a retirement, not a crash: not counted in restarts\)$/m);
  assert.doesNotMatch(text, /crash\)|attempt/);
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  hive.child.kill('SIGTERM');
  assert.equal(await hive.exited, 0);
});
