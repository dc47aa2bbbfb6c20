import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import { request } from 'undici';
import { parseRunArgs } from '../../dist/cli/run-args.js';
import { DaemonNotRunningError } from '../../dist/daemon/errors.js';
import {
  type DashboardServer,
  type HiveSnapshot,
  type SnapshotSource,
  startDashboard,
} from '../../dist/dashboard/index.js';
import { isLoopbackHost, isLoopbackHostHeader } from '../../dist/loopback-host.js';
import { isEvent, killAll, rawRequest, runHive, startHive } from '../cluster/helpers.js';

after(killAll);

/** A source that counts its reads: each snapshot carries the count as its `time`. */
function countingSource(): SnapshotSource & { reads: number } {
  const source = {
    reads: 0,
    async snapshot(): Promise<HiveSnapshot> {
      source.reads += 1;
      return { time: source.reads, host: 'test', apps: [] };
    },
  };
  return source;
}

async function get(url: string, headers: Record<string, string> = {}) {
  const { statusCode, headers: h, body } = await request(url, { headers, reset: true });
  return { status: statusCode, type: String(h['content-type']), text: await body.text(), headers: h };
}

/** Reads server-sent events from `url` until `count` frames arrived; returns them as [event, data]. */
async function readEvents(url: string, count: number): Promise<[string, string][]> {
  const controller = new AbortController();
  const { statusCode, headers, body } = await request(url, { signal: controller.signal, reset: true });
  assert.equal(statusCode, 200);
  assert.match(String(headers['content-type']), /^text\/event-stream/);
  const frames: [string, string][] = [];
  let buffer = '';
  try {
    for await (const chunk of body) {
      buffer += chunk.toString();
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (event !== undefined && data !== undefined) frames.push([event, data]);
        if (frames.length === count) return frames;
        end = buffer.indexOf('\n\n');
      }
    }
  } finally {
    controller.abort();
  }
  throw new Error(`stream ended after ${frames.length} frames`);
}

test('loopback addresses are told from the others', () => {
  for (const host of [
    '127.0.0.1',
    '127.1.2.3',
    'localhost',
    'LOCALHOST',
    'localhost.',
    '::1',
    '[::1]',
    '::ffff:127.0.0.1',
    // The forms a browser (the URL standard) and others write the same addresses in.
    '[::ffff:7f00:1]',
    '::ffff:7f01:203',
    '0:0:0:0:0:0:0:1',
    '0:0:0:0:0:ffff:7f00:0001',
  ]) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.2', 'example.com', '::ffff:10.0.0.1', '::ffff:8000:1']) {
    assert.equal(isLoopbackHost(host), false, host);
  }
  // Host headers: a name or bracketed IPv6 literal, then at most one `:port` of digits; anything else is no loopback.
  for (const header of ['127.0.0.1', '127.0.0.1:80', 'localhost:9000', '[::1]', '[::1]:9000', 'LocalHost.:1']) {
    assert.equal(isLoopbackHostHeader(header), true, header);
  }
  for (const header of [
    '[::1]evil.example',
    '[::1].evil.example:80',
    '127.0.0.1:42002@evil.example',
    'localhost:80:80',
    'localhost:80x',
    '127.0.0.1:',
    '[::1]:',
    '::1',
    '[::1',
    'evil.example:80',
  ]) {
    assert.equal(isLoopbackHostHeader(header), false, header);
  }
});

test('a dashboard on a non-loopback address without a token is refused with ERR_HIVE_DASHBOARD_TOKEN_REQUIRED', async () => {
  for (const host of ['0.0.0.0', '::']) {
    await assert.rejects(startDashboard(countingSource(), { host, port: 0 }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'ERR_HIVE_DASHBOARD_TOKEN_REQUIRED');
      assert.match(error.message, new RegExp(`listen on ${host.replace(/\./g, '\\.')},`));
      // Code has no flag to set: the option is named.
      assert.match(error.message, /without a token; pass the `token` option, or bind/);
      return true;
    });
  }
  // With a token it binds (0.0.0.0 is reachable from loopback too).
  const dashboard = await startDashboard(countingSource(), { host: '0.0.0.0', port: 0, token: 's3cret' });
  after(() => dashboard.close());
  assert.equal((await get(`http://127.0.0.1:${dashboard.port}/api/snapshot`)).status, 401);
});

test('with a token, the data needs it (query or bearer); the page and uPlot load without it', async (t) => {
  const dashboard: DashboardServer = await startDashboard(countingSource(), { port: 0, token: 's3cret' });
  t.after(() => dashboard.close());
  assert.match(dashboard.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  const base = dashboard.url;

  const denied = await get(`${base}api/snapshot`);
  assert.equal(denied.status, 401);
  assert.match(JSON.parse(denied.text).message, /token is required/);
  assert.equal((await get(`${base}api/snapshot?token=wrong`)).status, 401);
  assert.equal((await get(`${base}events`)).status, 401);
  assert.equal((await get(`${base}api/snapshot`, { authorization: 'Bearer s3cre' })).status, 401);

  const byQuery = await get(`${base}api/snapshot?token=s3cret`);
  assert.equal(byQuery.status, 200);
  assert.equal(JSON.parse(byQuery.text).host, 'test');
  assert.equal((await get(`${base}api/snapshot`, { authorization: 'Bearer s3cret' })).status, 200);
  // The scheme in any case (RFC 9110), and a good header under an empty or stale `?token=` left on the URL.
  assert.equal((await get(`${base}api/snapshot`, { authorization: 'bearer s3cret' })).status, 200);
  assert.equal((await get(`${base}api/snapshot?token=`, { authorization: 'Bearer s3cret' })).status, 200);
  assert.equal((await get(`${base}api/snapshot?token=old`, { authorization: 'Bearer s3cret' })).status, 200);
  assert.equal((await get(`${base}api/snapshot?token=`)).status, 401);
  assert.equal((await get(`${base}api/snapshot`, { authorization: 'Basic s3cret' })).status, 401);
  const frames = await readEvents(`${base}events?token=s3cret`, 1);
  assert.equal(frames[0]![0], 'snapshot');

  const page = await get(base);
  assert.equal(page.status, 200);
  assert.match(page.type, /^text\/html/);
  assert.match(page.text, /<script src="\/assets\/uPlot\.iife\.min\.js">/);
  const uplot = await get(`${base}assets/uPlot.iife.min.js`);
  assert.equal(uplot.status, 200);
  assert.match(uplot.text, /uPlot/);
  assert.equal((await get(`${base}assets/uPlot.min.css`)).status, 200);
  const script = await get(`${base}assets/dashboard.js`);
  assert.equal(script.status, 200);
  assert.match(script.text, /new EventSource\('\/events' \+ query\)/);
  assert.equal((await get(`${base}nope`)).status, 404);
});

test('a token with + and / (base64) passes in ?token= as written and percent-encoded, + never read as a space', async (t) => {
  const dashboard = await startDashboard(countingSource(), { port: 0, token: 'ab+cd/ef==' });
  t.after(() => dashboard.close());
  const status = async (query: string) => (await get(`${dashboard.url}api/snapshot?${query}`)).status;
  assert.equal(await status('token=ab+cd/ef=='), 200);
  assert.equal(await status('token=ab%2Bcd%2Fef%3D%3D'), 200);
  assert.equal(await status('other=1&token=ab+cd/ef=='), 200);
  assert.equal(await status('token=ab%20cd/ef=='), 401);
  assert.equal(await status('token=ab+cd'), 401);
  // Not a percent-encoding: refused, not a 500.
  assert.equal(await status('token=ab%E0%A4%A'), 401);
  const frames = await readEvents(`${dashboard.url}events?token=ab+cd/ef==`, 1);
  assert.equal(frames[0]![0], 'snapshot');
});

test('/events pushes a snapshot at once and then every interval; /api/snapshot answers one', async (t) => {
  const source = countingSource();
  const dashboard = await startDashboard(source, { port: 0, interval: 100 });
  t.after(() => dashboard.close());
  // No page open: nothing is read.
  assert.equal(source.reads, 0);
  const frames = await readEvents(`${dashboard.url}events`, 3);
  const times = frames.map(([event, data]) => {
    assert.equal(event, 'snapshot');
    const snapshot = JSON.parse(data) as HiveSnapshot;
    assert.deepEqual(snapshot.apps, []);
    return snapshot.time;
  });
  assert.ok(times[0]! < times[1]! && times[1]! < times[2]!, `increasing: ${times}`);
  const one = await get(`${dashboard.url}api/snapshot`);
  assert.equal(one.status, 200);
  assert.match(one.type, /^application\/json/);
  assert.equal(typeof JSON.parse(one.text).time, 'number');
  // Without a token, only requests for a loopback name: a page of another site whose name resolves to 127.0.0.1
  // (DNS rebinding) sends its own name as Host.
  const port = new URL(dashboard.url).port;
  assert.equal((await get(`${dashboard.url}api/snapshot`, { host: `rebind.example:${port}` })).status, 403);
  assert.equal((await get(`${dashboard.url}events`, { host: `rebind.example:${port}` })).status, 403);
  assert.equal((await get(`${dashboard.url}api/snapshot`, { host: `localhost:${port}` })).status, 200);
  assert.equal((await get(`${dashboard.url}api/snapshot`, { host: `[::1]:${port}` })).status, 200);
  assert.equal((await get(`${dashboard.url}api/snapshot`, { host: `LocalHost:${port}` })).status, 200);
  assert.equal((await get(`${dashboard.url}api/snapshot`, { host: `localhost.:${port}` })).status, 200);
  // No Host: a browser always sends one, so this is a client of this machine (an HTTP/1.0 health check).
  assert.match(await rawRequest(Number(port), 'GET /api/snapshot HTTP/1.0\r\n\r\n'), /^HTTP\/1\.[01] 200 /);
});

test('a request a browser makes for a page of another site is refused, nothing read for it', async (t) => {
  const source = countingSource();
  const dashboard = await startDashboard(source, { port: 0, interval: 100 });
  t.after(() => dashboard.close());
  const origin = dashboard.url.slice(0, -1);
  // A page elsewhere cannot read the answer (no CORS header), but its <script src>, <img> or EventSource was served:
  // a stream held open and a snapshot read every second (under the daemon, every app sampling requests meanwhile).
  for (const [path, headers] of [
    ['events', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' }],
    ['events', { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', origin: 'https://evil.example' }],
    ['api/snapshot', { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors' }],
    // A browser without Sec-Fetch-* headers: its Origin names the other site (or none: a sandboxed frame).
    ['api/snapshot', { origin: 'https://evil.example' }],
    ['events', { origin: 'null' }],
  ] as const) {
    // The status is read from the head: a stream served (the old behaviour) would never end.
    const { statusCode, body } = await request(`${dashboard.url}${path}`, { headers, reset: true });
    let text = '';
    if (statusCode === 403) text = await body.text();
    else body.destroy();
    assert.equal(statusCode, 403, `${path} ${JSON.stringify(headers)}`);
    assert.match(text, /a page of another site may not ask for it/);
  }
  assert.equal(source.reads, 0);
  // The page's own requests, one typed in the address bar, a script's: answered.
  const answered: Record<string, string>[] = [
    { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'cors' },
    { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' },
    { origin },
    {},
  ];
  for (const headers of answered) {
    assert.equal((await get(`${dashboard.url}api/snapshot`, headers)).status, 200, JSON.stringify(headers));
  }
  // Framed by a page of another site, the page would open /events as its own (same-origin): a browser that ignores
  // the framing policy is refused the page itself. A link followed from elsewhere (a top-level document) opens it.
  for (const dest of ['iframe', 'frame', 'embed', 'object']) {
    const framed = await get(dashboard.url, {
      'sec-fetch-site': 'cross-site',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-dest': dest,
    });
    assert.equal(framed.status, 403, dest);
    assert.match(framed.text, /may not be framed by a page of another site/);
  }
  const linked = { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' };
  assert.equal((await get(dashboard.url, linked)).status, 200);
  const ownFrame = { 'sec-fetch-site': 'same-origin', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' };
  assert.equal((await get(dashboard.url, ownFrame)).status, 200);
  // With a token too: the token is no cookie, so a page elsewhere has it only if it was given it.
  const guarded = await startDashboard(source, { port: 0, interval: 100, token: 's3cret' });
  t.after(() => guarded.close());
  const cross = { 'sec-fetch-site': 'cross-site', authorization: 'Bearer s3cret' };
  assert.equal((await get(`${guarded.url}api/snapshot`, cross)).status, 403);
  assert.equal((await get(`${guarded.url}api/snapshot`, { authorization: 'Bearer s3cret' })).status, 200);
});

test('every answer forbids framing and sniffing and sends no Referer; the page loads only its own files', async (t) => {
  const dashboard = await startDashboard(countingSource(), { port: 0, interval: 100, token: 's3cret' });
  t.after(() => dashboard.close());
  const headersOf = async (path: string, headers: Record<string, string> = {}) => {
    // Read from the head: /events is a stream that does not end.
    const answer = await request(`${dashboard.url}${path}`, { headers, reset: true });
    answer.body.on('error', () => {});
    answer.body.destroy();
    return answer.headers;
  };
  for (const [path, headers] of [
    ['', {}],
    ['?token=s3cret', {}],
    ['assets/dashboard.js', {}],
    ['assets/dashboard.css', {}],
    ['assets/uPlot.iife.min.js', {}],
    ['events?token=s3cret', {}],
    ['api/snapshot', {}],
    ['api/snapshot', { 'sec-fetch-site': 'cross-site' }],
    ['nope', {}],
  ] as const) {
    const h = await headersOf(path, headers);
    const what = `/${path} ${JSON.stringify(headers)}`;
    assert.equal(h['x-frame-options'], 'DENY', what);
    assert.match(String(h['content-security-policy']), /(^|; )frame-ancestors 'none'(;|$)/, what);
    assert.match(String(h['content-security-policy']), /(^|; )default-src 'self'(;|$)/, what);
    assert.equal(h['x-content-type-options'], 'nosniff', what);
    assert.equal(h['referrer-policy'], 'no-referrer', what);
  }
  // No inline style or script for the policy to refuse: the styles are a file of the dashboard's.
  const page = await get(dashboard.url);
  assert.doesNotMatch(page.text, /<style|<script>|\sstyle=|\son[a-z]+=/);
  assert.match(page.text, /<link rel="stylesheet" href="\/assets\/dashboard\.css">/);
  const css = await get(`${dashboard.url}assets/dashboard.css`);
  assert.equal(css.status, 200);
  assert.match(css.type, /^text\/css/);
  assert.match(css.text, /\.status-live \{/);
});

test('HEAD /events answers its headers and ends, reading nothing; other methods are 405 with Allow', async (t) => {
  const source = countingSource();
  const dashboard = await startDashboard(source, { port: 0, interval: 100 });
  t.after(() => dashboard.close());
  // It used to be held open as a stream whose headers were never sent (a HEAD writes no body to flush them).
  const head = await request(`${dashboard.url}events`, {
    method: 'HEAD',
    signal: AbortSignal.timeout(20_000),
    reset: true,
  });
  assert.equal(head.statusCode, 200);
  assert.match(String(head.headers['content-type']), /^text\/event-stream/);
  await head.body.text();
  assert.equal(source.reads, 0);
  for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS']) {
    const answer = await request(`${dashboard.url}events`, { method, reset: true });
    await answer.body.text();
    assert.deepEqual([method, answer.statusCode, answer.headers.allow], [method, 405, 'GET, HEAD']);
  }
});

test("a failing source is reported with its code, on /api/snapshot (503) and as a 'failure' event", async (t) => {
  const source: SnapshotSource = {
    snapshot: () => Promise.reject(new DaemonNotRunningError('/tmp/nowhere')),
  };
  const dashboard = await startDashboard(source, { port: 0, interval: 100 });
  t.after(() => dashboard.close());
  const one = await get(`${dashboard.url}api/snapshot`);
  assert.equal(one.status, 503);
  assert.equal(JSON.parse(one.text).code, 'ERR_HIVE_DAEMON_NOT_RUNNING');
  const [frame] = await readEvents(`${dashboard.url}events`, 1);
  assert.equal(frame![0], 'failure');
  assert.equal(JSON.parse(frame![1]).code, 'ERR_HIVE_DAEMON_NOT_RUNNING');
});

test('a taken port is ERR_HIVE_DASHBOARD_PORT_IN_USE', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => blocker.close());
  const { port } = blocker.address() as { port: number };
  await assert.rejects(startDashboard(countingSource(), { port }), { code: 'ERR_HIVE_DASHBOARD_PORT_IN_USE' });
});

test('hive run: bad --dashboard values are usage errors, a public one without a token names the code', async () => {
  const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;
  const open = await runHive(['run', app, '--dashboard', '0.0.0.0:0']);
  assert.equal(open.code, 2);
  assert.match(open.stderr, /ERR_HIVE_DASHBOARD_TOKEN_REQUIRED: .*; set --dashboard-token \(or HIVE_DASHBOARD_TOKEN\)/);
  const bad = await runHive(['run', app, '--dashboard', 'nine']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Expected --dashboard to be \[host:\]port/);
  const orphan = await runHive(['run', app, '--dashboard-token', 'x']);
  assert.equal(orphan.code, 2);
  assert.match(orphan.stderr, /--dashboard-token needs --dashboard/);
});

test('hive run --dashboard on 0.0.0.0 with HIVE_DASHBOARD_TOKEN: the data needs the token, which is never printed', async () => {
  const app = new URL('../fixtures/metrics/app.js', import.meta.url).pathname;
  const hive = startHive([app, '-i', '1', '--dashboard', '0.0.0.0:0'], { HIVE_DASHBOARD_TOKEN: 'k3y-in-env' });
  const event = await hive.waitFor(isEvent('dashboard'), 'the dashboard address');
  assert.equal(event.token, true);
  const port = /^http:\/\/0\.0\.0\.0:(\d+)\/$/.exec(String(event.url))?.[1];
  assert.ok(port, String(event.url));
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  assert.equal((await get(`http://127.0.0.1:${port}/api/snapshot`)).status, 401);
  // A request target Node's parser accepts and URL does not, without the token: a 400, and the primary lives on.
  assert.match(
    await rawRequest(Number(port), 'GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    /^HTTP\/1\.1 400 /,
  );
  const answer = await get(`http://127.0.0.1:${port}/api/snapshot`, { authorization: 'Bearer k3y-in-env' });
  assert.equal(answer.status, 200);
  assert.equal((JSON.parse(answer.text) as HiveSnapshot).apps[0]?.name, 'app');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
  assert.doesNotMatch(JSON.stringify(hive.records) + hive.stderr.join(''), /k3y-in-env/);
});

test('--dashboard turns request sampling on (HIVE_REQUEST_SAMPLES=5) unless the user set it', () => {
  const samples = (argv: string[], env: Record<string, string> = {}) =>
    parseRunArgs(['app.js', ...argv], env).supervisor.env?.HIVE_REQUEST_SAMPLES;
  assert.equal(samples(['--dashboard', '0']), '5');
  assert.equal(samples(['--dashboard', '0', '-e', 'HIVE_REQUEST_SAMPLES=1']), '1');
  assert.equal(samples(['--dashboard', '0'], { HIVE_REQUEST_SAMPLES: '2' }), undefined);
  assert.equal(samples([]), undefined);
  const { dashboard } = parseRunArgs(['app.js', '--dashboard', '[::1]:9000'], {});
  assert.deepEqual(dashboard, { host: '::1', port: 9000, token: undefined });
  assert.deepEqual(parseRunArgs(['app.js', '--dashboard', '9000'], {}).dashboard?.host, '127.0.0.1');
  assert.throws(() => parseRunArgs(['app.js', '--port', '9000', '--dashboard', '9000'], {}), /is the app's --port/);
});
