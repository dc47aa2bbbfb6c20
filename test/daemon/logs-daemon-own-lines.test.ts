// The daemon's own lines in daemon.log (its start, an uncaught error of its own) are no app's. `uncaught: <stack>`
// was read as a line of an app named `uncaught`: `hive logs -f` with no target gave it that app (and so would
// `hive logs uncaught` for such an app). They are now worded as no app's line is, shown by `hive logs` with no
// target as the daemon's (`--json`: `app` null), and never with a target.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type FollowedLine, followLogs } from './follow-logs.js';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
const thrown = /hive-test: thrown in the daemon \((\d+)\)/;

const logsJson = async (args: string[]): Promise<FollowedLine[]> => {
  const result = await hive.run(['logs', ...args, '--lines', '1000', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FollowedLine);
};

// The daemon (started with the fixture that makes it throw on SIGUSR2) throws its `n`th error.
async function daemonThrows(n: number): Promise<void> {
  process.kill((await hive.daemonPid())!, 'SIGUSR2');
  await waitFor(
    () => hive.readLog('../daemon.log').includes(`hive-test: thrown in the daemon (${n})`),
    `the daemon's uncaught error ${n} in daemon.log`,
  );
}

// The daemon's uncaught error `n` as `hive logs` printed it: its first line and the lines of its stack.
function errorLines(lines: FollowedLine[], n: number): FollowedLine[] {
  const first = lines.findIndex((line) => line.stream === 'hive' && thrown.exec(line.line)?.[1] === String(n));
  if (first === -1) return [];
  const stack = lines.slice(first + 1).filter((line) => line.stream === 'hive');
  const end = stack.findIndex((line) => !/^\s+at /.test(line.line));
  return [lines[first]!, ...stack.slice(0, end === -1 ? stack.length : end)];
}

test('setup: a daemon that throws on SIGUSR2, and an app named `uncaught`', async () => {
  const options = `${process.env.NODE_OPTIONS ?? ''} --import=${daemonFixture('throw-on-sigusr2.mjs')}`;
  await hive.json(['ls'], { env: { NODE_OPTIONS: options } });
  const script = join(hive.dir, 'uncaught.sh');
  writeFileSync(script, '#!/bin/sh\necho "up"\nexec sleep 1000\n', { mode: 0o755 });
  await hive.json(['start', script, '--name', 'uncaught']);
  await waitFor(() => hive.readLog('uncaught-out.log').includes('up'), 'the app `uncaught` to run');
  await daemonThrows(1);
});

test("hive logs with no target shows the daemon's own lines as the daemon's: app null, an error with its stack", async () => {
  const lines = await logsJson([]);
  const error = errorLines(lines, 1);
  assert.ok(error.length > 1, JSON.stringify(lines));
  assert.match(error[0]!.line, /^\S+Z uncaught exception: Error: hive-test: thrown in the daemon \(1\)$/);
  assert.deepEqual(
    error.filter((line) => line.app !== null),
    [],
  );
  // Its start, and the app's lines as the app's.
  assert.ok(
    lines.some((line) => line.app === null && /^\S+Z daemon \S+ pid \d+ listening on /.test(line.line)),
    JSON.stringify(lines),
  );
  assert.ok(
    lines.some((line) => line.app === 'uncaught' && /^\S+Z uncaught: primary pid \d+ started$/.test(line.line)),
    JSON.stringify(lines),
  );
  // `all` is no target.
  assert.deepEqual(errorLines(await logsJson(['all']), 1), error);
});

test("hive logs <app> shows none of the daemon's own lines, even for an app named `uncaught`", async () => {
  const lines = await logsJson(['uncaught']);
  assert.ok(
    lines.some((line) => line.app === 'uncaught' && /^\S+Z uncaught: primary pid \d+ started$/.test(line.line)),
    JSON.stringify(lines),
  );
  assert.deepEqual(
    lines.filter((line) => line.stream === 'hive' && !/^\S+Z uncaught: /.test(line.line)),
    [],
  );
});

test("hive logs -f with no target prints the daemon's uncaught error as the daemon's, not an app's", async (t) => {
  const follower = await followLogs(t, hive, 'uncaught', '');
  await daemonThrows(2);
  await waitFor(() => errorLines(follower.lines(), 2).length > 1, 'the uncaught error and its stack, followed');
  const error = errorLines(follower.lines(), 2);
  assert.match(error[0]!.line, /^\S+Z uncaught exception: Error: hive-test: thrown in the daemon \(2\)$/);
  assert.deepEqual(
    error.filter((line) => line.app !== null),
    [],
  );

  const app = await followLogs(t, hive, 'uncaught');
  await daemonThrows(3);
  await hive.json(['restart', 'uncaught']);
  await waitFor(
    () => app.lines().some((line) => line.stream === 'hive' && /uncaught: app online/.test(line.line)),
    "the app's restart, followed",
  );
  assert.deepEqual(
    app.lines().filter((line) => line.stream === 'hive' && !/^\S+Z uncaught: /.test(line.line)),
    [],
  );
});
