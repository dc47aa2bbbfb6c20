import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { poll } from '../poll.js';
import { fixture, freePort, killAll, startHiveText, textReadyPid } from './helpers.js';

after(killAll);

for (const balance of [[], ['--sticky', 'ip']]) {
  const mode = balance.length === 0 ? 'rr' : 'sticky';
  test(`${mode}: a worker SIGTERMed from outside is logged as retired and restarted, not as a crash`, async () => {
    const port = await freePort();
    const hive = startHiveText([fixture('app.js'), '-i', '2', '--port', String(port), ...balance]);
    const pid = await poll(() => textReadyPid(hive.lines, 0), 'worker 0 ready', { timeoutMs: 60_000 });
    // Past --min-uptime (1 s by default): an earlier exit is a crash for the restart rules (self-sigterm-loop.test.ts).
    await setTimeout(1_200);
    process.kill(pid, 'SIGTERM');
    await poll(() => textReadyPid(hive.lines, 0, pid), 'worker 0 restarted');
    // Its replacement is ready before it drains and exits (sigterm-handover.test.ts).
    const exited = `worker 0 (pid ${pid}) exited`;
    await poll(() => hive.lines.some((line) => line.includes(exited)), 'the old one exited');
    const text = hive.lines.join('\n');
    assert.match(
      text,
      new RegExp(`worker 0 \\(pid ${pid}\\) exited with code 0 \\(retired on a SIGTERM sent to it\\)$`, 'm'),
    );
    assert.match(text, /restarting worker 0 \(a retirement, not a crash: not counted in restarts\)$/m);
    assert.doesNotMatch(text, /crash\)|attempt/);
    hive.child.kill('SIGTERM');
    assert.equal(await hive.exited, 0);
  });
}
