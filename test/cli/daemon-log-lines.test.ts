// Which daemon.log lines `hive logs <app>` shows: the entries about its apps, with the lines an entry continues on
// (an errored event quotes the app's last stderr lines), and never another app's; the daemon's own only with no target.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DaemonLogFilter } from '../../dist/cli/daemon-log-lines.js';

const daemonLog = [
  '2026-12-01T05:46:56.348Z daemon 0.1.0 pid 14743 listening on /home/me/.hive/daemon.sock',
  '2026-12-01T05:46:56.374Z api: primary pid 14773 started',
  '2026-12-01T05:46:57.000Z api: slot 0 errored: 16 crash restarts within 1000 ms; reload to try again. Last stderr lines:',
  '  Error: no database',
  '  at main (/srv/api/server.js:3:9)',
  '2026-12-01T05:46:57.100Z worker: worker 0 (pid 14815) exited with code 1 (crash)',
  '2026-12-01T05:46:57.200Z api-v2: app online',
  '2026-12-01T05:46:57.300Z resurrect: api: did not start',
  '2026-12-01T05:46:58.000Z stopping every app',
  '  not an app line',
  '2026-12-01T05:46:58.100Z api: app stopping',
];

test('DaemonLogFilter picks the lines about the selected apps, an entry with the lines it continues on', () => {
  const filter = new DaemonLogFilter(['api']);
  const picked = daemonLog.map((line) => filter.pick(line)).filter((line) => line !== undefined);
  assert.deepEqual(
    picked.map(({ app, time, line }) => [app, time, line]),
    [
      ['api', '2026-12-01T05:46:56.374Z', daemonLog[1]],
      ['api', '2026-12-01T05:46:57.000Z', daemonLog[2]],
      ['api', '2026-12-01T05:46:57.000Z', '  Error: no database'],
      ['api', '2026-12-01T05:46:57.000Z', '  at main (/srv/api/server.js:3:9)'],
      ['api', '2026-12-01T05:46:57.300Z', daemonLog[7]],
      ['api', '2026-12-01T05:46:58.100Z', daemonLog[10]],
    ],
  );
});

test('DaemonLogFilter.add shows an app started since, from its next line', () => {
  const filter = new DaemonLogFilter([]);
  assert.equal(filter.pick(daemonLog[5]!), undefined);
  filter.add('worker');
  assert.equal(filter.pick(daemonLog[5]!)?.app, 'worker');
  assert.equal(filter.pick(daemonLog[6]!), undefined);
});

test("DaemonLogFilter.everyApp picks every app's lines from then on, not the daemon's own", () => {
  const filter = new DaemonLogFilter([]);
  filter.everyApp();
  const picked = daemonLog.map((line) => filter.pick(line)?.app);
  assert.deepEqual(picked, [
    undefined,
    'api',
    'api',
    'api',
    'api',
    'worker',
    'api-v2',
    'api',
    undefined,
    undefined,
    'api',
  ]);
});

// The daemon's own lines, among an app's: `uncaught exception: ` (once `uncaught: `, which read as an app's), its
// stack, and a `hive daemon: ` line on its stderr (untimed, yet no continuation of the app's entry before it).
const ownLines = [
  '2026-12-01T05:46:56.348Z daemon 0.1.0 pid 14743 listening on /home/me/.hive/daemon.sock',
  '2026-12-01T05:46:56.374Z uncaught: primary pid 14773 started',
  '2026-12-01T05:46:57.000Z uncaught exception: Error: boom',
  '    at Socket.<anonymous> (/opt/hive/dist/daemon/control-server.js:12:3)',
  '2026-12-01T05:46:57.100Z api: app online',
  'hive daemon: log /home/me/.hive/logs/api-out.log: moved or removed; writing a new file there',
  '2026-12-01T05:46:57.200Z unhandled rejection: Error: lost',
  '2026-12-01T05:46:57.300Z uncaught: app online',
];

test("DaemonLogFilter tells the daemon's own lines from an app's, whatever the app is called", () => {
  for (const everyApp of [false, true]) {
    const filter = new DaemonLogFilter(everyApp ? [] : ['uncaught', 'api']);
    if (everyApp) filter.everyApp();
    assert.deepEqual(
      ownLines.map((line) => filter.pick(line)?.app),
      [undefined, 'uncaught', undefined, undefined, 'api', undefined, undefined, 'uncaught'],
      `everyApp: ${everyApp}`,
    );
  }
});

test("DaemonLogFilter with daemonLines picks the daemon's own lines too, as the daemon's (app null)", () => {
  const filter = new DaemonLogFilter(['api'], { daemonLines: true });
  assert.deepEqual(
    ownLines.map((line) => {
      const picked = filter.pick(line);
      return picked && [picked.app, picked.time];
    }),
    [
      [null, '2026-12-01T05:46:56.348Z'],
      undefined,
      [null, '2026-12-01T05:46:57.000Z'],
      [null, '2026-12-01T05:46:57.000Z'],
      ['api', '2026-12-01T05:46:57.100Z'],
      [null, '2026-12-01T05:46:57.100Z'],
      [null, '2026-12-01T05:46:57.200Z'],
      undefined,
    ],
  );
});

// A saved app whose Node.js was gone was said as `resurrect: warning: <app>: ...`, which read as a line of an app
// named `warning`; an app named `resurrect` had its warnings read as another app's. The daemon now starts every line
// about an app with its name; the lines of an older daemon.log still go to their app.
test('DaemonLogFilter gives resurrect lines, new and old, to their app, and an app named resurrect its warnings', () => {
  const lines = [
    "2026-12-01T05:46:56.000Z api: warning: its saved Node.js /opt/node18/bin/node is gone; it runs with the daemon's",
    '2026-12-01T05:46:56.100Z api: resurrect failed: did not start',
    '2026-12-01T05:46:56.200Z resurrect: warning: api: its saved Node.js /opt/node18/bin/node is gone; it runs with x',
    '2026-12-01T05:46:56.300Z resurrect: api: did not start',
    '2026-12-01T05:46:56.400Z resurrect: warning: app "resurrect" came from /a/ecosystem.config.js; /b/x.js now defines it',
    '2026-12-01T05:46:56.500Z resurrect: app online',
  ];
  const filter = new DaemonLogFilter([]);
  filter.everyApp();
  assert.deepEqual(
    lines.map((line) => filter.pick(line)?.app),
    ['api', 'api', 'api', 'api', 'resurrect', 'resurrect'],
  );
  const api = new DaemonLogFilter(['api']);
  assert.deepEqual(
    lines.map((line) => api.pick(line)?.line),
    [...lines.slice(0, 4), undefined, undefined],
  );
});
