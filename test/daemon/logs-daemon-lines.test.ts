// `pm2 logs` shows PM2's own lines about the app among the app's ("PM2 | App [api:0] exited with code [1]"): so does
// `hive logs`, with the daemon's lines about the selected apps only, marked as Hive's, and left out by --app-only.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type FollowedLine, followLogs } from './follow-logs.js';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// A fork-mode app that crashes on its first run (exit 1) and stays up once restarted.
async function startCrashOnce(name: string, extra: string[] = []): Promise<void> {
  const script = join(hive.dir, `${name}.sh`);
  const marker = join(hive.dir, `${name}.ran`);
  writeFileSync(
    script,
    `#!/bin/sh\nif [ ! -e ${marker} ]; then touch ${marker}; echo "first run, crashing"; exit 1; fi\n` +
      'echo "second run"\nexec sleep 1000\n',
    { mode: 0o755 },
  );
  await hive.json(['start', script, '--name', name, ...extra]);
  await waitFor(() => hive.readLog(`${name}-out.log`).includes('second run'), `${name} to run again after its crash`);
  await waitFor(
    () => new RegExp(`${name}: restarting worker 0`).test(hive.readLog('../daemon.log')),
    `the daemon's restart line for ${name}`,
  );
}

const logsJson = async (args: string[]): Promise<FollowedLine[]> => {
  const result = await hive.run(['logs', ...args, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FollowedLine);
};

test('hive logs <app> shows the daemon lines about the app, not about another; --app-only leaves them out', async () => {
  await startCrashOnce('crashy');
  await startCrashOnce('bystander');

  const result = await hive.run(['logs', 'crashy', '--lines', '50']);
  assert.equal(result.code, 0, result.stderr);
  const out = result.stdout.split('\n');
  assert.ok(out.includes('[crashy:0] first run, crashing'), result.stdout);
  assert.ok(out.includes('[crashy:0] second run'), result.stdout);
  const hiveLines = out.filter((line) => line.startsWith('hive | '));
  assert.ok(
    hiveLines.some((line) => /^hive \| \S+Z crashy: worker 0 \(pid \d+\) exited with code 1/.test(line)),
    result.stdout,
  );
  assert.ok(
    hiveLines.some((line) => /^hive \| \S+Z crashy: restarting worker 0/.test(line)),
    result.stdout,
  );
  // The other app crashed and restarted too: none of its lines is shown.
  assert.deepEqual(
    hiveLines.filter((line) => !/^hive \| \S+Z crashy: /.test(line)),
    [],
  );
  assert.ok(!result.stdout.includes('bystander'), result.stdout);

  const without = await hive.run(['logs', 'crashy', '--lines', '50', '--app-only']);
  assert.equal(without.code, 0, without.stderr);
  assert.ok(without.stdout.includes('[crashy:0] second run'), without.stdout);
  assert.ok(!without.stdout.includes('hive | '), without.stdout);
  assert.ok(!without.stdout.includes('restarting worker'), without.stdout);
});

test('hive logs --json gives the daemon lines the stream "hive"', async () => {
  const records = await logsJson(['crashy', '--lines', '50']);
  const daemon = records.filter((record) => record.stream === 'hive');
  assert.ok(
    daemon.some(
      (record) => record.app === 'crashy' && /crashy: worker 0 \(pid \d+\) exited with code 1/.test(record.line),
    ),
    JSON.stringify(records),
  );
  assert.deepEqual(
    daemon.filter((record) => record.app !== 'crashy' || record.line.includes('bystander')),
    [],
  );
  assert.ok(records.some((record) => record.stream === 'out' && record.line === '[crashy:0] second run'));
  assert.deepEqual(
    (await logsJson(['crashy', '--lines', '50', '--app-only'])).filter((record) => record.stream === 'hive'),
    [],
  );
});

test('hive logs <app> puts the daemon lines among the lines of an app with `time`, in time order', async () => {
  await startCrashOnce('timed', ['--time']);
  const result = await hive.run(['logs', 'timed', '--lines', '50']);
  assert.equal(result.code, 0, result.stderr);
  const out = result.stdout.split('\n');
  const first = out.findIndex((line) => line.endsWith('[timed:0] first run, crashing'));
  const restarting = out.findIndex((line) => /^hive \| \S+Z timed: restarting worker 0/.test(line));
  const second = out.findIndex((line) => line.endsWith('[timed:0] second run'));
  // The restart is logged before the new process is spawned, so before it writes.
  assert.ok(first !== -1 && restarting !== -1 && second !== -1, result.stdout);
  assert.ok(first < second && restarting < second, result.stdout);
  // Under the app's out log's header, not in a block of their own.
  assert.ok(!out.includes(`==> ${join(hive.home, 'daemon.log')} <==`), result.stdout);
});

test("hive logs <app> -f prints the daemon lines about the app as they come, and no other app's", async (t) => {
  const follower = await followLogs(t, hive, 'crashy');
  await hive.json(['restart', 'bystander']);
  await hive.json(['restart', 'crashy']);
  await waitFor(
    () => follower.lines().some((line) => line.stream === 'hive' && /crashy: app online/.test(line.line)),
    'the daemon line of the restart',
  );
  const daemon = follower.lines().filter((line) => line.stream === 'hive');
  assert.ok(
    daemon.some((line) => /crashy: app stopping/.test(line.line)),
    JSON.stringify(daemon),
  );
  assert.deepEqual(
    daemon.filter((line) => line.app !== 'crashy' || line.line.includes('bystander')),
    [],
  );

  // daemon.log emptied in place (`hive flush`, as its own copy-and-truncate rotation does): its new lines are read
  // from its start, whole.
  await hive.json(['flush']);
  await hive.json(['restart', 'crashy']);
  await waitFor(
    () =>
      follower.lines().filter((line) => line.stream === 'hive' && /Z crashy: app online$/.test(line.line)).length === 2,
    'the daemon line of the restart after the flush',
  );
});
