// `hive logs api | head -1` (or `| grep -q`) ends as `tail` and `pm2 logs` do: quietly, exit 0. Its reader gone in the
// middle of the last lines, the failed write's EPIPE was an uncaught error (a stack on stderr, exit 1): only the
// lines printed while following (-f) had a handler, the tail printed before them had none.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { test } from 'node:test';
import { outputOf } from '../cluster/helpers.js';
import { hiveBin, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

// Lines per stream: 30,000 of about 100 bytes, many times what a pipe holds, so that `hive logs` is still printing
// when the reader goes after its first chunk.
const LINES = 30_000;

test('hive logs ends with 0 and no error once the reader of its output is gone, with or without -f', async (t) => {
  const script = join(hive.dir, 'burst.sh');
  const burst = (stream: string) =>
    `awk 'BEGIN { for (i = 0; i < ${LINES}; i++) printf "${stream} %d %s\\n", i, "${'x'.repeat(80)}" }'`;
  writeFileSync(script, `#!/bin/sh\n${burst('out')}\n${burst('err')} >&2\nexec sleep 1000\n`, { mode: 0o755 });
  await hive.json(['start', script, '--name', 'burst']);
  const last = (stream: string) => `${stream} ${LINES - 1} `;
  await waitFor(
    () => hive.readLog('burst-out.log').includes(last('out')) && hive.readLog('burst-error.log').includes(last('err')),
    'the burst in both logs',
  );
  const lines = ['--lines', String(LINES)];
  for (const [args, closed] of [
    [['logs', 'burst', ...lines], 'stdout'],
    [['logs', 'burst', ...lines, '--json'], 'stdout'],
    [['logs', 'burst', ...lines, '-f'], 'stdout'],
    // The error lines go to stderr, as `hive logs burst --err 2>&1 | head` reads them.
    [['logs', 'burst', ...lines, '--err'], 'stderr'],
    [['logs', 'burst', ...lines, '--err', '-f'], 'stderr'],
  ] as const) {
    const child = spawn(process.execPath, [hiveBin, ...args], {
      env: { ...process.env, HIVE_HOME: hive.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.after(() => {
      child.kill('SIGKILL');
    });
    // The reader takes the first chunk and goes, as `head -1` does.
    const reader: Readable = child[closed];
    reader.once('data', () => reader.destroy());
    const { code, stdout, stderr } = await outputOf(child, 60_000);
    const other = closed === 'stdout' ? stderr : stdout;
    assert.equal(code, 0, `hive ${args.join(' ')}, its ${closed} closed: ${other}`);
    assert.doesNotMatch(other, /EPIPE|Error:/, `hive ${args.join(' ')}`);
  }
  await hive.json(['delete', 'burst']);
});
