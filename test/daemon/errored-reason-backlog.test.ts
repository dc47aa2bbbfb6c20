// A slot that crash-looped is the app's last error, named by the stderr tail of the primary's errored event: the tail
// the primary keeps itself, before its bound drops the app's lines while the daemon is far behind. The last error was
// the tail's last 3 lines, which of a Node crash report are its stack's end and the `Node.js v20.x` footer.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type Described, pidOf, readOrEmpty, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

// Each run counts itself; the first waits for `GO`, then writes 40 MiB to stdout, far over the primary's 16 MiB bound
// while the daemon reads nothing.
const app = `const fs = require('node:fs');
fs.appendFileSync(process.env.RUNS, 'run\\n');
if (fs.readFileSync(process.env.RUNS, 'utf8').length === 4) {
  while (!fs.existsSync(process.env.GO)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  const chunk = ('x'.repeat(1023) + '\\n').repeat(1024);
  for (let i = 0; i < 40; i++) fs.writeSync(1, chunk);
}
throw new Error('boom after the flood');
`;

// What a process's descriptors are open on (\`pipe:[n]\`, \`socket:[n]\`, files).
function openFiles(pid: number): Set<string> {
  const fds = join('/proc', String(pid), 'fd');
  const links = new Set<string>();
  for (const fd of readdirSync(fds)) {
    try {
      links.add(readlinkSync(join(fds, fd)));
    } catch {}
  }
  return links;
}

test('a crash loop under a log backlog: describe names the error from the errored event, lines dropped or not', async () => {
  const script = join(hive.dir, 'flood-throw.cjs');
  writeFileSync(script, app);
  const runs = join(hive.dir, 'runs');
  const go = join(hive.dir, 'go');
  const env = { RUNS: runs, GO: go };
  // Every crash counts toward --max-restarts however long the run (the first floods for a while): errored at the
  // second.
  const loop = ['--max-restarts', '1', '--min-uptime', '1h'];
  await hive.json(['start', script, '-x', '--name', 'ft', ...loop], { env });
  const primary = pidOf(await hive.json<Described>(['describe', 'ft']), 'primary');
  const daemon = await hive.daemonPid();
  assert.ok(daemon);
  // The daemon reads nothing: the primary's output piles up past its bound, and the app's lines after are dropped.
  process.kill(daemon, 'SIGSTOP');
  try {
    // With the first run's stdout, stderr and IPC channel among them: it waits for GO.
    const withFirst = openFiles(primary);
    writeFileSync(go, '');
    // Both runs (the crash, its restart's crash) have ended, and the primary has read
    // their output to its end: it closed the first's three descriptors, and holds none it did not hold then (the
    // second's).
    await waitFor(
      () => {
        const open = openFiles(primary);
        const closedAll = [...open].every((file) => withFirst.has(file)) && open.size <= withFirst.size - 3;
        return readOrEmpty(runs) === 'run\nrun\n' && closedAll;
      },
      'both runs to crash and their output to be read',
      120_000,
    );
  } finally {
    process.kill(daemon, 'SIGCONT');
  }
  const errored = await waitFor(async () => {
    const app = await hive.json<Described>(['describe', 'ft']);
    return app.status === 'errored' && app.lastError ? app : undefined;
  }, 'the app to be errored');
  assert.equal(errored.lastError, 'worker 0 crash-looped: Error: boom after the flood');
  const described = await hive.run(['describe', 'ft']);
  assert.match(described.stdout, /last error\s+worker 0 crash-looped: Error: boom after the flood\n/);
  // The scenario: the app's own report of the crash was dropped (the gap is counted), the errored event's quote not.
  assert.doesNotMatch(hive.readLog('ft-error.log'), /boom after the flood/);
  const daemonLog = readFileSync(join(hive.home, 'daemon.log'), 'utf8');
  assert.match(daemonLog, /ft: warning: \d+ line\(s\) of the app's output dropped/);
  assert.match(
    daemonLog,
    /ft: worker 0 crash-looped .*Last stderr lines:\n(?: {2}.*\n)*? {2}Error: boom after the flood\n/,
  );
  assert.ok(existsSync(go));
  await hive.json(['delete', 'ft']);
});
