import { APP_NAME_PATTERN } from '../daemon/app-name.js';

// A daemon.log line about an app, as the daemon writes it (src/daemon/daemon.ts, managed-app.ts, app-table.ts): its
// ISO time, then `<app>: `. The daemon's own lines (its start and exit, `uncaught exception: `,
// `unhandled rejection: `, `<request> failed: `) are worded so that they never start with an app name and a colon: what
// matches here is an app's, whatever the app is called. An older daemon wrote `resurrect: <app>: ` for a saved app that
// failed to come back, read so still; but `resurrect: warning: ` is the warning of an app named resurrect (the one word
// an app's line has before a colon), an old line of a saved app named warning aside.
const appLine = new RegExp(
  `^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) (?:resurrect: (?!warning: ))?(${APP_NAME_PATTERN.source.slice(1, -1)}): `,
);
// An older daemon said a saved app's Node.js that was gone as `resurrect: warning: <app>: its saved Node.js ...`, read
// as a line of an app named `warning`: such a line is the app's.
const oldResurrectWarning = new RegExp(
  `^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) resurrect: warning: (${APP_NAME_PATTERN.source.slice(1, -1)}): its saved Node\\.js `,
);
const timed = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) /;
// The daemon's lines on its stderr (an app's log file it cannot write, its own fatal error): untimed, and never the
// continuation of the entry before them.
const daemonStderr = /^hive daemon: /;

/** A daemon.log line about one of the apps `hive logs` shows, or (with no target) one of the daemon's own. */
export interface DaemonLogLine {
  /** The app the line is about; null for the daemon's own lines (its start, its exit, its uncaught errors). */
  app: string | null;
  /** The ISO time of the line, or of the entry it continues. */
  time: string;
  /** The line as daemon.log holds it. */
  line: string;
}

/** Options of {@link DaemonLogFilter}. */
export interface DaemonLogFilterOptions {
  /** Picks the daemon's own lines too (`hive logs` with no target, or `all`, as `pm2 logs` shows all of pm2.log). */
  daemonLines?: boolean;
}

/**
 * Picks the daemon.log lines about the selected apps (`hive logs` shows them among the apps' own lines, as `pm2 logs`
 * shows PM2's), one line at a time in file order. A line without the daemon's time continues the entry before it (an
 * errored event quotes the app's last stderr lines on lines of their own; an uncaught error's stack): it goes with
 * that entry, an app's or the daemon's.
 */
export class DaemonLogFilter {
  // Undefined: every app's.
  #apps: Set<string> | undefined;
  readonly #daemonLines: boolean;
  #entry: { app: string | null; time: string } | undefined;

  constructor(apps: Iterable<string>, options: DaemonLogFilterOptions = {}) {
    this.#apps = new Set(apps);
    this.#daemonLines = options.daemonLines ?? false;
  }

  /**
   * Shows every app's lines from now on (`hive logs -f` with no target): those of an app started while following,
   * from its first, as it may start and fail before the app list is read again.
   */
  everyApp(): void {
    this.#apps = undefined;
  }

  /** Shows the lines about `app` too (an app started in a followed namespace). */
  add(app: string): void {
    this.#apps?.add(app);
  }

  /** The line, with its app (null: the daemon's own) and time, when it is to be shown; else undefined. */
  pick(line: string): DaemonLogLine | undefined {
    const match = oldResurrectWarning.exec(line) ?? appLine.exec(line);
    if (match) this.#entry = { app: match[2]!, time: match[1]! };
    else {
      const time = timed.exec(line)?.[1] ?? (daemonStderr.test(line) ? (this.#entry?.time ?? '') : undefined);
      // A daemon line about no app (the daemon's own) starts an entry of its own: what follows it untimed is its.
      if (time !== undefined) this.#entry = { app: null, time };
    }
    const entry = this.#entry;
    if (entry === undefined) return undefined;
    const shown = entry.app === null ? this.#daemonLines : (this.#apps?.has(entry.app) ?? true);
    return shown ? { ...entry, line } : undefined;
  }
}
