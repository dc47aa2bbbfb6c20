import { resolve } from 'node:path';
import { servedPort } from '../cluster/served-port.js';
import { instanceLogPath } from '../daemon/instance-log-path.js';
import type { AppInfo, IdleSlot } from '../daemon/protocol.js';
import { formatTime } from '../time-format.js';
import { daemonNodeHint } from './error-line.js';
import { cell, printable, truncate, visibleWidth } from './monit/text.js';
import { printableLines } from './printable.js';
import { COLUMN_GAP, type FitStep, fitColumns } from './table-fit.js';

/**
 * A plain text table: a header row, aligned columns, two spaces apart, widths counted in terminal columns (a CJK
 * character takes two). With `fit`, within `fit.width` columns: narrowed by its steps (table-fit.ts), and a line still
 * too wide cut with `…`, never wrapped.
 */
export function renderTable(
  headers: string[],
  rows: string[][],
  fit?: { width: number; steps: readonly FitStep[] },
): string {
  const natural = headers.map((h, i) =>
    Math.max(visibleWidth(h), ...rows.map((row) => visibleWidth(printable(row[i] ?? '')))),
  );
  const { shown, widths } = fit
    ? fitColumns(headers, natural, fit.width, fit.steps)
    : { shown: headers.map((_, i) => i), widths: natural };
  const line = (cells: string[]) => {
    const text = shown
      .map((i) => cell(cells[i] ?? '', widths[i]!))
      .join(' '.repeat(COLUMN_GAP))
      .trimEnd();
    return fit ? truncate(text, fit.width) : text;
  };
  return [line(headers), ...rows.map(line)].join('\n');
}

// `hive ls` on a narrow terminal, as PM2's `pm2 ls` (names cut to the 16 columns of its minimal layout, then the
// columns its condensed and minimal layouts leave out, down to its id, name, status, cpu and memory), then cut further.
const APP_TABLE_FIT: FitStep[] = [
  { cut: 'name', to: 16 },
  { cut: 'namespace', to: 9 },
  { drop: 'namespace' },
  { drop: 'uptime' },
  { drop: 'mode' },
  { drop: 'ready' },
  { drop: 'restarts' },
  { cut: 'status', to: 9 },
  { cut: 'name', to: 8 },
];

/**
 * `1.5 MiB`, `-` for unknown: the one size format of `ls` and `describe`. Binary units, named so, as the other views
 * (monit, the dashboard, the memory-limit event) and the `M` of `maxMemoryRestart` are.
 */
export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '-';
  if (bytes < 2 ** 20) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  if (bytes < 2 ** 30) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
}

/** `45s`, `12m`, `3h`, `2d`; `0s` when stopped too. */
export function formatUptime(ms: number): string {
  // `0s` for 0 ms as for 999 ms: a process listed at once after its start read `0`, as if it had none (monit alike).
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

/**
 * The stderr lines of `command` (resurrect, update) for the apps it resurrected that did not start: those the daemon
 * tries again in the background (ManagedApp#start), listed `starting` with the reason of their last try, and those it
 * does not (autorestart false, maxRestarts 0), listed `errored`.
 */
export function notStartedYet(command: string, apps: AppInfo[]): string {
  return apps
    .filter((app) => (app.status === 'starting' || app.status === 'errored') && app.lastError !== null)
    .map((app) =>
      app.status === 'starting'
        ? `hive ${command}: app "${app.name}" did not start yet; trying again in the background: ${why(app.lastError)}\n`
        : `hive ${command}: app "${app.name}" did not start (not tried again): ${why(app.lastError)}\n`,
    )
    .join('');
}

/**
 * The `hive ls` table. A `namespace` column (PM2's) once an app is outside the `default` one: until then it would say
 * `default` on every row. (An older daemon's apps have no namespace: `default` too.) Within `width` columns when given
 * (a terminal's, table-fit.ts's terminalColumns): narrowed as PM2's list is rather than wrapped.
 */
export function appTable(apps: AppInfo[], width?: number): string {
  if (apps.length === 0) return 'No apps. Start one with `hive start <script|config>`.';
  const namespaced = apps.some((app) => (app.namespace ?? 'default') !== 'default');
  const rows = apps.map((app) => [
    String(app.id),
    app.name,
    ...(namespaced ? [app.namespace ?? 'default'] : []),
    app.mode,
    `${app.ready}/${app.total}`,
    appStatus(app),
    String(app.restarts),
    formatUptime(app.processUptime),
    app.cpu === null ? '-' : `${app.cpu}%`,
    formatBytes(app.memory),
  ]);
  return renderTable(
    [
      'id',
      'name',
      ...(namespaced ? ['namespace'] : []),
      'mode',
      'ready',
      'status',
      'restarts',
      'uptime',
      'cpu',
      'memory',
    ],
    rows,
    width === undefined ? undefined : { width, steps: APP_TABLE_FIT },
  );
}

/**
 * The app's status as `ls` and `describe` show it: `online (1 unresponsive)` while ready workers are marked
 * unresponsive (a blocked event loop), `online (primary unresponsive)` while its primary does not answer the daemon
 * (both: `online (primary unresponsive, 1 unresponsive)`); neither is a state of its own (`--json` keeps `status`, with
 * the count in `unresponsive` and the primary's mark in `primaryUnresponsive`). `online (reload failed)` while its
 * processes run older code than its files since a reload failed (`reloadFailed`; `lastError` says why). An online or
 * reloading app's slots with no process are counted too, `online (2 restarting)` while crash restarts wait for their
 * delay: PM2's rows say `waiting restart` there, and a bare `online` read as healthy (`idleSlots` in `--json`).
 */
function appStatus(app: AppInfo): string {
  const idle = (state: IdleSlot['state']) => app.idleSlots.filter((slot) => slot.state === state).length;
  const slots = app.status === 'online' || app.status === 'reloading' ? (['restarting', 'errored'] as const) : [];
  const marks = [
    ...slots.filter((state) => idle(state) > 0).map((state) => `${idle(state)} ${state}`),
    ...(app.reloadFailed ? ['reload failed'] : []),
    ...(app.primaryUnresponsive ? ['primary unresponsive'] : []),
    ...(app.unresponsive ? [`${app.unresponsive} unresponsive`] : []),
  ];
  return marks.length > 0 ? `${app.status} (${marks.join(', ')})` : app.status;
}

/**
 * The slots of the apps' reloads (`hive reload`, `hive startOrReload`): app, slot, old and new pid, ms to ready;
 * undefined when no app carries any. Within `width` columns when given, as {@link appTable}.
 */
export function slotTable(apps: AppInfo[], width?: number): string | undefined {
  const slots = apps.flatMap((app) => (app.reload ?? []).map((slot) => [app.name, slot] as const));
  if (slots.length === 0) return undefined;
  const pid = (value: number | null) => (value === null ? '-' : String(value));
  return renderTable(
    ['app', 'slot', 'old pid', 'new pid', 'ready in'],
    slots.map(([app, slot]) => [
      app,
      String(slot.instance),
      pid(slot.oldPid),
      pid(slot.newPid),
      slot.readyMs === null ? '-' : `${slot.readyMs} ms`,
    ]),
    width === undefined ? undefined : { width, steps: [{ cut: 'app', to: 8 }] },
  );
}

// A log file as `describe` shows it: with `mergeLogs: false`, the pattern of the instances' files.
function logPath(app: AppInfo, path: string): string {
  const pattern = instanceLogPath(path, '<instance>');
  return app.mergeLogs || pattern === path ? path : `${pattern} (a file per instance)`;
}

// How a slot's last process ended, as describe shows it beside an errored or restarting slot's state.
function exitText({ code, signal, notReady }: { code: number | null; signal: string | null; notReady?: string }) {
  if (notReady !== undefined) return 'killed: it did not become ready';
  return signal ? `last exit ${signal}` : `last exit code ${code}`;
}

/** The `hive describe` text. */
/** `250ms`, `5s`, `1.5s`; `-` for a value the primary refuses. */
// A setting in the largest unit it is a whole number of (PM2's `min_uptime: "1h"` was shown as 3600s).
function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms < 1000) return `${ms}ms`;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${ms / 1000}s`;
}

const yesNo = (value: boolean) => (value ? 'yes' : 'no');

// The port the app serves on and how its connections reach its processes. An older daemon's settings have no port
// fields (its CLI is refused anyway, see protocol-revision.ts): no lines then.
function portLines(app: AppInfo): [string, string][] {
  const s = app.settings;
  if (s.port === undefined) return [];
  const lines: [string, string][] = [['port', portText(app)]];
  // Fork mode (a command): the program listens as it likes, no primary of Hive's balances it.
  if (s.command === null) {
    const balance = s.balance ?? '-';
    lines.push(
      ['balance', s.sticky === null ? balance : `${balance} (unused: the sticky router deals connections)`],
      ['sticky', s.sticky ?? 'no'],
    );
  }
  return lines;
}

// The given port; else where the processes listen, never an inherited PORT they listen beside (that one only when
// nothing listens yet, and said to be only inherited).
function portText(app: AppInfo): string {
  const s = app.settings;
  if (s.portPerInstance) return `${s.port ?? 0} + instance number (increment_var)`;
  const inherited = s.inheritedPort ?? null;
  const listened = listenPorts(app);
  const served = servedPort({ given: s.port, inherited, listened });
  if (served?.source === 'given') return String(served.port);
  if (served?.source === 'inherited') {
    return `${served.port} (PORT inherited, not given; where its processes listen is not known)`;
  }
  // Several ports, none preferred: each of them.
  const ports = served === undefined ? listened : [served.port];
  if (ports.length === 0) return '-';
  const unused = inherited !== null && !ports.includes(inherited) ? `; PORT ${inherited} inherited, unused` : '';
  return `${ports.join(', ')} (where its processes listen, no port given${unused})`;
}

// The ports the app's processes listen on, as the runtime in each ready worker reported it.
function listenPorts(app: Pick<AppInfo, 'processes'>): number[] {
  return [...new Set(app.processes.flatMap((p) => (p.listen ? [p.listen.port] : [])))];
}

// An argument as describe shows it: quoted when a space or quote in it would blur where it ends.
function quoteArg(arg: string): string {
  return /[\s"']/.test(arg) ? JSON.stringify(arg) : arg;
}

/** describe's lines of what the app runs with (PM2's describe shows its settings the same way). */
function settingLines(app: AppInfo): [string, string][] {
  const s = app.settings;
  const lines: [string, string][] = [['instances asked', s.instances]];
  if (s.command !== null) lines.push(['command', s.command]);
  if (s.args.length > 0) lines.push(['args', s.args.map(quoteArg).join(' ')]);
  // PM2's describe shows them as "interpreter args": a config's node_args otherwise showed nowhere but in ps.
  if (s.nodeArgs.length > 0) lines.push(['node args', s.nodeArgs.map(quoteArg).join(' ')]);
  lines.push(...portLines(app));
  lines.push(
    ['autorestart', yesNo(s.autorestart)],
    ['max restarts', s.maxRestarts === null ? '-' : String(s.maxRestarts)],
    ['min uptime', formatMs(s.minUptime)],
    ['restart delay', formatMs(s.restartDelay)],
    ['exp backoff', s.expBackoffRestartDelay === 0 ? 'off' : `from ${formatMs(s.expBackoffRestartDelay)}`],
    ['max memory', s.maxMemoryRestart === null ? 'no limit' : formatBytes(s.maxMemoryRestart)],
    ['kill timeout', formatMs(s.killTimeout)],
  );
  // Fork mode has no drain (null); an older daemon's settings have no such field (undefined).
  if (s.drainIdleGrace != null) lines.push(['drain idle grace', formatMs(s.drainIdleGrace)]);
  // Shown only when given: node's default otherwise.
  if (s.keepAliveTimeout != null) lines.push(['keep-alive timeout', formatMs(s.keepAliveTimeout)]);
  // Fork mode has no reports (null); an older daemon's settings have no such field (undefined).
  if (s.memoryReportInterval != null) {
    const interval = s.memoryReportInterval === 0 ? 'off' : `every ${formatMs(s.memoryReportInterval)}`;
    lines.push(['memory reports', interval]);
  }
  // Shown only when off: counting is the default, and fork mode has no runtime to count (null).
  if (s.httpMetrics === false) lines.push(['http metrics', 'off']);
  if (s.killSignal !== null) lines.push(['kill signal', s.killSignal]);
  lines.push(['treekill', yesNo(s.treekill)], ['wait ready', yesNo(s.waitReady)]);
  // How long a process may take to listen (or call ready()); an older daemon's settings have no such field.
  if (s.listenTimeout != null) lines.push(['listen timeout', formatMs(s.listenTimeout)]);
  const watch = app.watch?.length ? app.watch.join(', ') : 'no';
  lines.push(['watch', watch]);
  if (app.watch?.length) {
    lines.push(['watch delay', formatMs(s.watchDelay)]);
    if (s.ignoreWatch.length > 0) lines.push(['ignore watch', s.ignoreWatch.join(', ')]);
  }
  return lines;
}

/**
 * The script as a path from `/`, as PM2's describe shows its `script path`: a config's `./server.js` is read against
 * the app's cwd. A program found on PATH (a fork-mode app whose command is the bare name) stays its name.
 */
export function scriptPath(app: AppInfo): string {
  if (app.settings?.command === app.script && !app.script.includes('/')) return app.script;
  return resolve(app.cwd, app.script);
}

// `hive describe`'s process table on a narrow terminal: a long state (an idle slot's exit) cut first, then the columns
// least needed to tell a process's health, as for `hive ls` (pid, state and memory kept longest).
const PROCESS_TABLE_FIT: FitStep[] = [
  { cut: 'state', to: 11 },
  { drop: 'uptime' },
  { cut: 'process', to: 8 },
  { drop: 'cpu' },
];

/**
 * `hive describe`'s text: the app's fields, then a row per process. Within `width` columns when given (a terminal's),
 * the process table is narrowed as `hive ls` is rather than wrapped.
 */
export function describeApp(app: AppInfo, width?: number): string {
  const fields: [string, string][] = [
    ['name', app.name],
    ['id', String(app.id)],
    ['status', appStatus(app)],
    ['mode', app.mode],
    ['script', scriptPath(app)],
    ['cwd', app.cwd],
    ['instances', `${app.ready}/${app.total} ready`],
    ['restarts', String(app.restarts)],
    ['uptime', formatUptime(app.processUptime)],
    ['out log', logPath(app, app.outFile)],
    ['error log', logPath(app, app.errorFile)],
  ];
  if (app.logFile) fields.push(['combined log', logPath(app, app.logFile)]);
  if (app.namespace !== undefined && app.namespace !== 'default') fields.splice(1, 0, ['namespace', app.namespace]);
  // An older daemon's reply has none (its CLI is refused anyway, see protocol-revision.ts; ls --json of a dump too).
  if (app.settings) fields.push(...settingLines(app));
  if (app.cronRestart) {
    const next = app.nextCronRun ? ` (next ${formatTime(new Date(app.nextCronRun), 'YYYY-MM-DD HH:mm:ss Z')})` : '';
    fields.push(['cron restart', `${app.cronRestart}${next}`]);
  }
  if (app.metrics) fields.push(['metrics', app.metrics]);
  if (app.lastError) fields.push(['last error', shown(app.lastError)]);
  const keyWidth = Math.max(...fields.map(([key]) => key.length));
  // Every value as text, as the last error (already shown): a config's cwd, script or args may hold an escape sequence.
  const head = fields
    .map(([key, value]) => `${key.padEnd(keyWidth)}  ${key === 'last error' ? value : printable(value)}`)
    .join('\n');
  // A row per process, and one per slot with none (errored, restarting), among the workers by instance.
  const rows = [
    ...app.processes.map((p) => ({
      order: p.role === 'primary' ? -1 : (p.instance ?? 0),
      cells: [
        p.role === 'primary' ? 'primary' : `worker ${p.instance}`,
        String(p.pid),
        p.unresponsive ? `${p.state} (unresponsive)` : p.state,
        formatUptime(p.uptime),
        p.cpu === null ? '-' : `${p.cpu}%`,
        formatBytes(p.memory),
      ],
    })),
    // An older daemon's listing has no idleSlots.
    ...(app.idleSlots ?? []).map((slot) => ({
      order: slot.instance,
      cells: [
        `worker ${slot.instance}`,
        '-',
        slot.lastExit ? `${slot.state} (${exitText(slot.lastExit)})` : slot.state,
        '0',
        '-',
        '-',
      ],
    })),
  ].sort((a, b) => a.order - b.order);
  const processes = renderTable(
    ['process', 'pid', 'state', 'uptime', 'cpu', 'memory'],
    rows.map((row) => row.cells),
    width === undefined ? undefined : { width, steps: PROCESS_TABLE_FIT },
  );
  return rows.length > 0 ? `${head}\n\n${processes}` : head;
}

// An app's last error is its own stderr's tail: its lines as lines, but no escape sequence of it reaches the terminal
// (one could clear the screen or retitle the window, as in `hive monit`); `--json` has it whole.
function shown(lastError: string | null): string {
  return printableLines(lastError ?? '');
}

// A start's error with what moves the daemon to this shell's Node, when it was the daemon's Node that refused.
function why(lastError: string | null): string {
  return `${shown(lastError)}${daemonNodeHint(lastError ?? '')}`;
}
