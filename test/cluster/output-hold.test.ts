import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, test } from 'node:test';
import { poll } from '../poll.js';
import { fixture, hiveBin, killAll, tempDir } from './helpers.js';
import { floodRecords } from './output-flood.js';

after(killAll);

const app = fixture('output-hold-app.mjs');
const DROPPED = /^(\d+) line\(s\) of the app's output dropped/;

/** `hive run --log-format json` of the app, one instance, with `flags` and its HOLD_* variables. */
function runApp(prefix: string, env: Record<string, string>, flags: string[] = []) {
  const dir = tempDir(prefix);
  const child = spawn(process.execPath, [hiveBin, 'run', app, '-i', '1', '--log-format', 'json', ...flags], {
    env: { ...process.env, HOLD_DONE: join(dir, 'done'), HOLD_PORT_FILE: join(dir, 'port'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return { child, done: join(dir, 'done'), portFile: join(dir, 'port') };
}

/**
 * Reads `stream` as a slow reader that keeps moving does (a log shipper, the daemon busy): 64 KiB, then a pause of
 * `pauseMs` (50: about 1.3 MB/s; 10, about 6 MB/s, is still far slower than the app writes its burst, and spares the
 * suite the seconds); returns what has been read so far, each time it is called. Flowing, not read(): what the primary
 * wrote before its exit is all taken.
 */
function readSlowly(stream: Readable, pauseMs = 50): () => string {
  let text = '';
  let sincePause = 0;
  stream.setEncoding('utf8').on('data', (chunk: string) => {
    text += chunk;
    sincePause += chunk.length;
    if (sincePause < 64 * 1024) return;
    sincePause = 0;
    stream.pause();
    setTimeout(() => stream.resume(), pauseMs);
  });
  return () => text;
}

/** The numbers of the app's lines `<word> <n> ...` in the records, in the order received. */
function numbered(text: string, word: string): number[] {
  const pattern = new RegExp(`^${word} (\\d+) `);
  return floodRecords(text.slice(0, text.lastIndexOf('\n') + 1)).flatMap((r) => {
    const match = r.kind === 'log' ? pattern.exec(r.line ?? '') : null;
    return match ? [Number(match[1])] : [];
  });
}

const range = (n: number) => Array.from({ length: n }, (_, k) => k);

// The primary read its processes' pipes as fast as they were written and dropped their lines once 16 MiB of them
// waited for a slower reader: a burst of ~26 MB of records into a reader taking about 1.3 MB/s lost a third of it.
test('hive run holds a burst into a slow reader: every line arrives, in order, none dropped', async () => {
  const lines = 24_000;
  const { child, done } = runApp('hive-hold-burst-', { HOLD_LINES: String(lines) });
  try {
    const read = readSlowly(child.stdout, 10);
    await poll(() => existsSync(done), 'the app to write its burst', { timeoutMs: 120_000 });
    // Each check parses all that came, in the thread that reads it: not more often than twice a second.
    await poll(() => numbered(read(), 'burst').length >= lines || read().includes('dropped'), 'the burst read', {
      timeoutMs: 120_000,
      everyMs: 500,
    });
    const text = read();
    assert.deepEqual(
      floodRecords(text.slice(0, text.lastIndexOf('\n') + 1)).filter((r) => DROPPED.test(r.message ?? '')),
      [],
      'no line dropped',
    );
    assert.deepEqual(numbered(text, 'burst'), range(lines));
  } finally {
    child.kill('SIGKILL');
  }
});

// The hold must not hand a reader that stopped for good the app's fate: past a second without progress the primary
// reads again (dropping past its bound, the gap marked) and the app goes on.
test('a reader that reads nothing does not stop the app: it writes all its lines and serves, and the gap is marked', async () => {
  const lines = 24_000;
  const { child, done, portFile } = runApp('hive-hold-stuck-', { HOLD_LINES: String(lines) });
  try {
    child.stdout.pause();
    await poll(() => existsSync(done), 'the app to write all its lines, its reader stuck', { timeoutMs: 120_000 });
    const response = await fetch(`http://127.0.0.1:${readFileSync(portFile, 'utf8')}/`);
    assert.equal(await response.text(), String(lines), 'the app serves, its whole burst written');
    const read = readSlowly(child.stdout, 10);
    child.stdout.resume();
    const counted = await poll(
      () => {
        const text = read();
        const records = floodRecords(text.slice(0, text.lastIndexOf('\n') + 1));
        const dropped = records.reduce((sum, r) => sum + Number(DROPPED.exec(r.message ?? '')?.[1] ?? 0), 0);
        const received = records.filter((r) => r.kind === 'log' && /^burst \d+ /.test(r.line ?? '')).length;
        return dropped > 0 && received + dropped === lines ? { dropped, received } : undefined;
      },
      'every line received or counted as dropped',
      // A hang detector, as the waits above: a machine busy with other test files reads the held lines slowly. Each
      // check parses all that came, in the thread that reads them: not more often than twice a second.
      { timeoutMs: 120_000, everyMs: 500 },
    );
    assert.ok(counted.received > 0);
  } finally {
    child.kill('SIGKILL');
  }
});

// A retiring process's last output must not wait on the reader: held at its pace (6 MB at ~1.3 MB/s) it outlasted
// --kill-timeout, and the SIGKILL lost what was still in the app.
test("a retiring instance's last lines all arrive though the reader is slow and the pipes are held", async () => {
  const exitLines = 6_000;
  const { child, portFile } = runApp('hive-hold-retire-', { HOLD_EXIT_LINES: String(exitLines) }, [
    '--kill-timeout',
    '3000',
  ]);
  try {
    const read = readSlowly(child.stdout);
    await poll(() => existsSync(portFile), 'the app up');
    child.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    assert.equal(code, 0);
    const records = floodRecords(read());
    assert.deepEqual(numbered(read(), 'last'), range(exitLines));
    assert.ok(!records.some((r) => r.type === 'killed'), 'the instance exited by itself');
    assert.ok(records.some((r) => r.type === 'state' && r.state === 'stopped'));
  } finally {
    child.kill('SIGKILL');
  }
});
