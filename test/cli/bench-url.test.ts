// `hive bench <url>`: autocannon against a local server, the options passed through, and the errors of bad input and
// of a URL nobody listens on.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StatusLine } from '../../dist/cli/bench/status-line.js';
import { runUrlBench } from '../../dist/cli/bench/url-bench.js';
import { outputOf } from '../cluster/helpers.js';
import { makeCertificate } from '../tls-certificate.js';

const hiveCli = fileURLToPath(new URL('../../dist/cli/hive.js', import.meta.url));

function hive(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [hiveCli, 'bench', ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const seen = { methods: new Set<string>(), headers: new Set<string>(), bodies: new Set<string>() };
const server = createServer((req, res) => {
  seen.methods.add(req.method ?? '');
  seen.headers.add(String(req.headers['x-bench'] ?? ''));
  let body = '';
  req.setEncoding('utf8').on('data', (chunk: string) => {
    body += chunk;
  });
  req.on('end', () => {
    seen.bodies.add(body);
    res.end('ok');
  });
});
let url = '';
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`;
});
after(() => server.close());

test('hive bench <url> --json drives the URL with the given method, header and body', async () => {
  const result = await hive([url, '-d', '1', '-c', '2', '-m', 'post', '-H', 'x-bench: yes', '-b', 'hello', '--json']);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr, '', 'no progress with --json');
  const report = JSON.parse(result.stdout);
  assert.equal(report.bench, 'hive-bench-url');
  assert.equal(report.url, url);
  assert.equal(report.method, 'POST');
  assert.ok(report.requests > 0, `requests: ${report.requests}`);
  assert.ok(report.rps > 0);
  for (const key of ['p50', 'p90', 'p99', 'max', 'errors', 'timeouts', 'non2xx'])
    assert.equal(typeof report[key], 'number', key);
  assert.equal(report.non2xx, 0);
  assert.ok(report.statusCodes['200'] > 0);
  assert.deepEqual([...seen.methods], ['POST']);
  assert.deepEqual([...seen.headers], ['yes']);
  assert.deepEqual([...seen.bodies], ['hello']);
});

test('hive bench <url> prints a table without --json', async () => {
  const result = await hive([url, '-d', '1', '-c', '1']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /req\/s +p50 ms +p90 ms +p99 ms/);
  assert.match(result.stdout, /status codes: 200: \d+/);
});

// A server that takes the connection and never answers: no response; the table said `<1` ms for each (autocannon's 0
// for an empty histogram), a latency under a millisecond. The request waiting at the end is the only latency: a lower
// bound (`≥`).
test('a URL that never answers: only lower bounds in the table, not <1 ms, and exit 1', async () => {
  const silent = createNetServer((socket) => socket.resume());
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = silent.address() as AddressInfo;
    const result = await hive([`http://127.0.0.1:${port}/`, '-d', '1', '-c', '1', '-t', '1']);
    assert.equal(result.code, 1, result.stderr);
    const row = result.stdout.split('\n').find((line) => /^\d/.test(line));
    const cells = row?.split(/ +/) ?? [];
    assert.deepEqual([cells[0], cells[5], cells[6]], ['0', '0', '1'], result.stdout);
    for (const cell of cells.slice(1, 5)) assert.match(cell, /^≥[\d,]+$/, result.stdout);
  } finally {
    silent.close();
  }
});

// A URL whose every answer was a 500 (a broken deploy) exited 0, as a good run: a script or CI took the load test for
// passed. No 2xx or 3xx response is a failed run now, its table still printed; a mix of codes is not.
test('a URL whose every response is a 500: the table printed, one line saying so, and exit 1', async () => {
  let answered = 0;
  const failing = createServer((_req, res) => {
    answered++;
    res.statusCode = 500;
    res.end('broken');
  });
  await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
  try {
    const target = `http://127.0.0.1:${(failing.address() as AddressInfo).port}/`;
    const result = await hive([target, '-a', '20', '-c', '1']);
    assert.equal(result.code, 1, result.stderr);
    assert.equal(answered, 20);
    assert.match(result.stdout, /req\/s +p50 ms +p90 ms +p99 ms/);
    assert.match(result.stdout, /status codes: 500: 20$/m);
    assert.equal(result.stderr, 'hive bench: no response was 2xx or 3xx (status codes: 500: 20): the run failed\n');
    const json = await hive([target, '-a', '20', '-c', '1', '--json']);
    assert.equal(json.code, 1, json.stderr);
    assert.equal(JSON.parse(json.stdout).non2xx, 20);
    assert.match(json.stderr, /^hive bench: no response was 2xx or 3xx/);
  } finally {
    failing.close();
  }
});

test('a URL answering some 500s and some 200s (or 3xx): exit 0, the errors in the non-2xx column', async () => {
  let answered = 0;
  const mixed = createServer((_req, res) => {
    answered++;
    res.statusCode = answered % 2 === 0 ? 500 : 302;
    res.end();
  });
  await new Promise<void>((resolve) => mixed.listen(0, '127.0.0.1', resolve));
  try {
    const target = `http://127.0.0.1:${(mixed.address() as AddressInfo).port}/`;
    const result = await hive([target, '-a', '20', '-c', '1']);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, '');
    const row = result.stdout.split('\n').find((line) => /^\d/.test(line));
    assert.equal(row?.split(/ +/).at(-1), '20', result.stdout);
    assert.match(result.stdout, /status codes: 302: 10, 500: 10$/m);
  } finally {
    mixed.close();
  }
});

// An http:// URL to a TLS port: the server closes each connection unanswered, which autocannon counts as no error and
// no timeout (it reconnects and sends again). The run said only "no response at all", beside errors 0, timeouts 0.
test('an http:// URL to a TLS port: the requests sent unanswered, the likely causes, and exit 1', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-bench-tls-'));
  const files = makeCertificate(dir);
  const tls = createHttpsServer({ cert: readFileSync(files.cert), key: readFileSync(files.key) }, (_req, res) =>
    res.end('ok'),
  );
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = tls.address() as AddressInfo;
    const result = await hive([`http://127.0.0.1:${port}/`, '-d', '1', '-c', '1', '--json']);
    assert.equal(result.code, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.requests, 0);
    assert.ok(report.sent > 0, `sent: ${report.sent}`);
    assert.equal(
      result.stderr,
      `hive bench: no response at all (${report.sent} request${report.sent === 1 ? '' : 's'} sent, none answered, and ` +
        'no error or timeout): the server closed each connection without an answer, as a TLS port does to an ' +
        'http:// URL (use https://) and an HTTP/2-only server to HTTP/1.1: the run failed\n',
    );
    // The same URL as https:// is served: autocannon does not verify the (self-signed) certificate.
    const https = await hive([`https://127.0.0.1:${port}/`, '-a', '5', '-c', '1', '--json']);
    assert.equal(https.code, 0, https.stderr);
    assert.equal(JSON.parse(https.stdout).statusCodes['200'], 5);
  } finally {
    tls.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a URL that refuses connections fails at once with ERR_HIVE_BENCH_UNREACHABLE and exit 1', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const result = await hive([`http://127.0.0.1:${port}/`, '-d', '30']);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(
    result.stderr,
    new RegExp(`ERR_HIVE_BENCH_UNREACHABLE: Cannot reach http://127\\.0\\.0\\.1:${port}/: connection refused`),
  );
});

test('bad input exits 2 with ERR_HIVE_INVALID_ARGUMENT naming the flag or value', async () => {
  const cases: [string[], RegExp][] = [
    [['ftp://example.com/'], /Expected an http:\/\/ or https:\/\/ URL, got "ftp:\/\/example\.com\/"/],
    [[url, '-c', '0'], /Expected --connections to be an integer 1-10000, got "0"/],
    [[url, '-H', 'no header'], /Expected --header to be "Name: value", got "no header"/],
    // autocannon waits for a HEAD answer's body: 0 responses and every request timed out, exit 1 after the run.
    [[url, '-m', 'head', '-d', '1'], /Expected --method to be a method whose answers autocannon can read, got "head"/],
    [[url, '--report', 'x.md'], /--report applies to hive bench without a URL/],
    [['--body', 'x'], /--body applies to hive bench <url>: give a URL/],
    [
      ['--only', 'single-pool,warp'],
      /Expected --only to list configurations \(single-inline, .*\), got "single-pool,warp"/,
    ],
    [['--heavy-share', '2'], /Expected --heavy-share to be a number 0-1, got "2"/],
    // Past Node's longest timer (2^31 - 1 ms), autocannon's timers fired after 1 ms: a run of one tick, reported with
    // the duration asked for, and every request timed out.
    [[url, '-d', '1e9'], /Expected --duration to be an integer 1-2147483, got "1e9"/],
    [[url, '-d', '2147484'], /Expected --duration to be an integer 1-2147483, got "2147484"/],
    // autocannon stops on its 1-second sample tick: -d 0.5 loaded for 1 s and -d 1.5 for 2 s, reported as 0.5 and 1.5.
    [[url, '-d', '0.5'], /Expected --duration to be an integer 1-2147483, got "0.5"/],
    [[url, '-d', '1.5'], /Expected --duration to be an integer 1-2147483, got "1.5"/],
    [['-d', '0.5'], /Expected --duration to be an integer 1-2147483, got "0.5"/],
    // autocannon refuses a timeout under 1 s: -t 0.5 failed after the reachability check, exit 1 with its bare
    // "timeout must be greater than 0".
    [[url, '-t', '0.5'], /Expected --timeout to be a number 1-2147483, got "0.5"/],
    [[url, '-t', '1e9'], /Expected --timeout to be a number 1-2147483, got "1e9"/],
    // autocannon shares --amount among the connections: fewer requests than connections failed after the
    // reachability check, exit 1 with its bare "connections cannot be greater than amount".
    [[url, '-a', '1', '-c', '2'], /Expected --amount to be at least --connections \(2\), got "1"/],
    [[url, '-a', '5'], /Expected --amount to be at least --connections \(10\), got "5"/],
  ];
  // Side by side: each is a CLI start-up refused before any load.
  const results = await Promise.all(cases.map(([args]) => hive(args)));
  for (const [i, [args, message]] of cases.entries()) {
    const result = results[i]!;
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT/);
    assert.match(result.stderr, message);
  }
});

// An interrupted URL run reported the --duration asked for (600 here), not the time it ran.
test('Ctrl-C ends a URL run: the JSON says interrupted and the seconds run, exit 1', { timeout: 60_000 }, async () => {
  let hits = 0;
  const counted = createServer((_req, res) => {
    hits++;
    if (hits === 50) child.kill('SIGINT');
    res.end('ok');
  });
  await new Promise<void>((resolve) => counted.listen(0, '127.0.0.1', resolve));
  const target = `http://127.0.0.1:${(counted.address() as AddressInfo).port}/`;
  const child = spawn(process.execPath, [hiveCli, 'bench', target, '-d', '600', '-c', '2', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Killed at the test's own timeout, so that a hang leaves no process behind.
  const { code, stdout, stderr } = await outputOf(child, 60_000);
  counted.close();
  const report = JSON.parse(stdout);
  assert.equal(report.interrupted, true, stderr);
  // Part of a run: exit 1, as for an interrupted bench of the demo app (it was 0 with any response).
  assert.equal(code, 1, stderr);
  assert.ok(report.duration < 600, `duration ${report.duration}`);
  assert.ok(report.duration >= 0, `duration ${report.duration}`);
  assert.ok(report.requests >= 50, `requests ${report.requests}`);
});

/** A status line that keeps what the bench shows: one progress line per second of load. */
class KeptLines extends StatusLine {
  readonly lines: string[] = [];
  constructor() {
    super({ quiet: true });
  }
  override show(text: string): void {
    this.lines.push(text);
  }
}

// Ctrl-C (or SIGTERM) while the reachability check waited on a slow connect or DNS lookup had fired already when the
// run began listening for it: the load went on for the whole --duration, and every further Ctrl-C was swallowed.
test('Ctrl-C during the reachability check ends the run at its first second of load', { timeout: 60_000 }, async () => {
  const status = new KeptLines();
  const report = await runUrlBench(
    {
      mode: 'url',
      json: true,
      url,
      duration: 5,
      connections: 1,
      method: 'GET',
      headers: {},
      body: undefined,
      pipelining: 1,
      timeout: 10,
      rate: undefined,
      amount: undefined,
    },
    status,
    AbortSignal.abort(),
  );
  assert.equal(report.interrupted, true);
  // autocannon stops on its once-a-second tick: its progress lines are of one second (that tick and the one it emits as
  // it ends), not one per second of --duration (6 for these 5 s).
  assert.ok(status.lines.length <= 2, status.lines.join('\n'));
});

// The mirror of the case above: an https:// URL to a plain-HTTP port said only "no response at all (... errors N)",
// with no hint at the cause, where the http:// URL to a TLS port had one.
test('an https:// URL to a plain-HTTP port: the failed handshakes are named, with the fix', async () => {
  const target = url.replace(/^http:/, 'https:');
  const result = await hive([target, '-d', '1', '-c', '1', '--json']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(
    result.stderr,
    /^hive bench: no response at all \(\d+ requests? sent, none answered; errors \d+, timeouts 0\): the TLS handshake failed on each connection, as it does with a plain-HTTP port \(use http:\/\/\): the run failed\n$/,
  );
});
