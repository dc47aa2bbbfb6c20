// The text of `hive ls` and `hive describe`, from the AppInfo the daemon replies with.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appTable, describeApp, formatBytes, notStartedYet } from '../../dist/cli/app-output.js';
import { appInfo as app, appSettings, processInfo as proc } from './app-info.js';

const MiB = 2 ** 20;

// Memory was computed in binary units and labelled MB (a 300M limit, 300 MiB, showed as `300.0 MB`).
test('ls and describe label memory in the binary units they compute it in', () => {
  assert.equal(formatBytes(512 * 1024), '512.0 KiB');
  assert.equal(formatBytes(300 * MiB), '300.0 MiB');
  assert.equal(formatBytes(1.25 * 2 ** 30), '1.25 GiB');
  assert.equal(formatBytes(null), '-');
  assert.match(appTable([app()]), /^0 +api +cluster +1\/1 +online +0 +1m +0% +100\.0 MiB$/m);
  const text = describeApp(app());
  assert.match(text, /^max memory +300\.0 MiB$/m);
  assert.match(text, /^worker 0 +4100 +ready +1m +0% +50\.0 MiB$/m);
  assert.doesNotMatch(text, /\bMB\b/);
});

// The uptime column showed the primary's: a worker restarted 10 s ago under a primary up for hours read `3h`.
test("ls and describe show the youngest process's uptime; describe's rows each process's", () => {
  const restarted = app({
    uptime: 3 * 3600_000,
    processUptime: 10_000,
    processes: [
      proc({ role: 'primary', instance: null, pid: 4000, state: 'online', uptime: 3 * 3600_000 }),
      proc({ instance: 0, pid: 4100, uptime: 3 * 3600_000 - 500 }),
      proc({ instance: 1, pid: 4200, uptime: 10_000 }),
    ],
  });
  assert.match(appTable([restarted]), /^0 +api +cluster +1\/1 +online +0 +10s /m);
  const text = describeApp(restarted);
  assert.match(text, /^uptime +10s$/m);
  assert.match(text, /^primary +4000 +online +3h /m);
  assert.match(text, /^worker 0 +4100 +ready +2h /m);
  assert.match(text, /^worker 1 +4200 +ready +10s /m);
});

// A fork app listed at once after its start (its process up 0 ms) read `0`, though `0s` a millisecond later.
test('an uptime under a second reads 0s, 0 ms included, as it does a stopped app', () => {
  for (const ms of [0, 1, 999]) {
    const fresh = app({
      mode: 'fork',
      processUptime: ms,
      processes: [
        proc({ role: 'primary', instance: null, pid: 4000, state: 'online', uptime: ms }),
        proc({ pid: 4100, uptime: ms }),
      ],
    });
    assert.match(appTable([fresh]), /^0 +api +fork +1\/1 +online +0 +0s /m);
    const text = describeApp(fresh);
    assert.match(text, /^uptime +0s$/m);
    assert.match(text, /^worker 0 +4100 +ready +0s /m);
  }
  const stopped = app({ status: 'stopped', ready: 0, total: 0, processUptime: 0, cpu: null, memory: null });
  assert.match(appTable([{ ...stopped, processes: [] }]), /^0 +api +cluster +0\/0 +stopped +0 +0s +- /m);
});

// An app's last error is its stderr's tail: an escape sequence in it (clear the screen, retitle the window) reached the
// operator's terminal raw through describe and start's "did not start" line.
test('describe and the not-started line show a last error escape sequence as text, its lines as lines', () => {
  const lastError = 'Error: boom\x1b[2J\n    at \x1b]0;pwned\x07main.js:1';
  const text = describeApp(app({ lastError }));
  assert.match(text, /^last error +Error: boom\\x1b\[2J$/m);
  assert.match(text, /^ {4}at \\x1b\]0;pwned\\x07main\.js:1$/m);
  const line = notStartedYet('start', [app({ status: 'errored', lastError })]);
  assert.ok(line.includes('did not start (not tried again): Error: boom\\x1b[2J\n'), line);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what must not be there
  for (const out of [text, line]) assert.doesNotMatch(out, /[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
});

// The table ignored the terminal's width: on an 80-column terminal a 64-character name made every row wrap in two.
test('ls fits the table to the width it is given as PM2 does, names cut with …, and keeps it whole without one', () => {
  const long = 'b'.repeat(64);
  const apps = [app(), app({ id: 1, name: long, namespace: 'n'.repeat(30), status: 'stopped', memory: 1.5 * 2 ** 30 })];
  const whole = appTable(apps);
  assert.ok(whole.includes(long), 'with no width, as piped: every name whole');
  const widthOf = (line: string) => [...line].length;
  for (const width of [40, 60, 80, 120, 200]) {
    const lines = appTable(apps, width).split('\n');
    assert.equal(lines.length, 3, `${width}: a line per row, none wrapped`);
    for (const line of lines) assert.ok(widthOf(line) <= width, `${width}: ${JSON.stringify(line)}`);
    // The columns PM2's minimal layout keeps are there at every width.
    assert.match(lines[0]!, /^id +name +(.+ +)?status +(.+ +)?cpu +memory$/, `${width}: ${lines[0]}`);
    const name = width < 200 ? 'b+…' : long;
    assert.match(lines[2]!, new RegExp(`^1 +${name} .*stopped .*1\\.50 GiB$`), `${width}: ${lines[2]}`);
  }
  assert.equal(appTable(apps, 300), whole, 'a table that fits is the same as without a width');
  assert.match(appTable(apps, 80), /^0 +api +cluster +1\/1 +online +0 +1m +0% +100\.0 MiB$/m);
});

// Only the last error was made text: a cwd, script or argument with an escape sequence (a config from a cloned repo)
// reached the terminal raw through describe.
test('describe shows an escape sequence in the cwd, script, args or watch paths as text', () => {
  const text = describeApp(
    app({
      cwd: '/srv/\x1b[31mred',
      script: '/srv/\x1b[31mred/api.js',
      watch: ['/srv/\x1b[2J'],
      settings: appSettings({ args: ['\x1b]0;pwned\x07', 'a b'], nodeArgs: ['--title=\x9b2J'] }),
    }),
  );
  assert.match(text, /^cwd +\/srv\/\\x1b\[31mred$/m);
  assert.match(text, /^script +\/srv\/\\x1b\[31mred\/api\.js$/m);
  assert.match(text, /^args +\\x1b\]0;pwned\\x07 "a b"$/m);
  assert.match(text, /^watch +\/srv\/\\x1b\[2J$/m);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what must not be there
  assert.doesNotMatch(text, /[\x00-\x09\x0b-\x1f\x7f-\x9f]/);
});

// The process table (about 46 columns, more with an idle slot's exit) wrapped on a 40-column terminal; it is narrowed
// as `hive ls` is: the state cut, then uptime left out, the process cut, cpu left out. Piped, it is whole.
test("describe's process table fits the terminal's width, pid, state and memory kept", () => {
  const wide = app({
    total: 2,
    processes: [
      proc({ role: 'primary', instance: null, pid: 4000, state: 'online', uptime: 3 * 3600_000 }),
      proc({ instance: 10, pid: 41000, uptime: 60_000, memory: 123.4 * MiB }),
    ],
    idleSlots: [{ instance: 1, state: 'restarting', lastExit: { time: 0, code: 1, signal: null }, restarts: 3 }],
  });
  const table = (text: string) => text.slice(text.indexOf('\nprocess ') + 1).split('\n');
  const whole = table(describeApp(wide));
  assert.ok(Math.max(...whole.map((line) => line.length)) > 46, whole.join('\n'));
  assert.deepEqual(table(describeApp(wide, 200)), whole);
  for (const width of [30, 40, 46, 60]) {
    const lines = table(describeApp(wide, width));
    assert.equal(lines.length, 4, `a header and three rows at ${width}`);
    for (const line of lines) assert.ok(line.length <= width, `at ${width}: ${JSON.stringify(line)}`);
  }
  const at40 = table(describeApp(wide, 40));
  assert.match(at40[0]!, /^process +pid +state +memory$/);
  assert.match(at40.join('\n'), /^worker … +41000 +ready +123\.4 MiB$/m);
  assert.match(at40.join('\n'), /^worker 1 +- +restarting… +-$/m);
});

// PM2's `min_uptime: "1h"` read `min uptime 3600s`: a setting is shown in the largest unit it is a whole number of.
test("describe shows a setting's duration in its largest whole unit", () => {
  const settings = appSettings({
    minUptime: 3_600_000,
    killTimeout: 90_000,
    restartDelay: 1_500,
    listenTimeout: 120_000,
  });
  const text = describeApp(app({ settings }));
  assert.match(text, /^min uptime +1h$/m);
  assert.match(text, /^kill timeout +90s$/m);
  assert.match(text, /^restart delay +1\.5s$/m);
  assert.match(text, /^listen timeout +2m$/m);
});

// A bare `online` over slots that have no process read as healthy: PM2's rows say `waiting restart` and `errored`.
test("an online app's slots with no process are counted in its status: restarting, errored", () => {
  const slot = (instance: number, state: 'restarting' | 'errored') => ({ instance, state, lastExit: null });
  const status = (info: Parameters<typeof app>[0]) =>
    / (online|errored|reloading)( \([^)]*\))? /.exec(appTable([app(info)]))?.[0];
  assert.equal(status({ idleSlots: [slot(0, 'restarting'), slot(1, 'restarting')] }), ' online (2 restarting) ');
  assert.equal(
    status({ idleSlots: [slot(0, 'restarting'), slot(1, 'errored')] }),
    ' online (1 restarting, 1 errored) ',
  );
  assert.equal(status({ status: 'reloading', idleSlots: [slot(1, 'errored')] }), ' reloading (1 errored) ');
  // An errored app's slots are all errored: its status says so already.
  assert.equal(status({ status: 'errored', idleSlots: [slot(0, 'errored')] }), ' errored ');
  assert.equal(status({ idleSlots: [], reloadFailed: true }), ' online (reload failed) ');
  assert.match(describeApp(app({ idleSlots: [slot(1, 'restarting')] })), /^status +online \(1 restarting\)$/m);
});
