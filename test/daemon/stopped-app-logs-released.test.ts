// An app with no process left (a job that ended, a stop) has its log files closed in the daemon, as PM2 closes an
// app's streams as its process exits: a log removed or rotated away while the app is stopped gives its disk space
// back, and the next run writes into a new file at the path, not into the copy renamed away.
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appFixture, type Described, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();
after(() => hive.cleanup());

// The daemon's descriptors open on a path of the logs folder (a removed file shows as `<path> (deleted)`).
function openLogs(daemonPid: number, logsDir: string): string[] {
  const fds = `/proc/${daemonPid}/fd`;
  return readdirSync(fds).flatMap((fd) => {
    try {
      const target = readlinkSync(join(fds, fd));
      return target.startsWith(`${logsDir}/`) ? [target] : [];
    } catch {
      return [];
    }
  });
}

async function status(name: string): Promise<string | undefined> {
  const apps = await hive.json<Described[]>(['ls']);
  return apps.find((app) => app.name === name)?.status;
}

test('a fork-mode job that ended by itself no longer holds its log files open', async () => {
  const logs = join(hive.home, 'logs');
  const script = join(hive.dir, 'job.sh');
  writeFileSync(script, '#!/bin/sh\necho done\necho oops >&2\n', { mode: 0o755 });
  await hive.json(['start', script, '-x', '--name', 'job', '--no-autorestart']);
  const daemonPid = (await hive.daemonPid())!;
  await waitFor(async () => (await status('job')) === 'stopped', 'the job to end');
  await waitFor(
    () => !openLogs(daemonPid, logs).some((path) => path.includes('/job-')),
    `the job's logs closed in the daemon (open: ${openLogs(daemonPid, logs).join(', ')})`,
  );
  // Read once closed: `stopped` is said as the daemon ends the files, whose last writes may not have landed yet.
  const out = join(logs, 'job-out.log');
  assert.equal(readOrEmpty(out), '[job:0] done\n');
  assert.match(readOrEmpty(join(logs, 'job-error.log')), /\[job:0\] oops\n/);
  // Started again, it has them open again, and writes on after its earlier lines.
  await hive.json(['start', 'job']);
  await waitFor(() => readOrEmpty(out) === '[job:0] done\n[job:0] done\n', 'the second run in the same file');
});

test('a stopped cluster app writes its next run into a new file once its log was renamed away', async () => {
  const logs = join(hive.home, 'logs');
  await hive.json(['start', appFixture, '-i', '1', '--name', 'web']);
  const daemonPid = (await hive.daemonPid())!;
  const out = join(logs, 'web-out.log');
  await waitFor(() => readOrEmpty(out).includes('listening'), 'the first run to listen');
  await hive.json(['stop', 'web']);
  await waitFor(
    () => !openLogs(daemonPid, logs).some((path) => path.includes('/web')),
    `the stopped app's logs closed in the daemon (open: ${openLogs(daemonPid, logs).join(', ')})`,
  );
  renameSync(out, `${out}.rot`);
  const before = readOrEmpty(`${out}.rot`);
  await hive.json(['start', 'web']);
  await waitFor(() => readOrEmpty(out).includes('listening'), 'the next run in a new file at the path');
  assert.equal(readOrEmpty(`${out}.rot`), before);
  // `hive flush` of a stopped app still empties the files it no longer holds open.
  await hive.json(['stop', 'web']);
  await hive.json(['flush', 'web']);
  assert.equal(readOrEmpty(out), '');
});

test('an errored app, its primary waiting for a reload, no longer holds its log files open', async () => {
  const logs = join(hive.home, 'logs');
  const script = join(hive.dir, 'crash.sh');
  writeFileSync(script, '#!/bin/sh\necho up\nsleep 0.2\necho boom >&2\nexit 1\n', { mode: 0o755 });
  await hive.json(['start', script, '-x', '--name', 'crash', '--max-restarts', '1', '--min-uptime', '1h']);
  const daemonPid = (await hive.daemonPid())!;
  await waitFor(async () => (await status('crash')) === 'errored', 'the app to be errored');
  await waitFor(
    () => !openLogs(daemonPid, logs).some((path) => path.includes('/crash-')),
    `the errored app's logs closed in the daemon (open: ${openLogs(daemonPid, logs).join(', ')})`,
  );
  // Every line of both runs was written before.
  assert.equal(readOrEmpty(join(logs, 'crash-out.log')), '[crash:0] up\n[crash:0] up\n');
  assert.equal(readOrEmpty(join(logs, 'crash-error.log')).match(/\[crash:0\] boom\n/g)?.length, 2);
  // A reload brings a process back, and its lines go to the files, opened again.
  await hive.run(['reload', 'crash']);
  await waitFor(
    () => readOrEmpty(join(logs, 'crash-out.log')).split('\n').length > 3,
    'the reloaded run in the out file',
  );
});
