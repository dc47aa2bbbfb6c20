// hive bench arguments that ran away rather than fail: a --report on the kernel's own file systems (/proc, /sys) passed
// the writable check as root, and after the run Node's recursive mkdir there never settled (100% CPU, SIGTERM
// ignored); `-c 1000000` ran 5 minutes of a 1 s run and died out of memory; a server slower than --duration was said
// to close each connection without an answer.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { runHive, tempDir } from '../cluster/helpers.js';

const dir = tempDir('hive-bench-limits-');
// No nginx: the only configuration asked for is skipped, so no server starts and the report is all that is written.
const env = { HIVE_NGINX: join(dir, 'no-nginx') };

test('--report on /proc or /sys is refused before the run (exit 2), never left to hang after it', async () => {
  for (const report of ['/proc/hive-bench-x/report.md', '/sys/hive-bench-x/report.md']) {
    const { code, stdout, stderr } = await runHive(['bench', '--only', 'nginx-cluster-pool', '--report', report], env);
    assert.equal(code, 2, `${report}: ${stderr}`);
    assert.equal(stdout, '');
    const why =
      process.getuid?.() === 0 ? /is on (proc|sysfs), the kernel's, where no file can be made\)/ : /\(EACCES\)/;
    assert.match(stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected --report to be a file that can be written/);
    assert.match(stderr, why);
  }
});

test('--connections above 10000 is refused (exit 2), with or without a URL', async () => {
  for (const args of [
    ['-c', '10001'],
    ['http://127.0.0.1:9/', '-c', '1000000'],
  ]) {
    const { code, stderr } = await runHive(['bench', ...args, '-d', '1']);
    assert.equal(code, 2, stderr);
    assert.match(stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected --connections to be .*10000/);
  }
});

test('a server slower than the run: its requests were still waiting, not closed on', async () => {
  const server = createServer((_req, res) => {
    setTimeout(() => res.end('late'), 4_000).unref();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const { code, stdout, stderr } = await runHive([
      'bench',
      `http://127.0.0.1:${port}/`,
      '-d',
      '1',
      '-c',
      '2',
      '--json',
    ]);
    assert.equal(code, 1, stderr);
    const report = JSON.parse(stdout);
    assert.equal(report.requests, 0);
    assert.equal(report.sent, 2);
    assert.equal(
      stderr,
      "hive bench: no response within the run (2 requests sent, none answered: each connection's first request was " +
        'still waiting when it ended): a response slower than --duration; give a longer one: the run failed\n',
    );
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
