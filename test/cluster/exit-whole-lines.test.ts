import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { poll } from '../poll.js';
import { fixture, hiveBin, killAll, tempDir } from './helpers.js';

after(killAll);

// A primary whose reader was too slow for its exit's wait (5 s and a second per 512 KiB held) exited in the middle of
// the write Node had handed the pipe: the reader's last record was cut mid-line, not JSON. Past the wait it now ends
// the record the reader is in, and only that.
test('hive run stopped while a slow reader is far behind ends its output with a whole line', async () => {
  const dir = tempDir('hive-exit-whole-');
  const portFile = join(dir, 'port');
  const child = spawn(
    process.execPath,
    [hiveBin, 'run', fixture('output-hold-app.mjs'), '-i', '1', '--log-format', 'json'],
    // About 3.3 MB of records at the stop: a wait of some 11 s, in which the reader below takes about a third.
    {
      env: { ...process.env, HOLD_PORT_FILE: portFile, HOLD_EXIT_LINES: '3000' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    let text = '';
    const stdout = child.stdout;
    // What the pipe holds (64 KiB at most), then a pause of 600 ms: about 100 KiB/s. Flowing: what the primary wrote
    // before its exit is all taken.
    stdout.setEncoding('utf8').on('data', (chunk: string) => {
      text += chunk;
      stdout.pause();
      setTimeout(() => stdout.resume(), 600);
    });
    await poll(() => existsSync(portFile), 'the app up');
    child.kill('SIGTERM');
    await new Promise((resolve) => stdout.once('end', resolve));
    assert.ok(text.endsWith('\n'), `the last record whole: ${JSON.stringify(text.slice(-80))}`);
    for (const line of text.slice(0, -1).split('\n')) assert.doesNotThrow(() => JSON.parse(line), line.slice(0, 80));
    assert.ok(!text.includes('"type":"state","state":"stopped"'), 'the reader was too slow for all of it');
  } finally {
    child.kill('SIGKILL');
  }
});
