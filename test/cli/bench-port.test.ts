// `hive bench` without a URL picked random ports only; --port fixes examples/api's port (nginx's is the next one),
// and a port already taken is refused rather than benchmarked (the readiness check would reach the other server).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { freePort } from '../ports.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

function bench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/cli/hive.js', 'bench', ...args],
      { cwd: root, timeout: 120_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('--port is checked: 1-65534, and only without a URL', async () => {
  for (const value of ['0', '65535', 'abc']) {
    const result = await bench(['--port', value]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected --port to be an integer 1-65534/);
  }
  const url = await bench(['http://127.0.0.1:1/', '--port', '4000']);
  assert.equal(url.code, 2, url.stderr);
  assert.match(url.stderr, /--port applies to hive bench without a URL/);
});

test('examples/api serves on the --port given', async () => {
  const port = await freePort();
  const run = bench([
    '--only',
    'single-inline',
    '--duration',
    '1',
    '--connections',
    '2',
    '--port',
    String(port),
    '--json',
  ]);
  let served: string | undefined;
  let done = false;
  void run.finally(() => {
    done = true;
  });
  while (!done && served === undefined) {
    try {
      const { body } = await request(`http://127.0.0.1:${port}/`, { reset: true });
      served = await body.text();
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const result = await run;
  assert.equal(result.code, 0, result.stderr);
  assert.match(served ?? '', /"hello":"hive"/, 'examples/api answered on the --port');
  assert.deepEqual(JSON.parse(result.stdout).failed, []);
});

/**
 * Runs the single-inline configuration with --port `port` while `other` listens on it at `host`: the run fails its
 * configuration (exit 1), naming the port as taken. `other` is closed after.
 */
async function benchOnTakenPort(other: Server, port: number, host: string): Promise<void> {
  await new Promise<void>((resolve) => other.listen(port, host, resolve));
  try {
    const result = await bench(['--only', 'single-inline', '--duration', '1', '--port', String(port), '--json']);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.failed[0]?.code, 'ERR_HIVE_BENCH_SERVER');
    assert.match(
      report.failed[0]?.message,
      new RegExp(`port ${port} is taken \\(checked on every address .*\\(--port\\)`),
    );
  } finally {
    other.close();
  }
}

test('a --port already taken fails the configuration, and the server holding it gets no load', async () => {
  const port = await freePort();
  let hits = 0;
  const other = createServer((_req, res) => {
    hits++;
    res.end('not examples/api');
  });
  await benchOnTakenPort(other, port, '127.0.0.1');
  assert.equal(hits, 0);
});

// The check tried 127.0.0.1 only: a port held on [::1] alone passed it, and examples/api (listen(port): every
// address, :: dual-stack) could not bind it; the configuration failed late, not naming the port.
test('a --port held only on [::1] fails the configuration at once, naming the port', async () => {
  const port = await freePort('::1');
  const other = createServer((_req, res) => res.end('not examples/api'));
  await benchOnTakenPort(other, port, '::1');
});

// The group's one server failed to start for every configuration of the group, and each row quoted the error made
// for the first one: `failed single-pool: ERR_HIVE_BENCH_SERVER: single-inline: ...` (QA).
test('a server start that fails for its whole group names each configuration in its own row', async () => {
  const port = await freePort();
  const other = createServer((_req, res) => res.end('not examples/api'));
  await new Promise<void>((resolve) => other.listen(port, '127.0.0.1', resolve));
  try {
    const result = await bench(['--only', 'single-inline,single-pool', '-d', '1', '--port', String(port), '--json']);
    assert.equal(result.code, 1, result.stderr);
    const { failed } = JSON.parse(result.stdout);
    assert.deepEqual(
      failed.map((f: { name: string; message: string }) => [f.name, f.message.split(':')[0]]),
      [
        ['single-inline', 'single-inline'],
        ['single-pool', 'single-pool'],
      ],
    );
  } finally {
    other.close();
  }
});
