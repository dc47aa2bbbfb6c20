import { APP_NAME_PATTERN } from '../daemon/app-name.js';

// A daemon.log line about an app, as the daemon writes it (src/daemon/daemon.ts, managed-app.ts, app-table.ts): its
// ISO time, then `<app>: ` (`resurrect: <app>: ` for a saved app that failed to come back).
const appLine = new RegExp(
  `^(\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) (?:resurrect: )?(${APP_NAME_PATTERN.source.slice(1, -1)}): `,
);
const timed = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

/** A daemon.log line about one of the apps `hive logs` shows. */
export interface DaemonLogLine {
  app: string;
  /** The ISO time of the line, or of the entry it continues. */
  time: string;
  /** The line as daemon.log holds it. */
  line: string;
}

/**
 * Picks the daemon.log lines about the selected apps (`hive logs` shows them among the apps' own lines, as `pm2 logs`
 * shows PM2's), one line at a time in file order. A line without the daemon's time continues the entry before it (an
 * errored event quotes the app's last stderr lines on lines of their own): it goes with that entry's app.
 */
export class DaemonLogFilter {
  // Undefined: every app's.
  #apps: Set<string> | undefined;
  #entry: { app: string; time: string } | undefined;

  constructor(apps: Iterable<string>) {
    this.#apps = new Set(apps);
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

  /** The line, with its app and time, when it is about a selected app; else undefined. */
  pick(line: string): DaemonLogLine | undefined {
    const match = appLine.exec(line);
    if (match) this.#entry = { app: match[2]!, time: match[1]! };
    // A daemon line about no app (the daemon's own) ends the entry: what follows it untimed is not an app's.
    else if (timed.test(line)) this.#entry = undefined;
    const entry = this.#entry;
    return entry !== undefined && (this.#apps?.has(entry.app) ?? true) ? { ...entry, line } : undefined;
  }
}
