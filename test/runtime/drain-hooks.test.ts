// onDrain: a response that never ends by itself (Server-Sent Events) is ended by the app as the drain begins, so the
// retirement finishes whole (the stream's last event, the onShutdown hooks, exit 0) instead of at killTimeout's SIGKILL.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { get, type IncomingMessage } from 'node:http';
import { after, test } from 'node:test';
import { freePort, isEvent, killAll, startHive } from '../cluster/helpers.js';
import { poll } from '../poll.js';

after(killAll);

const fixture = new URL('../fixtures/runtime-review/sse-drain.js', import.meta.url).pathname;

/** An open /sse stream: what it received, and whether it ended whole (`end`) or was cut (`aborted`/`error`). */
function openStream(port: number) {
  const stream = { body: '', outcome: undefined as string | undefined, headers: {} as IncomingMessage['headers'] };
  const req = get({ host: '127.0.0.1', port, path: '/sse', agent: false }, (res) => {
    stream.headers = res.headers;
    res.setEncoding('utf8').on('data', (chunk: string) => {
      stream.body += chunk;
    });
    res.on('aborted', () => {
      stream.outcome ??= 'aborted';
    });
    res.on('end', () => {
      stream.outcome ??= 'end';
    });
  });
  req.on('error', (error) => {
    stream.outcome ??= `error ${error.message}`;
  });
  return stream;
}

test('onDrain ends an SSE stream as a SIGTERM retires the process: the stream ends whole, the hooks run, exit 0', async () => {
  const port = await freePort();
  // A killTimeout far beyond the hang bounds: without the hook the drain would wait for it, and the test fail first.
  const hive = startHive([fixture, '-i', '1', '--port', String(port), '--kill-timeout', '120s']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  const stream = openStream(port);
  await poll(() => stream.body.includes('data: 1\n'), 'two events of the stream');
  hive.kill('SIGTERM');
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
  await poll(() => stream.outcome, 'the stream to end');
  assert.equal(stream.outcome, 'end');
  assert.ok(stream.body.endsWith('data: end\n\n'), stream.body.slice(-60));
  assert.equal(stream.headers.connection, 'close');
  const lines = hive.records.filter((r) => r.kind === 'log').map((r) => String(r.line));
  assert.deepEqual(
    lines.filter((line) => /hook/.test(line)),
    ['drain hook: ending 1 stream(s)', 'shutdown hook ran'],
  );
  assert.equal(hive.records.filter(isEvent('killed')).length, 0, 'no process sat out killTimeout');
});

test('onDrain without a primary: SIGTERM ends the stream, runs the hooks and exits 0', async () => {
  const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
  after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const exited = new Promise<[number | null, string | null]>((resolve) =>
    child.once('exit', (code, signal) => resolve([code, signal])),
  );
  const port = Number((await poll(() => /listening (\d+)/.exec(out), 'the app listening'))[1]);
  const stream = openStream(port);
  await poll(() => stream.body.includes('data: 1\n'), 'two events of the stream');
  child.kill('SIGTERM');
  assert.deepEqual(await exited, [0, null]);
  await poll(() => stream.outcome, 'the stream to end');
  assert.equal(stream.outcome, 'end');
  assert.ok(stream.body.endsWith('data: end\n\n'), stream.body.slice(-60));
  assert.match(out, /drain hook: ending 1 stream\(s\)\nshutdown hook ran\n/);
});
