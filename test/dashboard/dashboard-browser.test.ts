import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, type TestContext, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { type Browser, chromium, type Page } from 'playwright-core';
import { Agent, request } from 'undici';
import { hivePaths } from '../../dist/daemon/paths.js';
import { daemonSnapshotSource } from '../../dist/daemon/snapshot-source.js';
import {
  type DashboardOptions,
  type DashboardServer,
  type HiveSnapshot,
  type SnapshotSource,
  startDashboard,
} from '../../dist/dashboard/index.js';
import type { AppEvent, AppSnapshot, InstanceSnapshot } from '../../dist/metrics/snapshot.js';
import { freePort, isEvent, killAll, startHive } from '../cluster/helpers.js';
import { tempHome } from '../daemon/helpers.js';

const chromiumBin = '/usr/bin/chromium';
const root = new URL('../../', import.meta.url);
const api = new URL('examples/api/server.ts', root).pathname;
const artifacts = new URL('test-artifacts/', root).pathname;

/** Why the browser test is skipped, or false when it runs. In CI a missing chromium is a failure, never a skip. */
function chromiumSkip(): string | false {
  if (existsSync(chromiumBin)) return false;
  if (process.env.CI) throw new Error(`${chromiumBin} is missing in CI: .ci/run must install chromium`);
  return `${chromiumBin} not found: install chromium (apt-get install chromium) to run the dashboard in a real browser`;
}

let browser: Browser | undefined;

function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumBin,
    headless: true,
    // No internet here: without these Chromium keeps dialling Google's services and floods the log with refusals.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** How long a page's wait may take: a hang detector only (see {@link newPage}). */
const WAIT_MS = 120_000;

/**
 * A page of `browser`, its waits hang detectors only: two minutes, as Chromium beside two other test files has needed
 * more than Playwright's 30 s for what takes it a second alone.
 */
async function newPage(viewport?: { width: number; height: number }): Promise<Page> {
  browser ??= await launch();
  const page = await browser.newPage(viewport ? { viewport } : undefined);
  page.setDefaultTimeout(WAIT_MS);
  const log: string[] = [];
  pageLogs.set(page, log);
  page.on('pageerror', (error) => log.push(`pageerror: ${error.stack ?? error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      log.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('crash', () => log.push('the page crashed'));
  return page;
}

/** Each page's errors and warnings, for a wait that gives up to say what the page went through. */
const pageLogs = new WeakMap<Page, string[]>();

/**
 * Waits until `expression` holds in `page`. It is polled on a timer, not on animation frames (Playwright's default):
 * a starved renderer draws few frames, and a state the page passes through between two of them would be missed.
 */
async function until(page: Page, expression: string): Promise<void> {
  try {
    // A function, not the string: Playwright evaluates a string expression with eval() in the page, which the page's
    // Content-Security-Policy (no 'unsafe-eval') refuses; a function's source it hands to the browser's debugger.
    const predicate = new Function(`return (${expression});`) as () => unknown;
    await page.waitForFunction(predicate, undefined, { polling: 50, timeout: WAIT_MS });
  } catch (error) {
    // A page that stopped answering (a renderer busy for good) answers this neither: 10 s, then say so.
    const state = await Promise.race([
      page
        .evaluate(`JSON.stringify({
          dashboard: window.hiveDashboard,
          status: document.getElementById('status')?.textContent,
          kind: document.getElementById('status')?.getAttribute('data-kind'),
        })`)
        .catch((reason: Error) => `unreadable: ${reason.message}`),
      delay(10_000, 'no answer in 10 s: the page is busy for good'),
    ]);
    const log = (pageLogs.get(page) ?? []).slice(-20).join('\n');
    throw new Error(
      `${expression} did not hold within ${WAIT_MS} ms; the page: ${state}\n${await Promise.race([cpuUse(), delay(10_000, 'Chromium did not say its CPU use in 10 s')])}\n${log}`,
      {
        cause: error,
      },
    );
  }
}

/**
 * What each of Chromium's processes spent of a CPU over one second, as its browser process (not the page) tells: a
 * renderer that spins tells apart from one that waits.
 */
async function cpuUse(): Promise<string> {
  try {
    const session = await browser!.newBrowserCDPSession();
    const sample = async () => (await session.send('SystemInfo.getProcessInfo')).processInfo;
    const before = await sample();
    await delay(1000);
    const after = await sample();
    await session.detach();
    return `Chromium's CPU use over 1 s: ${after
      .map(({ type, id, cpuTime }) => {
        const was = before.find((info) => info.id === id)?.cpuTime ?? 0;
        return `${type} ${id}: ${Math.round((cpuTime - was) * 100)}%`;
      })
      .join(', ')}`;
  } catch (error) {
    return `Chromium's CPU use unknown: ${(error as Error).message}`;
  }
}

after(async () => {
  await browser?.close();
  await killAll();
});

/**
 * The page the tests of {@link openDashboard} share: a page of its own apiece cost each test about a second of a
 * loaded machine (a browser context and a renderer started and ended) for nothing it checks. A test that adds its own
 * listeners, routes or init scripts to a page takes a page of its own ({@link newPage}).
 */
let sharedPage: Page | undefined;

/** Playwright's viewport when a page is given none: the shared page's between tests. */
const DEFAULT_VIEWPORT = { width: 1280, height: 720 };

/**
 * `source` served by a dashboard (`options` over port 0) and opened in the shared Chromium page (at `viewport` for the
 * test); after the test the page leaves it (about:blank, its stream closed, its viewport back) and it is closed.
 */
async function openDashboard(
  t: TestContext,
  source: SnapshotSource,
  options: Partial<DashboardOptions> = {},
  viewport?: { width: number; height: number },
): Promise<{ dashboard: DashboardServer; page: Page }> {
  const dashboard = await startDashboard(source, { port: 0, ...options });
  t.after(() => dashboard.close());
  sharedPage ??= await newPage();
  const page = sharedPage;
  t.after(async () => {
    await page.goto('about:blank');
    if (viewport) await page.setViewportSize(DEFAULT_VIEWPORT);
  });
  if (viewport) await page.setViewportSize(viewport);
  await page.goto(dashboard.url);
  return { dashboard, page };
}

/** A ready slot's figures, as a static snapshot source serves them; `fields` over them. */
function instance(slot: number, fields: Partial<InstanceSnapshot> = {}): InstanceSnapshot {
  return {
    instance: slot,
    pid: 1000 + slot,
    state: 'ready',
    uptime: 60_000,
    cpu: 5,
    rss: 80 * 2 ** 20,
    heapUsed: 20 * 2 ** 20,
    heapTotal: 40 * 2 ** 20,
    elu: 0.1,
    loopDelayP50: 1,
    loopDelayP99: 2,
    reqRate: 10,
    errorRate: 0,
    latencyP50: 1,
    latencyP99: 3,
    inFlight: 1,
    // Slot 1 as an older daemon's snapshot has it: no count.
    ...(slot === 0 ? { upgradedConnections: 3 } : {}),
    classes: [0, 10, 0, 0, 0],
    restarts: 0,
    lastExit: null,
    pools: [
      {
        name: 'a-pool-with-a-long-task-module-name.ts',
        threads: 4,
        busy: 1,
        queued: 2,
        completed: 5,
        failed: 0,
        utilization: 0.3,
        waitP99: 1,
        runP99: 2,
      },
    ],
    ...fields,
  };
}

/** An online app of `instances`, all ready, as a static snapshot source serves it. */
function onlineApp(name: string, instances: InstanceSnapshot[], events: AppEvent[] = []): AppSnapshot {
  const size = instances.length;
  return {
    name,
    state: 'online',
    size,
    ready: size,
    reqRate: 20,
    errorRate: 0,
    restarts: 0,
    instances,
    events,
    requests: [],
  };
}

test('the dashboard page renders live data of a running cluster in Chromium', { skip: chromiumSkip() }, async () => {
  const appPort = await freePort();
  const hive = startHive([api, '--name', 'api', '-i', '2', '--port', String(appPort), '--dashboard', '127.0.0.1:0']);
  const { url } = await hive.waitFor(isEvent('dashboard'), 'the dashboard address');
  assert.match(String(url), /^http:\/\/127\.0\.0\.1:\d+\/$/);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);

  const page = await newPage({ width: 1440, height: 1000 });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  await page.goto(String(url));
  await page.waitForSelector('#status[data-kind="live"]');

  // A rolling reload shows on the time axis and in the event list.
  await until(page, 'window.hiveDashboard.snapshots >= 3');
  hive.kill('SIGHUP');
  await hive.waitFor(isEvent('reload', { phase: 'done' }), 'the reload', 60_000);
  await until(page, `/api: reload done/.test(document.querySelector('#events')?.textContent ?? '')`);
  // Bounded load, paced over a few seconds so that several one-second reports carry it: 80 requests (some 2 s; 200,
  // some 5 s, for the docs' picture), each on a new connection so round-robin spreads them over both processes, one in
  // five through the pool.
  const requests = process.env.HIVE_UPDATE_DOCS === '1' ? 200 : 80;
  const agent = new Agent({ connections: 4 });
  let sent = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (sent < requests) {
        const path = sent++ % 5 === 0 ? '/compute?n=20' : '/';
        const { body } = await request(`http://127.0.0.1:${appPort}${path}`, { dispatcher: agent, reset: true });
        await body.text();
        await delay(100);
      }
    }),
  );
  await agent.close();

  // Both processes listed, and requests per second above zero at some point: live data, read through the page (its
  // functions are strings: the tests' TypeScript has no DOM types).
  await until(page, `document.querySelectorAll('#instances tbody tr[data-app="api"]').length === 2`);
  await until(
    page,
    `Number(document.querySelector('.app-card[data-app="api"]')?.getAttribute('data-peak-req-rate')) > 0`,
  );
  // The pool the /compute requests created in each process shows in its row.
  await until(
    page,
    `[...document.querySelectorAll('#instances tbody tr')].filter((tr) => /fib\\.ts/.test(tr.textContent)).length > 0`,
  );
  const rows = await page.$$eval('#instances tbody tr[data-app="api"]', (trs) =>
    trs.map((tr) => ({ instance: tr.getAttribute('data-instance'), state: tr.getAttribute('data-state') })),
  );
  assert.deepEqual(rows, [
    { instance: '0', state: 'ready' },
    { instance: '1', state: 'ready' },
  ]);
  // Every chart is drawn by uPlot on a canvas.
  for (const id of ['req', 'latency', 'loop', 'cpu', 'memory', 'inflight', 'pool-queued', 'pool-util']) {
    assert.ok(await page.$(`#chart-${id} .uplot canvas`), `chart ${id}`);
  }
  const waterfall = await page.textContent('#waterfall');
  assert.ok(
    (await page.$$('#waterfall .wf-row')).length > 0 || /no sampled requests yet/.test(waterfall ?? ''),
    `waterfall: ${waterfall}`,
  );
  // A few more seconds of history make a readable picture for the docs (nothing above needs them).
  if (process.env.HIVE_UPDATE_DOCS === '1') {
    await until(page, 'window.hiveDashboard.snapshots >= 15');
  }
  mkdirSync(artifacts, { recursive: true });
  const shot = `${artifacts}dashboard.png`;
  await page.screenshot({ path: shot, fullPage: true });
  assert.ok(existsSync(shot));
  // `HIVE_UPDATE_DOCS=1 node scripts/run-tests.js dashboard-browser` refreshes the docs' picture from this run.
  if (process.env.HIVE_UPDATE_DOCS === '1') copyFileSync(shot, new URL('docs/dashboard.png', root));
  assert.deepEqual(pageErrors, []);

  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('the waterfall draws sampled requests: the process, then each pool task queued and run on its thread', {
  skip: chromiumSkip(),
}, async (t) => {
  const start = Date.now();
  const snapshot: HiveSnapshot = {
    time: start,
    host: 'test',
    apps: [
      {
        name: 'api',
        state: 'online',
        size: 1,
        ready: 1,
        reqRate: 1,
        errorRate: 0,
        restarts: 0,
        instances: [],
        events: [],
        requests: [
          { id: 'a', method: 'GET', path: '/', status: 200, start, totalMs: 2, tasks: [], instance: 0, pid: 11 },
          {
            id: 'b',
            method: 'GET',
            path: '/compute',
            status: 200,
            start: start + 1,
            totalMs: 40,
            tasks: [
              { thread: 1, queuedAt: 1, startAt: 5, endAt: 30 },
              { thread: 2, queuedAt: 2, startAt: 2.5, endAt: 36 },
            ],
            instance: 1,
            pid: 12,
          },
        ],
      },
    ],
  };
  const { page } = await openDashboard(t, { snapshot: async () => ({ ...snapshot, time: Date.now() }) });
  await page.waitForSelector('#waterfall .wf-row');
  const rows = await page.$$eval('#waterfall .wf-row', (divs) =>
    divs.map((div) => ({
      id: div.getAttribute('data-request'),
      route: div.querySelector('.wf-route')?.textContent,
      runs: [...div.querySelectorAll('.wf-run')].map((bar) => bar.getAttribute('title')),
      waits: div.querySelectorAll('.wf-wait').length,
    })),
  );
  // Newest first.
  assert.deepEqual(rows, [
    {
      id: 'b',
      route: 'primary → api#1 (pid 12) → 2 pool tasks',
      runs: ['thread 1: 25.0 ms', 'thread 2: 33.5 ms'],
      waits: 2,
    },
    { id: 'a', route: 'primary → api#0 (pid 11)', runs: [], waits: 0 },
  ]);
  // The slowest request sets the scale: its process bar spans the track.
  const width = await page.$eval(
    '#waterfall .wf-row[data-request="b"] .wf-process',
    (bar) => (bar as unknown as { style: { width: string } }).style.width,
  );
  assert.equal(width, '100%');
  mkdirSync(artifacts, { recursive: true });
  await (await page.$('#waterfall'))!.screenshot({ path: `${artifacts}dashboard-waterfall.png` });
});

test('17 apps, one with a 64-character name: the page fits a 1400 px window, names cut with their title, legends capped', {
  skip: chromiumSkip(),
}, async (t) => {
  const long = `payments-${'reconciliation-'.repeat(3)}worker-eu-west-1-xyz`.slice(0, 64);
  assert.equal(long.length, 64);
  const names = [long, ...Array.from({ length: 16 }, (_, n) => `service-${n}`)];
  const snapshot = (): HiveSnapshot => ({
    time: Date.now(),
    host: 'test',
    apps: names.map((name) =>
      onlineApp(
        name,
        [instance(0), instance(1)],
        [{ time: Date.now() - 1000, type: 'state', instance: null, text: `app ${name} online` }],
      ),
    ),
  });
  const { page } = await openDashboard(t, { snapshot: async () => snapshot() }, {}, { width: 1400, height: 900 });
  await until(page, 'window.hiveDashboard.snapshots >= 2');
  await until(page, `document.querySelectorAll('#instances tbody tr').length === 34`);
  await page.waitForSelector('#chart-cpu .u-legend');

  // The open WebSockets of each slot, in the column after the requests in flight.
  const ws = await page.evaluate(`(() => {
    const column = [...document.querySelectorAll('#instances thead th')].findIndex((th) => th.textContent === 'ws');
    return [column, [...document.querySelectorAll('#instances tbody tr[data-app="service-0"]')].map((tr) => tr.children[column].textContent)];
  })()`);
  assert.deepEqual(ws, [14, ['3', '–']]);

  const scrollWidth = await page.evaluate('document.documentElement.scrollWidth');
  assert.ok((scrollWidth as number) <= 1400, `the page is ${scrollWidth} px wide`);
  // The long name is cut in its card and its table cell, and whole in their title.
  const cut = await page.evaluate(`(() => {
    const card = document.querySelector('.app-card .app-name[title="${long}"]');
    const cell = document.querySelector('#instances td.name[title="${long}"]');
    return [card, cell].map((e) => e !== null && e.scrollWidth > e.clientWidth);
  })()`);
  assert.deepEqual(cut, [true, true]);
  // Each legend (34 series in the per-slot charts) keeps within a few rows.
  const legends = (await page.evaluate(
    `[...document.querySelectorAll('.u-legend')].map((l) => l.getBoundingClientRect().height)`,
  )) as number[];
  assert.ok(legends.length >= 8, `${legends.length} legends`);
  for (const height of legends) assert.ok(height <= 60, `a legend ${height} px high`);
  const titled = await page.evaluate(
    `document.querySelector('#chart-cpu .u-legend .u-series[title="${long}#0"] .u-label')?.textContent`,
  );
  assert.equal(titled, `${long}#0`);
  // Every row's title is its own series' name (they were one row off: the legend has no row for the time axis).
  const mismatched = await page.$$eval(
    '.u-legend .u-series',
    (rows) => rows.filter((row) => row.getAttribute('title') !== row.querySelector('.u-label')?.textContent).length,
  );
  assert.equal(mismatched, 0);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: `${artifacts}dashboard-many-apps.png`, fullPage: true });
});

test('a deleted app leaves the charts and their legends once its values are out of the window', {
  skip: chromiumSkip(),
}, async (t) => {
  // 'gone' is served, at one snapshot time, until the page has shown it; then each read is a minute of snapshot time
  // without it, so that the 5-minute window passes in a few reads. (Were it in only the first reads, a starved page
  // could draw them all at once, and its legend would never show 'gone' to look for.) 'bare' counts no requests (its
  // req/s is null), yet is still there: its series stays, empty.
  const start = Date.now();
  let shown = false;
  let minutes = 0;
  const bare = onlineApp('bare', [instance(0)]);
  const snapshot = (): HiveSnapshot => {
    const apps = [{ ...bare, reqRate: null, errorRate: null }, onlineApp('kept', [instance(0)])];
    if (!shown) apps.push(onlineApp('gone', [instance(0)]));
    else minutes += 1;
    return { time: start + minutes * 60_000, host: 'test', apps };
  };
  const { page } = await openDashboard(t, { snapshot: async () => snapshot() }, { interval: 100 });
  await until(page, `[...document.querySelectorAll('#chart-cpu .u-label')].some((l) => l.textContent === 'gone#0')`);
  shown = true;
  // Its last values were at `start`: a snapshot 6 minutes on leaves them out of the window.
  await until(page, `window.hiveDashboard.time >= ${start + 6 * 60_000}`);
  const legend = (chart: string) =>
    page.$$eval(`#chart-${chart} .u-legend .u-series .u-label`, (labels) => labels.map((label) => label.textContent));
  assert.deepEqual(await legend('cpu'), ['bare#0', 'kept#0']);
  assert.deepEqual(await legend('req'), ['bare', 'bare errors', 'kept', 'kept errors']);
  assert.equal(await page.$('.app-card[data-app="gone"]'), null);
});

test('apps named constructor, toString and valueOf are drawn like any other (the page threw on every snapshot)', {
  skip: chromiumSkip(),
}, async (t) => {
  const names = ['constructor', 'toString', 'valueOf', '__proto__', 'api'];
  const snapshot = async (): Promise<HiveSnapshot> => ({
    time: Date.now(),
    host: 'test',
    apps: names.map((name) => onlineApp(name, [instance(0)])),
  });
  const { page } = await openDashboard(t, { snapshot }, { interval: 100 });
  await until(page, 'window.hiveDashboard.snapshots >= 3');
  const cards = await page.$$eval('.app-card', (nodes) => nodes.map((node) => node.getAttribute('data-app')));
  assert.deepEqual(cards.sort(), [...names].sort());
  const legend = await page.$$eval('#chart-cpu .u-legend .u-series .u-label', (labels) =>
    labels.map((label) => label.textContent),
  );
  assert.deepEqual(legend.sort(), names.map((name) => `${name}#0`).sort());
});

/**
 * A source whose every read lists `kept` (50 req/s in the first read, 20 after) and a new app, `temp-<read>`, that the
 * next read no longer lists: months of a CI that creates and deletes apps, in a few seconds.
 */
function churningApps(): SnapshotSource {
  let reads = 0;
  return {
    snapshot: async (): Promise<HiveSnapshot> => {
      reads += 1;
      const kept = { ...onlineApp('kept', [instance(0)]), reqRate: reads === 1 ? 50 : 20 };
      return { time: Date.now(), host: 'test', apps: [kept, onlineApp(`temp-${reads}`, [instance(0)])] };
    },
  };
}

test('the page keeps a peak req/s per app it lists now, not per app it ever saw (apps created and deleted)', {
  skip: chromiumSkip(),
}, async (t) => {
  const { page } = await openDashboard(t, churningApps(), { interval: 100 });
  // 6 apps seen by the 5th read, 2 listed: the 4 deleted ones must have left the peaks (20 reads proved no more).
  await until(page, 'window.hiveDashboard.snapshots >= 5');
  const peaks = (await page.evaluate('window.hiveDashboard.peaks')) as Record<string, number>;
  assert.equal(Object.keys(peaks).length, 2, JSON.stringify(Object.keys(peaks)));
  assert.equal(peaks.kept, 50);
  assert.ok(Object.keys(peaks).some((name) => name.startsWith('temp-')));
});

test('apps created and deleted by the dozen: a chart draws at most 80 series, the listed apps first, and says so', {
  skip: chromiumSkip(),
}, async (t) => {
  // The deleted apps keep a value in the window each, so their series would pile up.
  const { page } = await openDashboard(t, churningApps(), { interval: 100 });
  // 45 apps seen: 92 series of requests (an app's req/s and its errors). Few more: past 80 each snapshot rebuilds
  // charts of 80 series (about 0.1 s of a free core; many times that on a starved one).
  await until(page, 'window.hiveDashboard.snapshots >= 45');
  const seen = (await page.evaluate('window.hiveDashboard.snapshots')) as number;
  const chart = (await page.evaluate(`(() => {
    const labels = [...document.querySelectorAll('#chart-req .u-legend .u-series .u-label')].map((l) => l.textContent);
    return { labels, more: document.getElementById('more-req').textContent };
  })()`)) as { labels: string[]; more: string };
  assert.equal(chart.labels.length, 80, JSON.stringify(chart.labels));
  assert.ok(chart.labels.includes('kept') && chart.labels.includes('kept errors'), JSON.stringify(chart.labels));
  // The newest deleted apps are drawn, the oldest left out: temp-1 was deleted 45 reads ago.
  assert.ok(!chart.labels.includes('temp-1'), JSON.stringify(chart.labels));
  const hidden = Number(/^ · (\d+) more series not drawn$/.exec(chart.more)?.[1]);
  assert.ok(hidden >= 2 * seen + 2 - 80 - 4 && hidden > 0, `${chart.more} after ${seen} snapshots`);
});

test('snapshots that come while the page is busy are drawn as one: the page does not fall behind its stream', {
  skip: chromiumSkip(),
}, async (t) => {
  const { page } = await openDashboard(t, churningApps(), { interval: 100 });
  await until(page, 'window.hiveDashboard.snapshots >= 3');
  const before = (await page.evaluate('({ ...window.hiveDashboard })')) as { snapshots: number; draws: number };
  // The page's thread busy for 2 s, as on a machine that lends it little: some 20 snapshots wait for it meanwhile.
  await page.evaluate('(() => { const end = Date.now() + 2000; while (Date.now() < end); })()');
  await until(page, `window.hiveDashboard.snapshots >= ${before.snapshots + 15}`);
  const after = (await page.evaluate('({ ...window.hiveDashboard })')) as { snapshots: number; draws: number };
  // Drawn one at a time, each would be a draw of its own; drawn as they come, a few draws take them all.
  assert.ok(
    after.draws - before.draws < after.snapshots - before.snapshots,
    `${after.draws - before.draws} draws for ${after.snapshots - before.snapshots} snapshots`,
  );
});

test('behind a token, the page goes live with ?token= and says what is missing without it', {
  skip: chromiumSkip(),
}, async (t) => {
  const source = { snapshot: async (): Promise<HiveSnapshot> => ({ time: Date.now(), host: 'test', apps: [] }) };
  const { dashboard, page } = await openDashboard(t, source, { token: 'open sesame' });
  await page.waitForSelector('#status[data-kind="error"]');
  assert.match((await page.textContent('#status')) ?? '', /a token is required/);
  await page.goto(`${dashboard.url}?token=${encodeURIComponent('open sesame')}`);
  await page.waitForSelector('#status[data-kind="live"]');
  assert.equal(await page.textContent('#apps .empty'), 'no apps');
});

test('an app the daemon could not start has its row, errored, with its last error (it has no process to show)', {
  skip: chromiumSkip(),
}, async (t) => {
  const hive = tempHome();
  const script = join(hive.dir, 'deaf.cjs');
  writeFileSync(script, 'setInterval(() => {}, 1000);\n');
  const started = await hive.run(['start', script, '-i', '1', '--name', 'deaf', '--listen-timeout', '1s']);
  assert.equal(started.code, 1, started.stderr);
  // What `hive dashboard` serves: the daemon's snapshots.
  const source = daemonSnapshotSource({ paths: hivePaths({ HIVE_HOME: hive.home }), requests: true });
  const { page } = await openDashboard(t, source);
  await page.waitForSelector('#instances tbody tr[data-app="deaf"]');
  const row = await page.$eval('#instances tbody tr[data-app="deaf"]', (tr) => [
    tr.getAttribute('data-state'),
    tr.textContent,
  ]);
  assert.equal(row[0], 'errored');
  assert.match(row[1] ?? '', /^deaferrored · no processes · last error: .*did not listen within 1000 ms/);
  const card = await page.textContent('.app-card[data-app="deaf"] .app-error');
  assert.match(card ?? '', /^last error: .*did not listen within 1000 ms/);
});

test('an online app whose last reload failed says why on its card (its processes run older code than its files)', {
  skip: chromiumSkip(),
}, async (t) => {
  const lastError = 'reload failed: Reload aborted at worker 0, old workers keep serving';
  const snapshot = (): HiveSnapshot => ({
    time: Date.now(),
    host: 'test',
    apps: [
      { ...onlineApp('stale', [instance(0)]), lastError, reloadFailed: true },
      { ...onlineApp('fresh', [instance(0)]), lastError: 'worker 0 crash-looped: Error: gone', reloadFailed: false },
    ],
  });
  const { page } = await openDashboard(t, { snapshot: async () => snapshot() });
  await page.waitForSelector('.app-card[data-app="fresh"]');
  assert.equal(await page.textContent('.app-card[data-app="stale"] .app-error'), `last error: ${lastError}`);
  // An online app's older error (a crash loop since over) stays the daemon's, not the view's.
  assert.equal(await page.$('.app-card[data-app="fresh"] .app-error'), null);
});

test('a process marked unresponsive (a blocked event loop) is hung in the instances table, its row red', {
  skip: chromiumSkip(),
}, async (t) => {
  const snapshot = (): HiveSnapshot => ({
    time: Date.now(),
    host: 'test',
    apps: [onlineApp('api', [instance(0, { unresponsive: true }), instance(1, { unresponsive: false })])],
  });
  const { page } = await openDashboard(t, { snapshot: async () => snapshot() });
  await until(page, `document.querySelectorAll('#instances tbody tr[data-app="api"]').length === 2`);
  const rows = await page.$$eval('#instances tbody tr[data-app="api"]', (trs) =>
    trs.map((tr) => [tr.getAttribute('data-state'), tr.hasAttribute('data-unresponsive'), tr.children[3]!.textContent]),
  );
  assert.deepEqual(rows, [
    ['ready', true, 'hung'],
    ['ready', false, 'ready'],
  ]);
  const colour = await page.evaluate(
    `getComputedStyle(document.querySelector('#instances tbody tr[data-unresponsive] td')).color`,
  );
  assert.equal(colour, 'rgb(255, 138, 128)');
});

test('an app that counts no HTTP requests (--no-http-metrics) shows – for its req/s, latency and in flight, never 0', {
  skip: chromiumSkip(),
}, async (t) => {
  const bare = onlineApp('bare', [
    instance(0, { reqRate: null, errorRate: null, latencyP50: null, latencyP99: null, inFlight: null }),
  ]);
  const snapshot = (): HiveSnapshot => ({
    time: Date.now(),
    host: 'test',
    apps: [{ ...bare, reqRate: null, errorRate: null }, onlineApp('counted', [instance(0)])],
  });
  const { page } = await openDashboard(t, { snapshot: async () => snapshot() });
  await page.waitForSelector('#instances tbody tr[data-app="counted"]');
  // Columns: app, #, pid, state, uptime, cpu, rss, heap, elu, loop p99, req/s, p50, p99, in flight, ...
  const cells = (app: string) =>
    page.$eval(`#instances tbody tr[data-app="${app}"]`, (tr) =>
      [...tr.children].slice(9, 14).map((td) => td.textContent),
    );
  assert.deepEqual(await cells('bare'), ['2.0', '–', '–', '–', '–']);
  assert.deepEqual(await cells('counted'), ['2.0', '10.0', '1.0', '3.0', '1']);
  assert.equal(await page.textContent('.app-card[data-app="bare"] .app-rate'), '– req/s');
  assert.match((await page.textContent('.app-card[data-app="bare"] .app-sub')) ?? '', /^– err\/s · peak – req\/s/);
  assert.equal(await page.textContent('.app-card[data-app="counted"] .app-rate'), '20.0 req/s');
});

test('a page refused with 403 (a tokenless dashboard opened under another name) says why, not reconnecting…', {
  skip: chromiumSkip(),
}, async (t) => {
  const source = { snapshot: async (): Promise<HiveSnapshot> => ({ time: Date.now(), host: 'test', apps: [] }) };
  const { dashboard, page } = await openDashboard(t, source);
  // Chromium resolves every *.localhost name to loopback; the dashboard answers only `localhost` itself without a
  // token: the Host a page of another site pointing its own name at 127.0.0.1 would send.
  await page.goto(`http://dash-alias.localhost:${dashboard.port}/`);
  await page.waitForSelector('#status[data-kind="error"]');
  assert.match((await page.textContent('#status')) ?? '', /without a token the dashboard answers only requests for/);
});

test('a stream refused with another status (a proxy in front answering 502) is opened again until it goes live', {
  skip: chromiumSkip(),
}, async (t) => {
  const source = { snapshot: async (): Promise<HiveSnapshot> => ({ time: Date.now(), host: 'test', apps: [] }) };
  const dashboard = await startDashboard(source, { port: 0 });
  t.after(() => dashboard.close());
  // A fresh page whose first stream gets a 502: EventSource closes for good on any status but 200.
  const again = await newPage();
  t.after(() => again.close());
  let refused = 0;
  await again.route('**/events*', (route) => {
    if (refused++ === 0) return route.fulfill({ status: 502, contentType: 'text/plain', body: 'bad gateway\n' });
    return route.continue();
  });
  await again.goto(dashboard.url);
  await until(again, `document.getElementById('status').getAttribute('data-kind') === 'live'`);
  assert.ok(refused >= 2, `${refused} requests of /events`);
});

test('a token with + and / (base64) opens the page as written and percent-encoded', {
  skip: chromiumSkip(),
}, async (t) => {
  const source = { snapshot: async (): Promise<HiveSnapshot> => ({ time: Date.now(), host: 'test', apps: [] }) };
  const token = 'ab+cd/ef==';
  const { dashboard, page } = await openDashboard(t, source, { token });
  for (const query of [token, encodeURIComponent(token)]) {
    await page.goto(`${dashboard.url}?token=${query}`);
    await page.waitForSelector('#status:not([data-kind="wait"])');
    assert.equal(
      await page.getAttribute('#status', 'data-kind'),
      'live',
      `?token=${query}: ${await page.textContent('#status')}`,
    );
  }
});

test('90 apps with no figure for a chart and one with: the one with data is drawn among the 80 series', {
  skip: chromiumSkip(),
}, async (t) => {
  // A fork-mode crowd (no pools: no pool figures) and one busy pool, listed last so that it is the last series seen.
  const crowd = Array.from({ length: 90 }, (_, n) => onlineApp(`fork-${n}`, [instance(0, { pools: [] })]));
  const snapshot = (): HiveSnapshot => ({
    time: Date.now(),
    host: 'test',
    apps: [...crowd, onlineApp('busy', [instance(0)])],
  });
  const { page } = await openDashboard(t, { snapshot: async () => snapshot() }, { interval: 100 });
  await until(page, 'window.hiveDashboard.snapshots >= 3');
  await page.waitForSelector('#chart-pool-queued .u-legend');
  const labels = await page.$$eval('#chart-pool-queued .u-legend .u-series .u-label', (nodes) =>
    nodes.map((node) => node.textContent),
  );
  assert.equal(labels.length, 80);
  assert.ok(labels.includes('busy#0'), JSON.stringify(labels));
  assert.equal(await page.textContent('#more-pool-queued'), ' · 11 more series not drawn');
});

test('the page loads with no failed request and no console error (no /favicon.ico 404)', {
  skip: chromiumSkip(),
}, async (t) => {
  const source = { snapshot: async (): Promise<HiveSnapshot> => ({ time: Date.now(), host: 'test', apps: [] }) };
  const dashboard = await startDashboard(source, { port: 0, interval: 100 });
  t.after(() => dashboard.close());
  const page = await newPage();
  t.after(() => page.close());
  const failed: string[] = [];
  page.on('response', (response) => {
    if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') failed.push(`console.error: ${message.text()}`);
  });
  // The page's Content-Security-Policy refuses nothing it loads (an inline style or script would be).
  await page.addInitScript(`
    window.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI));
  `);
  await page.goto(dashboard.url);
  await until(page, 'window.hiveDashboard.snapshots >= 5');
  assert.deepEqual(failed, []);
  assert.deepEqual(await page.evaluate('window.cspViolations'), []);
  // Its styles apply (a stylesheet of the dashboard's now, no inline <style>).
  assert.equal(await page.evaluate('getComputedStyle(document.body).backgroundColor'), 'rgb(15, 23, 32)');
});

test('a page of another site cannot frame the dashboard: no page in the frame, no stream opened for it', {
  skip: chromiumSkip(),
}, async (t) => {
  let reads = 0;
  const source = {
    snapshot: async (): Promise<HiveSnapshot> => {
      reads += 1;
      return { time: Date.now(), host: 'test', apps: [] };
    },
  };
  const dashboard = await startDashboard(source, { port: 0, interval: 100 });
  t.after(() => dashboard.close());
  // The other site: `localhost` is not the dashboard's 127.0.0.1. Its frame is 0x0, as a page hiding it would be.
  const attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(`<iframe width="0" height="0" src="${dashboard.url}" onload="window.framed = true"></iframe>`);
  });
  await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
  t.after(() => attacker.close());
  const page = await newPage();
  t.after(() => page.close());
  const attackerUrl = `http://localhost:${(attacker.address() as { port: number }).port}/`;
  // Refused for its Sec-Fetch-Dest (403), and, asked for without it as by a browser that sends none, for its headers
  // (X-Frame-Options, frame-ancestors): the page is fetched by Playwright (no Sec-Fetch-*) and handed to the frame.
  for (const withDest of [true, false]) {
    if (!withDest) await page.route(dashboard.url, async (route) => route.fulfill({ response: await route.fetch() }));
    await page.goto(attackerUrl);
    await until(page, 'window.framed === true');
    const frame = page.frames().find((f) => f !== page.mainFrame());
    assert.ok(frame, 'the frame');
    assert.equal(await frame.evaluate(`document.getElementById('status')`), null, `withDest ${withDest}`);
  }
  // The page would have opened /events at once: nothing was read.
  assert.equal(reads, 0);
});

test('a fork-mode process (no event-loop utilization) shows – in the elu column, not –%', {
  skip: chromiumSkip(),
}, async (t) => {
  const snapshot = (): HiveSnapshot => ({
    time: Date.now(),
    host: 'test',
    apps: [onlineApp('forked', [instance(0, { elu: null, cpu: null })]), onlineApp('clustered', [instance(0)])],
  });
  const { page } = await openDashboard(t, { snapshot: async () => snapshot() });
  await page.waitForSelector('#instances tbody tr[data-app="clustered"]');
  // Columns: app, #, pid, state, uptime, cpu, rss, heap, elu, ...
  const cells = (app: string) =>
    page.$eval(`#instances tbody tr[data-app="${app}"]`, (tr) =>
      [...tr.children].slice(5, 9).map((td) => td.textContent),
    );
  assert.deepEqual(await cells('forked'), ['–', '80 MiB', '20 MiB', '–']);
  assert.deepEqual(await cells('clustered'), ['5.0%', '80 MiB', '20 MiB', '10%']);
});
