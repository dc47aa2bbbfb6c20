// `hive flush` while an app's log file is rotated: the flush empties the file once the rotation's gzip is done, which
// for a large file takes longer than the client's 5 s bound of a flush (QUICK_REQUEST_TIMEOUT), and the command failed
// with ERR_HIVE_DAEMON_TIMEOUT though the daemon was at work on it. The daemon now says at once, and every second, that
// the flush waits for a rotation, which restarts that bound.
import assert from 'node:assert/strict';
import { existsSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { DaemonClient } from '../../dist/daemon/client.js';
import { hivePaths } from '../../dist/daemon/paths.js';
import type { FlushResult } from '../../dist/daemon/protocol.js';
import { rotatedLogCopies } from '../../dist/daemon/rotated-log-name.js';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();
// Sparse: no disk taken, but its gzip reads and compresses 256 MiB (seconds). The test does not count on that time,
// only on the flush coming while the gzip is under way: the daemon says at once that the flush waits (no word came
// before the fix, and a gzip longer than 5 s failed the flush), and that word restarts the client's bound.
const BIG = 256 * 1024 ** 2;

test('hive flush during a log rotation waits for its gzip, and says every second that it waits', async () => {
  const out = join(hive.dir, 'big-out.log');
  writeFileSync(out, '', { mode: 0o600 });
  // Grown by truncate, not written: a file of holes.
  truncateSync(out, BIG);
  const script = join(hive.dir, 'talk.js');
  writeFileSync(script, "console.log('up');\nsetInterval(() => {}, 1 << 30);\n");
  // Over maxSize at its first line: rotating-file-stream rotates the file as it opens it, gzipping it.
  const config = hive.writeConfig([
    {
      name: 'big',
      script,
      exec_mode: 'fork',
      out_file: out,
      logRotation: { maxSize: '1M', compress: true },
    },
  ]);
  await hive.json(['start', config]);
  // The gzip is under way: its copy is there, and the file it reads is not removed yet.
  await waitFor(
    () => rotatedLogCopies(out).length === 1 && existsSync(out) && statSync(out).size === BIG,
    'the rotation of the big file to begin',
  );

  const client = await DaemonClient.connect({ start: false, paths: hivePaths({ HIVE_HOME: hive.home }) });
  assert.ok(client);
  const frames: unknown[] = [];
  try {
    // The client's own bound of a flush (5 s), counted from the daemon's last word on it.
    const result = await client.request<FlushResult>('flush', { target: 'big' }, { onProgress: (p) => frames.push(p) });
    assert.ok(result.apps[0]?.files.includes(out), `emptied: ${JSON.stringify(result.apps)}`);
  } finally {
    client.close();
  }
  // Said at once (the flush knows it waits for a rotation), not only after a second: none came before the fix.
  assert.ok(frames.length >= 1, 'the daemon says that the flush waits');
  assert.deepEqual(frames[0], { waiting: 'rotation' });
  // The rotation is over by the time the flush answers: its copy is whole, and the file emptied.
  assert.ok(statSync(out).size < BIG, 'the file at the path is the new one');
});
