import assert from 'node:assert/strict';
import { test } from 'node:test';
import stringWidth from 'string-width';
import { MetricHistory, Ring } from '../../dist/cli/monit/history.js';
import { KeyReader, parseKeys } from '../../dist/cli/monit/keys.js';
import { renderFrame } from '../../dist/cli/monit/render.js';
import { moveSelection, type Selection } from '../../dist/cli/monit/selection.js';
import { BLOCKS, sparkline } from '../../dist/cli/monit/sparkline.js';
import { frameBytes } from '../../dist/cli/monit/terminal.js';
import { cell, printable, stripAnsi, truncate, visibleWidth, wrap } from '../../dist/cli/monit/text.js';
import type { AppSnapshot, HiveSnapshot, InstanceSnapshot } from '../../dist/metrics/snapshot.js';

const MiB = 2 ** 20;

function instance(slot: number, fields: Partial<InstanceSnapshot> = {}): InstanceSnapshot {
  return {
    instance: slot,
    pid: 4100 + slot,
    state: 'ready',
    uptime: 95_000,
    cpu: 12.34,
    rss: 64 * MiB,
    heapUsed: 18 * MiB,
    heapTotal: 32 * MiB,
    elu: 0.25,
    loopDelayP50: 10.1,
    loopDelayP99: 12.6,
    reqRate: 40 + slot,
    errorRate: 0,
    latencyP50: 1.2,
    latencyP99: 7.25,
    inFlight: slot,
    classes: [0, 100, 0, 0, 0],
    restarts: 0,
    lastExit: null,
    pools: [
      {
        name: 'fib.ts',
        threads: 2,
        busy: 1,
        queued: 3,
        completed: 9,
        failed: 0,
        utilization: 0.5,
        waitP99: 1,
        runP99: 2,
      },
    ],
    ...fields,
  };
}

function app(name: string, instances: InstanceSnapshot[], fields: Partial<AppSnapshot> = {}): AppSnapshot {
  return {
    name,
    state: 'online',
    size: instances.length,
    ready: instances.length,
    reqRate: instances.reduce((sum, i) => sum + (i.reqRate ?? 0), 0),
    errorRate: 0,
    restarts: instances.reduce((sum, i) => sum + i.restarts, 0),
    instances,
    events: [],
    requests: [],
    ...fields,
  };
}

const snapshot = (apps: AppSnapshot[], time = Date.UTC(2026, 10, 29, 1, 2, 3)): HiveSnapshot => ({
  time,
  host: 'box',
  apps,
});

const api = app('api', [instance(0), instance(1, { restarts: 2 })], {
  events: [
    { time: Date.UTC(2026, 10, 29, 1, 0, 0), type: 'state', instance: null, text: 'app online' },
    { time: Date.UTC(2026, 10, 29, 1, 1, 0), type: 'reload', instance: null, text: 'reload done' },
    {
      time: Date.UTC(2026, 10, 29, 1, 2, 0),
      type: 'exit',
      instance: 1,
      text: 'worker 1 (pid 4101) exited with code 1',
    },
  ],
});
const jobs = app('jobs-with-a-rather-long-name-indeed', [instance(0, { pid: 5000, reqRate: 0 })], {
  state: 'errored',
  errorRate: 1.5,
});
const stopped = app('old', [], { state: 'stopped', size: 2, ready: 0 });
const fleet = snapshot([api, jobs, stopped]);

/** A history with `points` snapshots of `snap` whose req/s of api#0 climbs 0, 1, 2... */
function historyOf(snap: HiveSnapshot, points: number): MetricHistory {
  const history = new MetricHistory(60);
  for (let i = 0; i < points; i++) {
    const apps = snap.apps.map((a) =>
      a.name === 'api' ? { ...a, instances: a.instances.map((x) => ({ ...x, reqRate: x.instance === 0 ? i : 5 })) } : a,
    );
    history.record({ ...snap, apps });
  }
  return history;
}

const plain = (lines: string[]) => lines.map(stripAnsi);

/** The still (not live) frame of `apps`, the first selected, `width` columns by 20 lines: its lines, coloured or not. */
const stillFrame = (apps: AppSnapshot[], width: number, color = false): string[] =>
  renderFrame({
    snapshot: snapshot(apps),
    selection: {},
    history: new MetricHistory(60),
    width,
    height: 20,
    live: false,
    color,
  });
const maxWidth = (lines: string[]) => Math.max(...plain(lines).map(visibleWidth));

test('sparkline: block characters scaled 0..max, fixed width, nulls as spaces, newest on the right', () => {
  assert.equal(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8, 7), BLOCKS);
  assert.equal(sparkline([0, 7], 2), '▁█', 'max defaults to the largest value shown');
  assert.equal(sparkline([0, 0, 0], 3), '▁▁▁', 'all zero stays at the bottom');
  assert.equal(sparkline([5, null, 5], 3), '█ █');
  assert.equal(sparkline([1, 2], 5, 2), '   ▅█', 'padded on the left');
  assert.equal(sparkline([1, 2, 3, 4, 5, 6], 3, 6), '▆▇█', 'only the newest width values');
  assert.equal(sparkline([10, -1, Number.NaN], 3, 5), '█▁ ', 'clamped; NaN is a gap');
  assert.equal(sparkline([1], 0), '');
  for (const width of [1, 7, 60]) assert.equal([...sparkline([1, 2, 3], width)].length, width);
});

test('history: a bounded ring per app, instance and metric; series of slots that left are dropped', () => {
  const ring = new Ring(3);
  for (const v of [1, 2, 3, 4, null]) ring.push(v);
  assert.deepEqual(ring.values(), [3, 4, null]);
  assert.equal(ring.length, 3);

  const history = new MetricHistory(5);
  for (let i = 0; i < 8; i++) {
    history.record(snapshot([app('api', [instance(0, { reqRate: i, cpu: i === 7 ? null : i * 10 }), instance(1)])]));
  }
  assert.deepEqual(history.values('api', 0, 'reqRate'), [3, 4, 5, 6, 7]);
  assert.deepEqual(history.values('api', 0, 'cpu'), [30, 40, 50, 60, null]);
  assert.deepEqual(history.values('api', 1, 'rss'), Array(5).fill(64 * MiB));
  assert.deepEqual(history.values('nope', 0, 'rss'), []);
  assert.equal(history.size, 2 * 4);
  history.record(snapshot([app('api', [instance(1)])]));
  assert.equal(history.size, 4, 'slot 0 is gone, and its series with it');
  assert.deepEqual(history.values('api', 0, 'reqRate'), []);
  assert.throws(() => new MetricHistory(0), /positive integer/);
});

test('keys: letters, arrows (CSI and SS3), Tab, Ctrl-C; other escape sequences are skipped whole', () => {
  assert.deepEqual(parseKeys('jkhl\tq'), [
    'app-next',
    'app-prev',
    'instance-prev',
    'instance-next',
    'instance-next',
    'quit',
  ]);
  assert.deepEqual(parseKeys('\x1b[A\x1b[B\x1b[C\x1b[D\x1bOB\x1b[Z'), [
    'app-prev',
    'app-next',
    'instance-next',
    'instance-prev',
    'app-next',
    'instance-prev',
  ]);
  assert.deepEqual(parseKeys('\x03'), ['quit']);
  assert.deepEqual(parseKeys('\x1b[15~x\x1b'), [], 'F5, an unbound letter and a lone Esc do nothing');
});

// Over a slow link an arrow's bytes may come in two reads: read chunk by chunk, `ESC` then `[B` was no key at all.
test('keys: an escape sequence split across reads is one key; a lone Esc still does nothing', () => {
  const reader = new KeyReader();
  assert.deepEqual(reader.read('j\x1b'), ['app-next']);
  assert.deepEqual(reader.read('[B'), ['app-next']);
  assert.deepEqual(reader.read('\x1b['), []);
  assert.deepEqual(reader.read('1;2'), []);
  assert.deepEqual(reader.read('A\x1bO'), [], 'a modified arrow is no key of the view');
  assert.deepEqual(reader.read('C'), ['instance-next']);
  assert.deepEqual(reader.read('\x1b'), []);
  assert.deepEqual(reader.read('k'), ['app-prev'], 'the key after a lone Esc');
});

test('selection: by name and slot, wrapping, and back to the first when the selected one is gone', () => {
  let selection: Selection = {};
  selection = moveSelection(selection, 'app-next', fleet);
  assert.equal(selection.app, jobs.name);
  selection = moveSelection(selection, 'app-prev', fleet);
  selection = moveSelection(selection, 'app-prev', fleet);
  assert.equal(selection.app, 'old', 'wraps to the last');
  selection = moveSelection({ app: 'api' }, 'instance-next', fleet);
  assert.deepEqual(selection, { app: 'api', instance: 1 });
  assert.deepEqual(moveSelection(selection, 'instance-next', fleet), { app: 'api', instance: 0 });
  assert.deepEqual(moveSelection({ app: 'api' }, 'instance-prev', fleet), { app: 'api', instance: 1 });
  assert.deepEqual(moveSelection({ app: 'gone' }, 'app-next', fleet).app, jobs.name, 'from the first');
  assert.deepEqual(moveSelection({}, 'app-next', undefined), {}, 'nothing to select without a snapshot');
  // `hive monit api`: one app, so up and down leave the selected instance where it is (they reset it to #0).
  const alone = snapshot([api]);
  for (const action of ['app-next', 'app-prev'] as const) {
    assert.deepEqual(moveSelection({ app: 'api', instance: 1 }, action, alone), { app: 'api', instance: 1 });
  }
});

const sizes: [number, number][] = [
  [80, 24],
  [120, 40],
  [200, 60],
];
for (const [width, height] of sizes) {
  test(`render ${width}x${height}: apps, the selected app's instances, sparklines, events and keys, all within the terminal`, () => {
    const history = historyOf(fleet, 30);
    const lines = renderFrame({ snapshot: fleet, selection: {}, history, width, height, live: true });
    assert.ok(lines.length <= height, `${lines.length} lines`);
    assert.ok(maxWidth(lines) <= width, `a line of ${maxWidth(lines)} columns`);
    const text = lines.join('\n');
    assert.match(lines[0]!, /^hive monit {2}box {2}\d\d:\d\d:\d\d$/);
    // The app list, api selected (first), with state, ready/size, req/s and errors/s.
    assert.match(text, /^> api +online +2\/2 +81 +0 +2$/m);
    // The name takes the columns the others leave: whole here.
    assert.match(text, /^ {2}jobs-with-a-rather-long-name-indeed errored +1\/1 +0 +1\.5 +0$/m, 'a long name whole');
    // No process: nothing counted, `-` rather than a rate of 0.
    assert.match(text, /^ {2}old +stopped +0\/2 +- +- +0$/m);
    // The instance rows: selected first, pid, state, cpu, rss MiB, req/s (rounded), p99, loop p99, ELU, restarts, pool.
    assert.match(text, /^INSTANCES of api \(2\/2 ready\)$/m);
    assert.match(text, /^> +0 +4100 ready +12\.3 +64\.0 +40 +7\.3 +12\.6 +25% +0 1\/2\/3/m);
    assert.match(text, /^ {2} +1 +4101 ready .* 2 1\/2\/3/m);
    // Sparklines of the selected instance: its req/s climbs, so the line ends at the top block.
    assert.match(text, /^api #0 {2}pid 4100 {2}up 1m35s$/m);
    const req = lines.find((l) => l.startsWith('  req/s'))!;
    assert.match(req, /▁▁▂.*█ now 29 {2}max 29$/);
    assert.ok(['cpu %', 'loop p99 ms', 'rss MiB'].every((label) => text.includes(`  ${label}`)));
    assert.match(text, /reload done/);
    assert.match(text, /#1 {2}worker 1 \(pid 4101\) exited with code 1/);
    assert.equal(lines.at(-1), 'q quit  ↑↓ j/k app  ←→ h/l Tab instance');
    if (width >= 120) assert.match(text, /HEAP MiB {2}ERR\/S/, 'every column on a wide terminal');
    else assert.doesNotMatch(text, /HEAP MiB/, 'the last columns are left out, not wrapped');
  });
}

test('render: the WS column shows the open upgraded connections per slot, `-` from an older daemon', () => {
  const ws = app('chat', [instance(0, { upgradedConnections: 12 }), instance(1)]);
  const text = plain(stillFrame([ws], 120)).join('\n');
  assert.match(text, /^ +# +PID STATE .* INFL +WS HEAP MiB/m);
  assert.match(text, /^> +0 +4100 ready .* 1\/2\/3 +0 +12 +18\.0 /m);
  assert.match(text, /^ {2} +1 +4101 ready .* 1\/2\/3 +1 +- +18\.0 /m);
});

test('render: an app that counts no HTTP requests (--no-http-metrics) shows `-` for req/s, p99, in flight and err/s, not 0', () => {
  const bare = app(
    'bare',
    [instance(0, { reqRate: null, errorRate: null, latencyP50: null, latencyP99: null, inFlight: null })],
    { reqRate: null, errorRate: null },
  );
  const text = plain(stillFrame([bare], 140)).join('\n');
  // APP STATE READY REQ/S ERR/S RST
  assert.match(text, /^> bare +online +1\/1 +- +- +0$/m);
  // # PID STATE CPU% RSS REQ/S P99 LOOP ELU RST POOL INFL WS HEAP ERR/S: the process figures are there.
  assert.match(text, /^> +0 +4100 ready +12\.3 +64\.0 +- +- +12\.6 +25% +0 +1\/2\/3 +- +- +18\.0 +-$/m);
});

test('render: a process marked unresponsive (a blocked event loop) shows as hung, in red, and so does its mark event, not its clear', () => {
  const marked = 'worker 0 (pid 4100) unresponsive: no report for 3.1 s';
  const cleared = 'worker 0 (pid 4100) responsive again after 7.4 s';
  const hung = app('api', [instance(0, { unresponsive: true }), instance(1, { unresponsive: false })], {
    events: [
      { time: Date.UTC(2026, 10, 29, 1, 0, 0), type: 'unresponsive', instance: 0, text: marked, unresponsive: true },
      { time: Date.UTC(2026, 10, 29, 1, 1, 0), type: 'unresponsive', instance: 0, text: cleared, unresponsive: false },
    ],
  });
  const text = plain(stillFrame([hung], 120)).join('\n');
  assert.match(text, /^> +0 +4100 hung /m);
  assert.match(text, /^ {2} +1 +4101 ready /m);
  const coloured = stillFrame([hung], 120, true).join('\n');
  assert.ok(coloured.includes('\x1b[31m hung '), 'hung in red');
  assert.ok(coloured.includes(`\x1b[31m${marked}`), 'the mark in red');
  assert.ok(coloured.includes(cleared), 'the clear shown');
  assert.ok(!coloured.includes(`\x1b[31m${cleared}`), 'the clear not in red');
});

test('render: an app whose primary does not answer the daemon shows as hung, in red; its processes keep their states', () => {
  const frozen = app('api', [instance(0)], { primaryUnresponsive: true });
  const apps = [frozen, app('web', [instance(0)])];
  const text = plain(stillFrame(apps, 120)).join('\n');
  assert.match(text, /^> api +hung +1\/1 /m);
  assert.match(text, /^ {2}web +online +1\/1 /m);
  assert.match(text, /^> +0 +4100 ready /m);
  assert.ok(stillFrame(apps, 120, true).join('\n').includes('\x1b[31m hung '), 'hung in red');
});

test('render: the selection moves the highlight and the sparklines; colour draws it in reverse video', () => {
  const history = historyOf(fleet, 10);
  const lines = renderFrame({
    snapshot: fleet,
    selection: { app: 'api', instance: 1 },
    history,
    width: 100,
    height: 30,
  });
  assert.match(lines.join('\n'), /^ {2} +0 +4100/m);
  assert.match(lines.join('\n'), /^> +1 +4101/m);
  assert.ok(lines.includes('api #1  pid 4101  up 1m35s'));

  const other = renderFrame({ snapshot: fleet, selection: { app: 'old' }, history, width: 100, height: 30 });
  assert.match(other.join('\n'), /^> old +stopped/m);
  assert.match(other.join('\n'), /^INSTANCES of old \(0\/2 ready\)\n {2}no processes$/m);
  assert.ok(!other.some((l) => l.startsWith('  req/s')), 'no sparklines without an instance');

  const colored = renderFrame({ snapshot: fleet, selection: {}, history, width: 100, height: 30, color: true });
  const selectedRow = colored.find((l) => stripAnsi(l).startsWith('> api'))!;
  assert.ok(selectedRow.startsWith('\x1b[7m') && selectedRow.endsWith('\x1b[0m'), JSON.stringify(selectedRow));
  assert.equal(visibleWidth(stripAnsi(selectedRow)), 100, 'the bar spans the line');
  assert.ok(maxWidth(colored) <= 100);
  const uncolored = renderFrame({ snapshot: fleet, selection: {}, history, width: 100, height: 30 });
  assert.deepEqual(
    plain(colored).map((l) => l.trimEnd()),
    uncolored.map((l) => l.trimEnd()),
    'the same text',
  );
});

test('render: narrow and short terminals cut lines and rows, never wrap; the selected row stays in view', () => {
  const many = snapshot(
    Array.from({ length: 12 }, (_, i) =>
      app(
        `app${i}`,
        Array.from({ length: 8 }, (_, s) => instance(s)),
      ),
    ),
  );
  const history = historyOf(many, 5);
  const small: [number, number][] = [
    [40, 12],
    [80, 24],
    [20, 6],
    [120, 40],
  ];
  for (const [width, height] of small) {
    const lines = renderFrame({
      snapshot: many,
      selection: { app: 'app9', instance: 6 },
      history,
      width,
      height,
      live: true,
    });
    assert.ok(lines.length <= height, `${width}x${height}: ${lines.length} lines`);
    assert.ok(maxWidth(lines) <= width, `${width}x${height}: a line of ${maxWidth(lines)}`);
    if (height >= 12) {
      assert.ok(
        lines.some((l) => l.startsWith('> app9')),
        `${width}x${height}: selected app shown`,
      );
      assert.ok(
        lines.some((l) => /^> +6 /.test(l)),
        `${width}x${height}: selected instance shown`,
      );
    }
  }
  // Without a height (--once), everything: 12 apps and 8 instance rows.
  const all = renderFrame({ snapshot: many, selection: {}, history: new MetricHistory(), width: 80 });
  assert.equal(all.filter((l) => /^[ >] app\d+ /.test(l)).length, 12);
  assert.equal(all.filter((l) => /^[ >] +\d +41\d\d /.test(l)).length, 8);
  assert.ok(!all.some((l) => l.startsWith('  req/s')), 'no empty sparklines before any history');
});

test('text: widths are terminal columns, so CJK and emoji names are cut and padded without overflowing', () => {
  assert.equal(visibleWidth('日本語api'), 9);
  assert.equal(visibleWidth('e\u0301'), 1, 'a combining mark takes no column');
  assert.equal(truncate('日本語のアプリ', 7), '日本語…');
  assert.equal(truncate('日本語のアプリ', 6), '日本…', 'a wide character that does not fit whole is left out');
  assert.equal(truncate('🐝hive', 3), '🐝…');
  assert.equal(cell('日本', 6), '日本  ');
  assert.equal(cell('日本', 6, 'right'), '  日本');

  const names = snapshot([
    app('日本語のアプリケーション', [instance(0)]),
    app('api', [instance(0)]),
    app('🐝 bees', [instance(0)]),
  ]);
  for (const width of [40, 80, 120]) {
    const lines = plain(
      renderFrame({ snapshot: names, selection: { app: 'api' }, history: new MetricHistory(), width, height: 30 }),
    );
    for (const line of lines)
      assert.ok(stringWidth(line) <= width, `${width} columns: ${stringWidth(line)} in ${line}`);
    // The column after the name starts at the same terminal column on every app row.
    const rows = lines.filter((l) => /^[ >] (日本|api|🐝)/.test(l));
    assert.equal(rows.length, 3, lines.join('\n'));
    const status = rows.map((l) => stringWidth(l.slice(0, l.search(/ ready| online| running/))));
    assert.equal(new Set(status).size, 1, rows.join('\n'));
  }
});

test('render: no daemon, no apps, a failing poll, a late answer', () => {
  const none = renderFrame({
    snapshot: undefined,
    problem: { code: 'ERR_HIVE_DAEMON_NOT_RUNNING', message: 'no daemon runs' },
    selection: {},
    history: new MetricHistory(),
    width: 80,
    height: 24,
    live: true,
    interval: 2000,
  });
  assert.deepEqual(none.slice(1), [
    'no daemon running (hive start <script> starts one); checking every 2 s',
    'q quit  ↑↓ j/k app  ←→ h/l Tab instance',
  ]);
  const empty = renderFrame({ snapshot: snapshot([]), selection: {}, history: new MetricHistory(), width: 80 });
  assert.equal(empty[1], 'no apps: `hive start <script>` adds one');
  const stale = renderFrame({
    snapshot: fleet,
    problem: { code: 'ERR_HIVE_DAEMON_UNREACHABLE', message: 'timed out' },
    selection: {},
    history: new MetricHistory(),
    width: 80,
  });
  assert.equal(stale[1], 'ERR_HIVE_DAEMON_UNREACHABLE: timed out; checking every 1 s');
  assert.ok(
    stale.some((l) => l.startsWith('> api')),
    'the last snapshot stays after a passing failure',
  );
  const late = renderFrame({
    snapshot: fleet,
    problem: { message: "waiting for the daemon's answer (5 s)", waiting: true },
    selection: {},
    history: new MetricHistory(),
    width: 80,
  });
  assert.equal(late[1], "waiting for the daemon's answer (5 s)");
});

test('frameBytes: home, clear-to-end after short lines only, clear below only when rows are left', () => {
  const bytes = frameBytes(['ab', 'abcd'], 4, 3);
  assert.equal(bytes, '\x1b[?2026h\x1b[Hab\x1b[K\r\nabcd\r\n\x1b[J\x1b[?2026l');
  assert.equal(frameBytes(['ab', 'cd'], 4, 2), '\x1b[?2026h\x1b[Hab\x1b[K\r\ncd\x1b[K\x1b[?2026l');
});

test('render: a long app name takes the width there is, cut to 24 columns only on a narrow terminal', () => {
  const long = `api-${'x'.repeat(56)}-end`;
  assert.equal(long.length, 64);
  const names = snapshot([app(long, [instance(0)]), app('web', [instance(0)])]);
  const wide = renderFrame({ snapshot: names, selection: {}, history: new MetricHistory(), width: 200, height: 40 });
  assert.ok(maxWidth(wide) <= 200);
  assert.ok(
    wide.some((l) => l.startsWith(`> ${long} online`)),
    wide.join('\n'),
  );
  assert.ok(
    wide.some((l) => /^ {2}web {62}online/.test(l)),
    'the next column lines up',
  );
  const narrow = renderFrame({ snapshot: names, selection: {}, history: new MetricHistory(), width: 60, height: 40 });
  assert.ok(maxWidth(narrow) <= 60);
  assert.ok(
    narrow.some((l) => l.startsWith(`> ${long.slice(0, 23)}… online`)),
    narrow.join('\n'),
  );
});

test('render 80x24 with 16 apps: the lines the instances and events leave go to the app list, none stays empty', () => {
  const apps = Array.from({ length: 16 }, (_, i) => app(`app${String(i).padStart(2, '0')}`, [instance(0)]));
  apps[0] = {
    ...apps[0]!,
    events: [{ time: Date.UTC(2026, 0, 1), type: 'state', instance: null, text: 'app online' }],
  };
  const fleet16 = snapshot(apps);
  const lines = renderFrame({
    snapshot: fleet16,
    selection: {},
    history: historyOf(fleet16, 10),
    width: 80,
    height: 24,
    live: true,
  });
  assert.equal(lines.length, 24, lines.join('\n'));
  assert.ok(!lines.some((l) => l.trim() === ''), lines.join('\n'));
  const shown = lines.filter((l) => /^[ >] app\d\d /.test(l)).length;
  // 24 lines less the title, two headers per table, the instance row, 5 of sparklines, events (title and one) and keys.
  assert.equal(shown, 24 - 1 - 2 - 2 - 1 - 5 - 2 - 1, lines.join('\n'));
});

test('render 80x40, the selected app with no processes: the lines it leaves go to the app list too', () => {
  const apps = Array.from({ length: 40 }, (_, i) => app(`app${String(i).padStart(2, '0')}`, [], { state: 'stopped' }));
  const lines = renderFrame({
    snapshot: snapshot(apps),
    selection: {},
    history: new MetricHistory(),
    width: 80,
    height: 40,
    live: true,
  });
  assert.equal(lines.length, 40, lines.join('\n'));
  const shown = lines.filter((l) => /^[ >] app\d\d /.test(l)).length;
  // 40 lines less the title, the app table's two headers, the instances (title and `no processes`, two lines), the
  // events (title and `none yet`) and keys: no instance table header.
  assert.equal(shown, 40 - 1 - 2 - 3 - 2 - 1, lines.join('\n'));
});

// The instance STATE column was 8 wide: a slot waiting for its crash restart read `restart…`.
test('render 80x24: every state is whole in the STATE columns, and the pool column still fits', () => {
  const idle = { pid: null, cpu: null, rss: null, heapUsed: null, reqRate: 0, pools: [] };
  const slots = [
    instance(0),
    instance(1, { ...idle, state: 'restarting' }),
    instance(2, { ...idle, state: 'errored' }),
    instance(3, { state: 'draining' }),
  ];
  const apps = [app('api', slots, { state: 'reloading' }), app('jobs', [], { state: 'stopping' })];
  const text = renderFrame({
    snapshot: snapshot(apps),
    selection: {},
    history: new MetricHistory(),
    width: 80,
    height: 24,
  }).join('\n');
  assert.match(text, /^> api +reloading +4\/4 /m);
  assert.match(text, /^ {2}jobs +stopping +0\/0 /m);
  assert.match(text, /^ {2} +1 +- restarting +- +- +- /m);
  assert.match(text, /^ {2} +2 +- errored +- +- +- /m);
  assert.match(text, /^ {2} +3 +4103 draining .* 1\/2\/3/m);
  assert.match(text, /^ {4}# +PID STATE +CPU% RSS MiB +REQ\/S .* POOL b\/t\/q$/m, 'up to the pool column');
});

test('render: an errored app says its last error under its instances (a line of the budget), none once it is online', () => {
  const crashed = app('crashy', [instance(0, { state: 'errored', pid: null }), instance(1)], {
    state: 'errored',
    lastError: 'worker 0 crash-looped: Error: DB not reachable',
    events: Array.from({ length: 10 }, (_, n) => ({
      time: Date.UTC(2026, 0, 1),
      type: 'exit',
      instance: 0,
      text: `exit ${n}`,
    })),
  });
  const frame = (apps: AppSnapshot[]) =>
    renderFrame({
      snapshot: snapshot(apps),
      selection: {},
      history: historyOf(snapshot(apps), 5),
      width: 80,
      height: 24,
      live: true,
    });
  const lines = frame([crashed]);
  assert.equal(lines.length, 24, lines.join('\n'));
  assert.match(
    lines.join('\n'),
    /^ {2} +1 +4101 ready .*\n {2}last error: worker 0 crash-looped: Error: DB not reachable\n/m,
  );
  // Counted in the budget: the newest event is not cut for it.
  assert.match(lines.at(-2)!, /exit 9$/);
  assert.equal(lines.at(-1), 'q quit  ↑↓ j/k app  ←→ h/l Tab instance');
  // A reload revived it: the last error stays the daemon's (describe), not the view's.
  assert.ok(!frame([{ ...crashed, state: 'online' }]).some((l) => l.includes('last error')));
  // Online, but its last reload failed: its processes run older code than its files, and the view says why.
  const stale = { ...crashed, state: 'online', lastError: 'reload failed: Error: bad', reloadFailed: true } as const;
  assert.ok(frame([stale]).includes('  last error: reload failed: Error: bad'), frame([stale]).join('\n'));
  // Not the selected app: its row says so, as `hive ls`'s does, in a STATE column wide enough; a healthy one's reads
  // `online`.
  const lines2 = frame([api, stale]);
  const text = lines2.join('\n');
  assert.match(text, /^> api +online +2\/2 /m);
  assert.match(text, /^ {2}crashy +reload failed +2\/2 /m);
  assert.ok(!text.includes('last error'), text);
  assert.ok(
    lines2.every((l) => visibleWidth(l) <= 80),
    text,
  );
});

test('render 80x24 with 9 apps and many events: the apps get a third of the rows (8), as the docs say', () => {
  const events = Array.from({ length: 10 }, (_, n) => ({
    time: Date.UTC(2026, 0, 1),
    type: 'exit' as const,
    instance: 0,
    text: `exit ${n}`,
  }));
  const apps = Array.from({ length: 9 }, (_, i) =>
    app(`app${i}`, [instance(0), instance(1)], i === 0 ? { events } : {}),
  );
  const nine = snapshot(apps);
  const lines = renderFrame({
    snapshot: nine,
    selection: {},
    history: historyOf(nine, 5),
    width: 80,
    height: 24,
    live: true,
  });
  assert.equal(lines.length, 24, lines.join('\n'));
  const shown = lines.filter((l) => /^[ >] app\d /.test(l)).length;
  assert.equal(shown, Math.ceil(24 / 3), lines.join('\n'));
  // The instances and the newest events keep their rows: 24 less the title, the apps' header lines and 8 rows, the
  // instances' title, header and 2 rows, 5 of sparklines, the events' title and the keys leave 2 events.
  assert.equal(lines.filter((l) => /^[ >] +[01] +410[01] /.test(l)).length, 2, lines.join('\n'));
  assert.match(lines.at(-2)!, /exit 9$/);
});

// The sparkline rows were counted as fixed before the apps' share: 2 app rows of 8 at 80x15 under an empty `EVENTS`
// title, 1 at 60x12 under 3 sparklines.
test('render 80x15 and 60x12 with 8 apps: the apps get a third of the rows first, the sparklines and events what is left', () => {
  const events = ['app online', 'reload done', 'worker 1 (pid 4101) exited with code 1'].map((text, n) => ({
    time: Date.UTC(2026, 0, 1, 0, n),
    type: 'state' as const,
    instance: null,
    text,
  }));
  const apps = Array.from({ length: 8 }, (_, i) =>
    app(`app${i}`, [instance(0), instance(1)], i === 0 || i === 7 ? { events } : {}),
  );
  const eight = snapshot(apps);
  const history = historyOf(eight, 10);
  const titles = /^(APPS \(|INSTANCES of |EVENTS of |app\d #\d {2}pid )/;
  for (const [width, height] of [
    [80, 15],
    [60, 12],
  ] as const) {
    for (const selection of [{}, { app: 'app7', instance: 1 }] as Selection[]) {
      const lines = renderFrame({ snapshot: eight, selection, history, width, height, live: true });
      const text = lines.join('\n');
      const at = `${width}x${height} ${JSON.stringify(selection)}:\n${text}`;
      assert.equal(lines.length, height, at);
      assert.ok(maxWidth(lines) <= width, at);
      assert.ok(!lines.some((l) => l.trim() === ''), at);
      const shown = lines.filter((l) => /^[ >] app\d /.test(l)).length;
      assert.ok(shown >= Math.ceil(height / 3), `${shown} app rows at ${at}`);
      assert.match(text, selection.app ? /^> app7 /m : /^> app0 /m, at);
      assert.match(text, selection.app ? /^> +1 +4101 ready /m : /^> +0 +4100 ready /m, at);
      lines.forEach((l, i) => {
        if (titles.test(l)) assert.match(lines[i + 1] ?? '', /^[ >]/, `a title with no line under it at ${at}`);
      });
      assert.equal(lines.at(-1), 'q quit  ↑↓ j/k app  ←→ h/l Tab instance', at);
    }
  }
  // At 80x15 the sparklines shrink to the rows the apps leave, req/s first, rather than take them.
  const lines = renderFrame({ snapshot: eight, selection: {}, history, width: 80, height: 15, live: true });
  assert.ok(lines.includes('app0 #0  pid 4100  up 1m35s'), lines.join('\n'));
  assert.ok(
    lines.some((l) => l.startsWith('  req/s')),
    lines.join('\n'),
  );
});

test('wrap: lines of the width broken after spaces, a word longer than a line cut hard, the last line with …', () => {
  assert.deepEqual(wrap('primary exited with code 1', 12, 3), ['primary', 'exited with', 'code 1']);
  assert.deepEqual(wrap('abcdefghij klm', 4, 5), ['abcd', 'efgh', 'ij', 'klm']);
  assert.deepEqual(wrap('one two three four', 9, 2), ['one two', 'three fo…']);
  assert.deepEqual(wrap('short', 80, 3), ['short']);
  assert.deepEqual(wrap('数据库连接失败', 6, 2), ['数据库', '连接…']);
});

test("render: the last error of an app with no process takes the instances' rows, up to 3 lines, never wider", () => {
  const failed = app('deaf', [], {
    state: 'errored',
    size: 0,
    ready: 0,
    lastError: `primary exited with code 1: ERR_HIVE_WORKER_NOT_READY: Worker 0 did not become ready: did not listen within 10000 ms; cluster mode waits for a server; ${'and more '.repeat(20)}`,
  });
  const lines = renderFrame({
    snapshot: snapshot([failed, api]),
    selection: {},
    history: new MetricHistory(),
    width: 80,
    height: 24,
  });
  const text = lines.join('\n');
  assert.ok(maxWidth(lines) <= 80);
  const pane = text.slice(text.indexOf('INSTANCES of deaf'), text.indexOf('EVENTS of deaf')).trimEnd().split('\n');
  assert.equal(pane.length, 1 + 1 + 3, text);
  assert.match(
    pane
      .slice(2)
      .map((l) => l.trim())
      .join(' '),
    /^last error: primary .* did not listen within 10000 ms; .*…$/,
  );
});

test('render: control characters in an app name, last error or event are shown escaped, never sent to the terminal', () => {
  // An app's text could otherwise clear the screen (ESC[2J), retitle the window (OSC 0) or start a C1 CSI (0x9b).
  const hostile = app('evil\x1b[2J', [instance(0, { state: 'errored', pid: null })], {
    state: 'errored',
    lastError: 'boom \x1b]0;pwned\x07 \x9b2J\tend',
    events: [{ time: Date.UTC(2026, 0, 1), type: 'exit', instance: 0, text: 'exit \x1b[31mred\r\x1b[K' }],
  });
  const lines = renderFrame({
    snapshot: snapshot([hostile]),
    selection: {},
    history: historyOf(snapshot([hostile]), 5),
    width: 100,
    height: 30,
    color: true,
    live: true,
  });
  // Only the monitor's own colour sequences remain.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for
  const controls = /[\x00-\x1f\x7f-\x9f]/;
  for (const line of lines) assert.doesNotMatch(stripAnsi(line), controls, JSON.stringify(line));
  const text = plain(lines).join('\n');
  assert.match(text, /last error: boom \\x1b\]0;pwned\\x07 \\x9b2J end/);
  assert.match(text, /exit \\x1b\[31mred\\x0d\\x1b\[K/);
  assert.match(text, /evil\\x1b\[2J/);
  assert.ok(maxWidth(lines) <= 100);
});

test('text: printable() leaves ordinary text alone and the width functions measure the escaped form', () => {
  assert.equal(printable('api 名前 ✓'), 'api 名前 ✓');
  assert.equal(printable('a\x1bb\x7fc\x9bd\te'), 'a\\x1bb\\x7fc\\x9bd e');
  assert.equal(cell('a\x1b[2Jb', 12), 'a\\x1b[2Jb   ');
  assert.equal(truncate('\x1b]0;t\x07', 6), '\\x1b]…');
  assert.deepEqual(wrap('x\x07y', 20, 2), ['x\\x07y']);
});

// A count past 999 was cut to its column's 3 characters: 1234 restarts read `12…`, as if twelve-odd.
test('restart, in-flight and connection counts past 999 read in thousands, within their columns', () => {
  const busy = instance(0, { restarts: 1234, inFlight: 12_345, upgradedConnections: 250_000 });
  const frame = renderFrame({
    snapshot: snapshot([app('api', [busy])]),
    selection: {},
    history: new MetricHistory(5),
    width: 200,
    height: 40,
  });
  const text = frame.join('\n');
  assert.match(text, /^> api +online +1\/1 +\S+ +\S+ +1k$/m, text);
  assert.match(text, /^> +0 +4100 +ready .* 1k \S+ +12k +250k /m, text);
  assert.doesNotMatch(text, /…/);
});

// QA at 80x24: the problem line was cut at the width (its advice, `hive kill --force ends it`, lost), a metric with no
// value at all took a sparkline row the app's events needed, and a slot with no process read `up 0s`.
test('render: the problem line wraps; metrics with no value take no sparkline row; no process is up -', () => {
  const long = renderFrame({
    snapshot: undefined,
    problem: {
      code: 'ERR_HIVE_DAEMON_TIMEOUT',
      message: 'the daemon on /tmp/home/daemon.sock did not answer within 5000 ms; `hive kill --force` ends it',
    },
    selection: {},
    history: new MetricHistory(),
    width: 60,
    height: 24,
  });
  assert.ok(long.length > 2, long.join('\n'));
  assert.match(long.slice(1).join(' '), /hive kill --force` ends it/);
  assert.ok(long.every((l) => l.length <= 60));

  const fork = app('ticker', [instance(0, { reqRate: null, errorRate: null, loopDelayP99: null })]);
  const crashed = app('crasher', [instance(0, { pid: null, uptime: 0 })], { state: 'errored' });
  const history = new MetricHistory(60);
  for (let i = 0; i < 5; i++) history.record(snapshot([fork, crashed]));
  const forkFrame = renderFrame({ snapshot: snapshot([fork, crashed]), selection: {}, history, width: 80, height: 40 });
  assert.ok(
    forkFrame.some((l) => /^ {2}cpu/.test(l)),
    forkFrame.join('\n'),
  );
  assert.ok(!forkFrame.some((l) => /^ {2}req\/s/.test(l)), 'a req/s row with no value');
  const crashFrame = renderFrame({
    snapshot: snapshot([fork, crashed]),
    selection: { app: 'crasher' },
    history,
    width: 80,
    height: 40,
  });
  assert.match(crashFrame.find((l) => l.includes('crasher #0')) ?? crashFrame.join('\n'), /pid - {2}up -/);
});
