import type { AppEvent, AppSnapshot, HiveSnapshot, InstanceSnapshot } from '../../metrics/snapshot.js';
import { formatClock, formatCount, formatFraction, formatMiB, formatNumber, formatUptime } from './format.js';
import type { HistoryMetric, MetricHistory } from './history.js';
import { resolveSelection, type Selection } from './selection.js';
import { sparkline } from './sparkline.js';
import { APP_STATE_WIDTH, INSTANCE_STATE_WIDTH } from './state-widths.js';
import { type Column, type Row, renderTable } from './table.js';
import { renderLine, type Segment, type Style, visibleWidth, wrap } from './text.js';

/** Everything one frame of `hive monit` is drawn from. */
export interface FrameInput {
  /** The newest snapshot; undefined before the first or while the daemon is not running. */
  snapshot: HiveSnapshot | undefined;
  /**
   * Why the newest poll failed (`ERR_HIVE_DAEMON_NOT_RUNNING`, a closed socket...), or, with `waiting`, that its
   * answer is late; undefined when it worked.
   */
  problem?: { code?: string | undefined; message: string; waiting?: boolean } | undefined;
  selection: Selection;
  history: MetricHistory;
  /** The terminal's columns: no line is longer. */
  width: number;
  /** The terminal's rows: no more lines than this. Undefined: as many as the content needs (`--once`). */
  height?: number | undefined;
  /** SGR colours (off when the output is not a terminal, or NO_COLOR is set). */
  color?: boolean;
  /** The live view: the footer shows the keys. */
  live?: boolean;
  /** The poll interval in ms, for the "checking every" note. */
  interval?: number;
}

// `hive ls`'s mark of an online app whose last reload failed (`online (reload failed)`), in its row's STATE: the app
// the cursor is not on would otherwise read `online` as a healthy one does. The column widens for it only while an app
// has it, so that the names keep their room the rest of the time.
const RELOAD_FAILED = 'reload failed';

const appColumns = (nameWidth: number, stateWidth = APP_STATE_WIDTH): Column[] => [
  { title: 'APP', width: nameWidth },
  { title: 'STATE', width: stateWidth },
  { title: 'READY', width: 5, align: 'right' },
  { title: 'REQ/S', width: 7, align: 'right' },
  { title: 'ERR/S', width: 6, align: 'right' },
  { title: 'RST', width: 3, align: 'right' },
];

// Ordered by what matters most on a narrow terminal: an 80-column one shows up to the pool column. REQ/S takes 6, as
// formatNumber's longest below 1e9/s (`999.9k`) does, leaving the room STATE needs for `restarting`.
const instanceColumns: Column[] = [
  { title: '#', width: 3, align: 'right' },
  { title: 'PID', width: 7, align: 'right' },
  { title: 'STATE', width: INSTANCE_STATE_WIDTH },
  { title: 'CPU%', width: 5, align: 'right' },
  { title: 'RSS MiB', width: 7, align: 'right' },
  { title: 'REQ/S', width: 6, align: 'right' },
  { title: 'P99 ms', width: 6, align: 'right' },
  { title: 'LOOP ms', width: 7, align: 'right' },
  { title: 'ELU', width: 4, align: 'right' },
  { title: 'RST', width: 3, align: 'right' },
  { title: 'POOL b/t/q', width: 10 },
  { title: 'INFL', width: 4, align: 'right' },
  { title: 'WS', width: 5, align: 'right' },
  { title: 'HEAP MiB', width: 8, align: 'right' },
  { title: 'ERR/S', width: 6, align: 'right' },
];

const sparkRows: { metric: HistoryMetric; label: string; format: (v: number | null) => string }[] = [
  { metric: 'reqRate', label: 'req/s', format: formatNumber },
  { metric: 'cpu', label: 'cpu %', format: formatNumber },
  { metric: 'loopDelayP99', label: 'loop p99 ms', format: formatNumber },
  { metric: 'rss', label: 'rss MiB', format: formatMiB },
];

const redEvents = new Set(['errored', 'memory-limit', 'primary']);

// An `unresponsive` event is an alarm when it marks a process, not when it clears the mark.
const alarming = (event: AppEvent): boolean =>
  redEvents.has(event.type) || (event.type === 'unresponsive' && event.unresponsive === true);

const SPARK_LABEL = 12;
const SPARK_VALUE = 22;
const MAX_EVENTS = 10;
const MAX_FAILURE_LINES = 3;

/**
 * One frame of `hive monit` as lines, top to bottom: the app list, the selected app's instances, sparklines of the
 * selected instance, its app's recent events and the keys. Pure: no cursor movement, no terminal state; every line
 * is at most `width` visible characters (cut, never wrapped) and there are at most `height` lines.
 */
export function renderFrame(input: FrameInput): string[] {
  const width = Math.max(1, Math.floor(input.width));
  const color = input.color ?? false;
  const line = (segments: Segment[], selected = false) => renderLine(segments, width, color, selected);
  const text = (value: string, style?: Style) => line([{ text: value, style }]);
  const { snapshot } = input;
  const { app, instance } = resolveSelection(input.selection, snapshot);

  const top: string[] = [];
  const clock = snapshot ? `  ${snapshot.host}  ${formatClock(snapshot.time)}` : '';
  top.push(line([{ text: 'hive monit', style: 'bold' }, { text: clock }]));
  // Wrapped as the last error is, up to 3 lines: what to do (`hive kill --force ends it`) comes at its end.
  if (input.problem) {
    for (const part of wrap(describeProblem(input.problem, input.interval), width, MAX_FAILURE_LINES)) {
      top.push(text(part, 'yellow'));
    }
  }

  const footer = input.live ? [text('q quit  ↑↓ j/k app  ←→ h/l Tab instance', 'dim')] : [];
  if (!snapshot) return fit([...top, ...footer], input.height);
  if (snapshot.apps.length === 0) {
    return fit([...top, text('no apps: `hive start <script>` adds one'), ...footer], input.height);
  }

  const sparks = instance && app ? sparkSection(app, instance, input.history, width) : [];
  const events = app?.events ?? [];
  const noInstances = !app || app.instances.length === 0;
  const failure = app && failureText(app);
  // Up to 3 lines, not cut at the terminal's width: the reason is the point (`did not listen` comes after the code).
  const failureLines = failure ? wrap(failure, width - 2, MAX_FAILURE_LINES) : [];

  // Rows are handed out in order of need, each list keeping its selected row. First what every frame has (6: the two
  // lists' titles and headers, the selected app's row, the selected instance's; with no processes, `no processes` and
  // the line under it). Then the apps up to a third of the terminal's rows, before the sparklines and events: counting
  // those first left 1 app row of 8 at 60x12. Then the error under the instances, the sparklines, the newest event,
  // the other instances, the other events, and the rest back to the apps: no line stays empty while apps are left out.
  const height = input.height ?? Number.POSITIVE_INFINITY;
  let left = height - top.length - footer.length - 6;
  const take = (wanted: number): number => {
    const rows = Math.max(0, Math.min(wanted, left));
    left -= rows;
    return rows;
  };
  // A pane under its own title: none at all rather than a title with no line under it.
  const pane = (wanted: number): number => (wanted > 0 && left >= 2 ? take(wanted + 1) - 1 : 0);
  let appRows = 1 + take(Math.min(snapshot.apps.length, Math.ceil(height / 3)) - 1);
  const errorRows = noInstances ? 0 : take(failureLines.length);
  const sparkRows = pane(sparks.length);
  const eventPane = pane(1); // the newest event, or `none yet`
  const instanceRows = 1 + take((noInstances ? failureLines.length : app.instances.length) - 1);
  const eventRows = eventPane + (eventPane > 0 ? take(Math.min(events.length, MAX_EVENTS) - 1) : 0);
  appRows += take(snapshot.apps.length - appRows);

  const lines = [...top];
  lines.push(sectionTitle(`APPS (${snapshot.apps.length})`, line));
  lines.push(...appTable(snapshot.apps, app, appRows, width, color));
  lines.push(sectionTitle(app ? `INSTANCES of ${app.name} (${app.ready}/${app.size} ready)` : 'INSTANCES', line));
  if (!noInstances) lines.push(...instanceTable(app, instance, instanceRows, width, color));
  else lines.push(text('  no processes'));
  // Fewer rows than the error has lines: wrapped again, so that its last line ends with `…`.
  const failureRows = noInstances ? instanceRows : errorRows;
  const shownFailure =
    failure && failureRows < failureLines.length ? wrap(failure, width - 2, failureRows) : failureLines;
  for (const failed of shownFailure) lines.push(text(`  ${failed}`, 'red'));
  if (!failure && noInstances) lines.push(text(''));
  if (sparkRows > 0) {
    lines.push(
      sectionTitle(
        `${app!.name} #${instance!.instance}  pid ${instance!.pid ?? '-'}  up ${instance!.pid === null ? '-' : formatUptime(instance!.uptime)}`,
        line,
      ),
    );
    lines.push(...sparks.slice(0, sparkRows).map((s) => line(s)));
  }
  if (eventRows > 0) lines.push(sectionTitle(`EVENTS of ${app?.name ?? ''}`, line));
  for (const event of eventRows > 0 ? events.slice(-eventRows) : []) {
    const slot = event.instance === null ? '   ' : `#${String(event.instance).padEnd(2)}`;
    const style: Style | undefined = alarming(event) ? 'red' : undefined;
    lines.push(
      line([
        { text: `  ${formatClock(event.time)} ${slot} `, style: 'dim' },
        { text: event.text, style },
      ]),
    );
  }
  if (eventRows > 0 && events.length === 0) lines.push(text('  none yet', 'dim'));
  return fit([...lines, ...footer], input.height);
}

/**
 * Why an app that is `errored` (or `starting` again after a start that failed) is so: the daemon's last error, which
 * an app whose start failed has no process row to show; and why an app's last reload failed (it runs older code than
 * its files). Undefined for others, and for `hive run`'s own snapshots.
 */
function failureText(app: AppSnapshot): string | undefined {
  if (!app.lastError || !(app.reloadFailed || app.state === 'errored' || app.state === 'starting')) return undefined;
  return `last error: ${app.lastError}`;
}

function describeProblem(problem: NonNullable<FrameInput['problem']>, interval = 1000): string {
  const every = `checking every ${interval < 1000 ? `${interval} ms` : `${formatNumber(interval / 1000)} s`}`;
  if (problem.code === 'ERR_HIVE_DAEMON_NOT_RUNNING') {
    return `no daemon running (hive start <script> starts one); ${every}`;
  }
  if (problem.waiting) return problem.message;
  return `${problem.code ? `${problem.code}: ` : ''}${problem.message}; ${every}`;
}

function sectionTitle(title: string, line: (segments: Segment[]) => string): string {
  return line([{ text: title, style: 'bold' }]);
}

/** Keeps at most `height` lines; the last one (the keys, or the newest content) stays when the frame is cut. */
function fit(lines: string[], height: number | undefined): string[] {
  if (height === undefined || lines.length <= height) return lines;
  if (height <= 1) return lines.slice(0, Math.max(0, height));
  return [...lines.slice(0, height - 1), lines.at(-1)!];
}

/** The `count` rows around the selected one. */
function windowAround<T>(items: readonly T[], selected: T | undefined, count: number): T[] {
  const index = Math.max(0, selected === undefined ? 0 : items.indexOf(selected));
  const start = Math.max(0, Math.min(index - Math.floor(count / 2), items.length - count));
  return items.slice(start, start + count);
}

function stateStyle(state: string): Style | undefined {
  if (state === 'online' || state === 'ready') return 'green';
  if (state === 'errored' || state === 'down') return 'red';
  if (state === 'stopped') return 'dim';
  return 'yellow';
}

function appTable(apps: AppSnapshot[], selected: AppSnapshot | undefined, rows: number, width: number, color: boolean) {
  // The names take the columns the others leave (a wide terminal shows long names whole); on a narrow one up to 24,
  // and the last columns are left out instead.
  const longest = Math.max(4, ...apps.map((a) => visibleWidth(a.name)));
  const stateWidth = apps.some(reloadFailed) ? Math.max(APP_STATE_WIDTH, RELOAD_FAILED.length) : APP_STATE_WIDTH;
  const others = appColumns(0, stateWidth)
    .slice(1)
    .reduce((sum, column) => sum + 1 + column.width, 0);
  const nameWidth = Math.min(longest, Math.max(24, width - 2 - others));
  const body: Row[] = windowAround(apps, selected, rows).map((app) => ({
    selected: app === selected,
    cells: [
      { text: app.name },
      // Its primary does not answer the daemon: the app's figures are stale, as a hung process's are.
      app.primaryUnresponsive
        ? { text: 'hung', style: 'red' }
        : reloadFailed(app)
          ? { text: RELOAD_FAILED, style: 'red' }
          : { text: app.state, style: stateStyle(app.state) },
      { text: `${app.ready}/${app.size}` },
      // No process (stopped, or errored with none left): nothing counted, `-` as for a process's CPU, not a rate of 0.
      // null (`-`) too when the app counts no HTTP requests (--no-http-metrics), which 0 would pass off as no traffic.
      { text: noProcess(app) ? '-' : formatNumber(app.reqRate) },
      { text: noProcess(app) ? '-' : formatNumber(app.errorRate), style: (app.errorRate ?? 0) > 0 ? 'red' : undefined },
      // The app's count (`hive ls`'s): its primary's respawns under the daemon too. An older daemon has none.
      { text: formatCount(app.restarts ?? app.instances.reduce((sum, i) => sum + i.restarts, 0)) },
    ],
  }));
  return renderTable(appColumns(nameWidth, stateWidth), body, width, color);
}

// Online, its processes running older code than its files; another state (reloading again, stopped) says more.
function reloadFailed(app: AppSnapshot): boolean {
  return app.reloadFailed === true && app.state === 'online';
}

/** Whether the app has no process to count requests of. */
function noProcess(app: AppSnapshot): boolean {
  return app.instances.every((i) => i.pid === null);
}

function instanceTable(
  app: AppSnapshot,
  selected: InstanceSnapshot | undefined,
  rows: number,
  width: number,
  color: boolean,
) {
  const body: Row[] = windowAround(app.instances, selected, rows).map((i) => ({
    selected: i === selected,
    cells: [
      { text: String(i.instance) },
      { text: i.pid === null ? '-' : String(i.pid) },
      // Marked unresponsive (a blocked event loop), the process is still `ready`, and its figures are stale.
      i.unresponsive ? { text: 'hung', style: 'red' } : { text: i.state, style: stateStyle(i.state) },
      { text: formatNumber(i.cpu === null ? null : Math.round(i.cpu * 10) / 10) },
      { text: formatMiB(i.rss) },
      { text: i.pid === null ? '-' : formatNumber(round1(i.reqRate)) },
      { text: formatNumber(round1(i.latencyP99)) },
      { text: formatNumber(round1(i.loopDelayP99)) },
      { text: formatFraction(i.elu) },
      { text: formatCount(i.restarts), style: i.restarts > 0 ? 'yellow' : undefined },
      { text: poolText(i) },
      { text: i.inFlight === null ? '-' : formatCount(i.inFlight) },
      // An older daemon's snapshot has no count: `-`, not 0.
      { text: i.upgradedConnections === undefined ? '-' : formatCount(i.upgradedConnections) },
      { text: formatMiB(i.heapUsed) },
      {
        text: i.pid === null ? '-' : formatNumber(round1(i.errorRate)),
        style: (i.errorRate ?? 0) > 0 ? 'red' : undefined,
      },
    ],
  }));
  return renderTable(instanceColumns, body, width, color);
}

/** The instance's pools summed: busy/threads/queued, `-` without a pool. */
function poolText(instance: InstanceSnapshot): string {
  if (instance.pools.length === 0) return '-';
  const sum = (key: 'busy' | 'threads' | 'queued') => instance.pools.reduce((total, p) => total + p[key], 0);
  return `${sum('busy')}/${sum('threads')}/${sum('queued')}`;
}

function round1(value: number | null): number | null {
  return value === null ? null : Math.round(value * 10) / 10;
}

/** Sparklines of the selected instance, one row per metric: label, the line, the newest and the highest value. */
function sparkSection(app: AppSnapshot, instance: InstanceSnapshot, history: MetricHistory, width: number) {
  const sparkWidth = Math.min(history.capacity, width - 2 - SPARK_LABEL - 1 - SPARK_VALUE);
  // Nothing recorded yet (`--once`): no empty lines.
  if (sparkWidth < 4 || history.values(app.name, instance.instance, 'reqRate').length === 0) return [];
  // A metric with no value at all (a fork-mode app's req/s, a slot whose process never reported) takes no row: the
  // events under it, which say what happened, need the rows more.
  const shown = sparkRows.filter(({ metric }) =>
    history.values(app.name, instance.instance, metric).some((value) => value !== null),
  );
  return shown.map(({ metric, label, format }): Segment[] => {
    const values = history.values(app.name, instance.instance, metric);
    const numbers = values.filter((v): v is number => v !== null);
    const newest = values.at(-1) ?? null;
    const max = numbers.length > 0 ? Math.max(...numbers) : null;
    return [
      { text: `  ${label.padEnd(SPARK_LABEL)}` },
      { text: sparkline(values, sparkWidth), style: 'cyan' },
      {
        text: ` now ${format(newest === null ? null : round1(newest))}  max ${format(max === null ? null : round1(max))}`,
      },
    ];
  });
}
