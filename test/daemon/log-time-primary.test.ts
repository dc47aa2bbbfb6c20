import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Described, pidOf, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const dir = hive.dir;

// A line on SIGUSR2 with the app's own time in it, padded so that its record stands out in the primary's writes.
const padding = 'x'.repeat(4_000);
const script = join(dir, 'mark.mjs');
writeFileSync(
  script,
  `#!/usr/bin/env node\nimport http from 'node:http';\nprocess.on('SIGUSR2', () => console.log(\`mark \${Date.now()} ${padding}\`));\nhttp.createServer().listen(0, '127.0.0.1', () => console.log('listening'));\n`,
  // Executable: `-x` runs it as a command (fork mode).
  { mode: 0o755 },
);

// Bytes a process has written (its write syscalls, pipes included).
const written = (pid: number): number => Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);

// Starts `name` with `flags`, stops the daemon while the app writes its line and the primary records it, and resolves
// with the line's stamp (by `stampOf`), the time the app wrote in it and a time by which the primary had recorded it.
async function stampAfterStall(
  name: string,
  flags: string[],
  stampOf: (line: string) => string,
): Promise<{ stamp: string; wrote: number; recordedBy: number }> {
  const [app] = await hive.json<Described[]>(['start', script, '--name', name, ...flags]);
  // Its SIGUSR2 handler is set (fork mode says a process online as it starts).
  await waitFor(() => readOrEmpty(app!.outFile).includes('listening'), 'the app listening');
  const worker = pidOf(app!, 'worker');
  const primary = pidOf(app!, 'primary');
  const daemon = await hive.daemonPid();
  assert.ok(daemon);
  const before = written(primary);
  // The daemon stopped: it reads the primary's record only once it runs again, later than the app wrote the line.
  process.kill(daemon, 'SIGSTOP');
  let recordedBy: number;
  try {
    process.kill(worker, 'SIGUSR2');
    // The primary has read the line and written its record (to the pipe the stopped daemon does not read).
    await waitFor(() => written(primary) - before > padding.length, 'the record written by the primary');
    recordedBy = Date.now();
    // A millisecond on, so that a stamp the daemon takes once it runs again is later than recordedBy.
    await sleep(5);
  } finally {
    process.kill(daemon, 'SIGCONT');
  }
  const line = await waitFor(
    () =>
      readOrEmpty(app!.outFile)
        .split('\n')
        .find((l) => l.includes('mark ')),
    'the line in the out file',
  );
  const wrote = /mark (\d+) x+/.exec(line);
  assert.ok(wrote, line);
  return { stamp: stampOf(line), wrote: Number(wrote[1]), recordedBy };
}

function assertPrimaryTime({ stamp, wrote, recordedBy }: { stamp: string; wrote: number; recordedBy: number }): void {
  const time = Date.parse(stamp);
  // The format the docs promise: ISO 8601, UTC, milliseconds.
  assert.equal(new Date(time).toISOString(), stamp);
  assert.ok(time >= wrote, `${stamp} is not before the app wrote the line (${wrote})`);
  assert.ok(time <= recordedBy, `${stamp} is after the record was written (${new Date(recordedBy).toISOString()})`);
}

test("time: true stamps a line with the primary's read time, not with when the daemon got to it", async () => {
  const result = await stampAfterStall('t', ['-i', '1', '--time'], (line) => {
    const match = /^(\S+) \[t:0\] mark \d+ x+$/.exec(line);
    assert.ok(match, line);
    return match[1]!;
  });
  assertPrimaryTime(result);
});

test("fork mode, logFormat json: the record's time is its primary's read time", async () => {
  const result = await stampAfterStall('j', ['-x', '--log-format', 'json'], (line) => {
    const record = JSON.parse(line) as { time: string; app: string; stream: string };
    assert.equal(record.app, 'j');
    assert.equal(record.stream, 'stdout');
    return record.time;
  });
  assertPrimaryTime(result);
});
