import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, test } from 'node:test';
import { setTimeout } from 'node:timers/promises';
import { poll } from '../poll.js';
import { fixture, freePort, hiveBin } from './helpers.js';

const children = new Set<ReturnType<typeof spawn>>();
after(() => {
  for (const child of children) child.kill('SIGKILL');
});

// `hive run` in its text log format: the lines a user reads.
function runText(args: string[]) {
  const child = spawn(process.execPath, [hiveBin, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: string[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  return { child, lines, exited };
}

function readyPid(lines: string[], instance: number, not?: number): number | undefined {
  for (const line of lines.toReversed()) {
    const match = new RegExp(`worker ${instance} \\(pid (\\d+)\\) ready$`).exec(line);
    if (match) return Number(match[1]) === not ? undefined : Number(match[1]);
  }
  return undefined;
}

for (const balance of [[], ['--sticky', 'ip']]) {
  const mode = balance.length === 0 ? 'rr' : 'sticky';
  test(`${mode}: a worker SIGTERMed from outside is logged as retired and restarted, not as a crash`, async () => {
    const port = await freePort();
    const hive = runText([fixture('app.js'), '-i', '2', '--port', String(port), ...balance]);
    const pid = await poll(() => readyPid(hive.lines, 0), 'worker 0 ready', { timeoutMs: 60_000 });
    // Past --min-uptime (1 s by default): an earlier exit is a crash for the restart rules (self-sigterm-loop.test.ts).
    await setTimeout(1_200);
    process.kill(pid, 'SIGTERM');
    await poll(() => readyPid(hive.lines, 0, pid), 'worker 0 restarted');
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
