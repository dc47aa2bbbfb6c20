import { lstat, readlink, realpath } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import type { HiveSnapshot } from '../metrics/snapshot.js';
import { checkAppPoolThreads } from './app-environment.js';
import { writeDump } from './dump.js';
import { dumpBackup, goodDumpText, readSavedApps } from './dump-backup.js';
import { dumpTemporary, removeStaleTemporaries, writeWhole } from './dump-temporaries.js';
import { AppNotFoundError, AppOperationError, AppsFailedError, DumpWriteError } from './errors.js';
import { savedForkNode } from './fork-node.js';
import { logPathWarnings } from './log-path-check.js';
import { type AppExposition, ManagedApp, type ReloadEnvs, type StartHow } from './managed-app.js';
import { ProcStats } from './proc-stats.js';
import type { AppInfo, AppSpec, AppStep, FlushedApp, ReloadProgress, TargetKind } from './protocol.js';

/** What a resurrect warns of: a dump read from its `backup` (see readSavedApps), or an app's primary as it starts. */
export type ResurrectWarning = (warning: string, backup?: string) => void;

/** How often the daemon samples its processes' CPU: `hive ls` and the live views show the share over this window. */
const CPU_SAMPLE_INTERVAL = 2000;
// A quick request's word that it still waits (a save for a resurrect, a flush for a rotation's gzip): well inside the
// client's 5 s bound of those, on a loaded machine.
const WAITING_BEAT = 1000;

/** The daemon's apps, by id and name, and the commands on them. */
export class AppTable {
  #apps = new Map<number, ManagedApp>();
  #nextId = 0;
  #saves = 0;
  // The resurrect in flight, which the next one waits for (see resurrect).
  #resurrecting: Promise<unknown> = Promise.resolve();
  #resurrects = 0;
  #closing = false;
  #stats = new ProcStats();
  #logsDir: string;
  #log: (line: string) => void;
  #appMetrics: boolean;

  /** `appMetrics`: the daemon serves a metrics endpoint, which asks the primaries for their apps' own metrics. */
  constructor(logsDir: string, log: (line: string) => void, appMetrics = false) {
    this.#logsDir = logsDir;
    this.#log = log;
    this.#appMetrics = appMetrics;
    // CPU is a delta between samples: one sampler at a fixed interval makes every reader (`ls`, the live views, the
    // metrics endpoint's probes) see the last seconds; readers never sample, or each would cut the next one's window.
    setInterval(() => this.#sample(), CPU_SAMPLE_INTERVAL).unref();
  }

  #sample(): void {
    const pids = new Set([...this.#apps.values()].flatMap((app) => app.pids()));
    for (const pid of pids) this.#stats.sample(pid);
    this.#stats.retain(pids);
  }

  /**
   * `all`, an id, a name (an all-digit target is an id first) or else a namespace: its apps, as PM2 reads a target that
   * names no app; `by`: only an id, or only a name (see the protocol's `by`). Throws AppNotFoundError naming the
   * target.
   */
  find(target: string, by?: TargetKind): ManagedApp[] {
    if (by !== undefined) return [this.one(target, by)];
    if (target === 'all') return [...this.#apps.values()];
    try {
      return [this.one(target)];
    } catch (error) {
      const apps = [...this.#apps.values()].filter((app) => app.namespace === target);
      if (apps.length === 0) throw error;
      return apps;
    }
  }

  /**
   * The one app of an id or a name (an all-digit target is an id first), never a namespace's: for the commands that
   * take one app (describe, env, scale, sendSignal). `by` as for find.
   */
  one(target: string, by?: TargetKind): ManagedApp {
    if (by === 'name') return this.findByName(target);
    const byId = /^\d+$/.test(target) ? this.#apps.get(Number(target)) : undefined;
    if (by === 'id' || byId) {
      if (!byId) throw new AppNotFoundError(target);
      return byId;
    }
    return this.findByName(target);
  }

  /** The app of that name, never an id: a config file's apps are matched by name, as PM2 matches them. */
  findByName(name: string): ManagedApp {
    const app = [...this.#apps.values()].find((a) => a.name === name);
    if (app) return app;
    // A namespace given where one app is asked for (describe, env, scale, sendSignal): said, not "no such app".
    const members = [...this.#apps.values()].filter((a) => a.namespace === name).map((a) => a.name);
    if (members.length === 0) throw new AppNotFoundError(name);
    throw new AppNotFoundError(
      name,
      `it is a namespace (${members.join(', ')}), and this command takes one app: give one of its apps`,
    );
  }

  /**
   * Starts a new app, or gives an existing stopped or errored app of that name the new spec (in its operation queue,
   * so after whatever was asked of it before); with `replace`, a running one too (see ManagedApp#startWith). One
   * deleted meanwhile is replaced by a new app of that name.
   */
  async start(spec: AppSpec, how: StartHow = {}): Promise<AppInfo> {
    for (const warning of logPathWarnings(spec)) {
      this.#log(`${spec.name}: warning: ${warning}`);
      how.warn?.(warning);
    }
    return this.#start(spec, how);
  }

  async #start(spec: AppSpec, how: StartHow): Promise<AppInfo> {
    const existing = [...this.#apps.values()].find((a) => a.name === spec.name);
    if (existing) {
      try {
        await existing.startWith(spec, how);
        return this.info(existing);
      } catch (error) {
        // Deleted while this start waited behind the delete: it is out of the table now, so this adds a new one. One
        // removed but still in the table is the daemon shutting down: retrying would find it again, forever.
        if (!existing.removed || this.#apps.get(existing.id) === existing) throw error;
        return this.#start(spec, how);
      }
    }
    // Refused before it is in the table (see ManagedApp#startWith for a resurrect's).
    if (!how.retry) checkAppPoolThreads(spec);
    this.#refuseWhileClosing(spec.name);
    const app = new ManagedApp(this.#nextId++, spec, this.#logsDir, this.#log, false, this.#appMetrics);
    this.#apps.set(app.id, app);
    await (spec.autostart === false ? app.register() : app.start(how.retry, how.warn));
    return this.info(app);
  }

  /** The info of `app` once `action` on it ends, with the processes SIGKILLed at killTimeout meanwhile (`killed`). */
  async infoAfter(app: ManagedApp, action: (app: ManagedApp) => Promise<void>): Promise<AppInfo> {
    const before = app.killedAtTimeout;
    await action(app);
    return withKilled(this.info(app), app, before);
  }

  /**
   * Runs `action` on each app `target` names: at once, or with `inTurn` one after the other, as a config file's apps
   * are started (a restart or reload of `all` started every app's processes at the same moment: 80 on 2 cores overran
   * their listen timeout, and most apps ended errored). One app's failure does not stop the others; after all ran, a
   * failure is thrown as it is, several as one AppsFailedError naming each (`verb`: what was done to the others).
   */
  async each(
    target: string,
    action: (app: ManagedApp) => Promise<void>,
    by?: TargetKind,
    {
      inTurn = false,
      verb = 'done',
      onStep,
    }: { inTurn?: boolean; verb?: string; onStep?: ((step: AppStep) => void) | undefined } = {},
  ): Promise<AppInfo[]> {
    const apps = this.find(target, by);
    const every = by === undefined && target === 'all';
    // Each app's info is taken as its action ends, before the app's next queued operation begins: the reply of a
    // restart says online even when a stop is already waiting behind it.
    const one = async (app: ManagedApp): Promise<AppInfo> => {
      const start = performance.now();
      try {
        const info = await this.infoAfter(app, action);
        onStep?.(appStep(app, start));
        return info;
      } catch (error) {
        onStep?.(appStep(app, start, error));
        throw error;
      }
    };
    let results: PromiseSettledResult<AppInfo>[] = [];
    if (inTurn) for (const app of apps) results.push(...(await Promise.allSettled([one(app)])));
    else results = await Promise.allSettled(apps.map(one));
    // `all` means the apps that are still there: one deleted by a command that came first is left out.
    const kept = apps.flatMap((app, i) => {
      const result = results[i]!;
      return every && app.removed && result.status === 'rejected' ? [] : [{ app, result }];
    });
    const failed = kept.flatMap(({ app, result }) =>
      result.status === 'rejected' ? [{ name: app.name, error: result.reason as unknown }] : [],
    );
    if (failed.length === 1) throw failed[0]!.error;
    if (failed.length > 1) throw new AppsFailedError(failed, { count: kept.length - failed.length, verb });
    return kept.map(({ result }) => (result as PromiseFulfilledResult<AppInfo>).value);
  }

  /**
   * Rolling reload of the target's apps; each app's info carries its slots (`reload`). `envs`: see ManagedApp#reload.
   */
  async reload(
    target: string,
    onProgress: (progress: ReloadProgress) => void,
    envs: ReloadEnvs = {},
    by?: TargetKind,
    onStep?: (step: AppStep) => void,
  ): Promise<AppInfo[]> {
    // By id, from the apps each() found: a second find() afterwards would see apps started or deleted meanwhile.
    const slots = new Map<number, AppInfo['reload']>();
    const infos = await this.each(
      target,
      async (app) => {
        slots.set(app.id, await app.reload(onProgress, envs));
      },
      by,
      // In turn: each app's replacements get the machine's cores while they start, and an app's old processes serve
      // until its own replacements are ready.
      { inTurn: true, verb: 'reloaded', onStep },
    );
    return infos.map((info) => ({ ...info, reload: slots.get(info.id) ?? [] }));
  }

  /**
   * The live views' snapshot of the target's apps (every app by default), asked of their primaries at once;
   * `requests`: the caller shows sampled requests, so the primaries sample them (see ManagedApp#snapshot).
   */
  async snapshot(target = 'all', requests = false): Promise<HiveSnapshot> {
    const apps = await Promise.all(this.find(target).map((app) => app.snapshot(this.#stats, requests)));
    return { time: Date.now(), host: hostname(), apps };
  }

  /** Every app for the daemon's metrics endpoint, asked of their primaries at once (see ManagedApp#exposition). */
  expositions(): Promise<(AppExposition | undefined)[]> {
    return Promise.all([...this.#apps.values()].map((app) => app.exposition(this.#stats)));
  }

  /**
   * Stops and forgets the target's apps: those found now, each once it is stopped (an app started meanwhile under
   * `all` is not one of them, and one restarting is deleted after its restart, never left running unknown).
   */
  async delete(target: string, by?: TargetKind): Promise<AppInfo[]> {
    return this.each(
      target,
      (app) =>
        app.delete(() => {
          if (this.#apps.get(app.id) === app) this.#apps.delete(app.id);
          // As PM2 (God.next_id = 0 once its last process is deleted): after `delete all`, the next apps are 0, 1...
          // again, so that pm_id 0 (made of app id 0, cluster/pm-id.ts) elects a leader after a resurrect.
          if (this.#apps.size === 0) this.#nextId = 0;
        }),
      by,
      { verb: 'deleted' },
    );
  }

  /** Zeroes the restart counters of the target's apps (`hive reset`), at once: nothing to wait for in their queues. */
  reset(target: string, by?: TargetKind): Promise<AppInfo[]> {
    return Promise.all(
      this.find(target, by).map(async (app) => {
        await app.resetRestarts();
        return this.info(app);
      }),
    );
  }

  /**
   * Empties the log files of the target's apps (`hive flush`): the files emptied, by app. A file being rotated is
   * emptied once its rotation ends, which the gzip of a large file may make longer than the client's bound of a flush
   * (QUICK_REQUEST_TIMEOUT): `waiting` is called then at once, and every second while the flush waits (see beatWhile).
   */
  async flush(target: string, waiting: () => void = () => {}): Promise<FlushedApp[]> {
    const apps = this.find(target);
    const flushed = Promise.all(apps.map(async (app) => ({ name: app.name, files: await app.emptyLogs() })));
    return beatWhile(
      flushed,
      waiting,
      apps.some((app) => app.logsRotating),
    );
  }

  /**
   * Opens again every app's log files that were moved or removed (`hive reloadLogs`), and resolves with them; waits
   * for a rotation under way as a flush does, and says so to `waiting` likewise.
   */
  async reopenLogs(waiting: () => void = () => {}): Promise<string[]> {
    const apps = [...this.#apps.values()];
    const reopened = Promise.all(apps.map((app) => app.reopenLogs()));
    return (
      await beatWhile(
        reopened,
        waiting,
        apps.some((app) => app.logsRotating),
      )
    ).flat();
  }

  list(): AppInfo[] {
    return [...this.#apps.values()].map((app) => this.info(app));
  }

  info(app: ManagedApp): AppInfo {
    return app.info(this.#stats);
  }

  /**
   * Writes the app specs to `file` (0600: env values may be secrets). Written whole to a temporary file, flushed,
   * then renamed over `file`: a crash mid-write leaves the previous dump, never a truncated one. The dump it replaces
   * is kept first as `<file>.bak` (see dumpBackup), written the same way, when it reads back as a dump; `warn` is told
   * when that backup could not be written, once the new dump is.
   */
  async save(
    file: string,
    warn: (warning: string) => void = () => {},
    waiting: () => void = () => {},
  ): Promise<{ file: string; apps: string[] }> {
    // A resurrect under way (at boot, apps started one after another) has added only part of the dump: a save now
    // would replace the dump with that part, and the next boot would bring back only those. It may take its apps'
    // listen timeouts and more, past the client's bound of a save (QUICK_REQUEST_TIMEOUT): `waiting` is called now
    // and every second until it is done, which the daemon sends as progress, and each restarts that bound.
    if (this.#resurrects > 0) {
      this.#log('a save waits for the resurrect under way');
      await beatWhile(this.#resurrecting, waiting, true);
    }
    const apps = [...this.#apps.values()].map((app) => ({ spec: app.spec, status: app.savedStatus }));
    // A dump.json the user made a symlink (to a volume, a config repository) is written through, as PM2 writes its
    // dump: a rename over the link itself would replace it with a plain file, and the target would go stale.
    const target = await linkTarget(file);
    const previous = await goodDumpText(target);
    const backup = previous === undefined ? undefined : await linkTarget(dumpBackup(file));
    // As PM2's save, a backup that cannot be written does not keep the new dump from being written; said in
    // daemon.log (worded as no app's line is, see cli/daemon-log-lines.ts), and to the command once the new dump is
    // saved: the backup a resurrect may need is then older than the dump this save replaced. A dump that cannot be
    // written either (a full disk fails both) replaced nothing, which its error says: the warning is not given then.
    let backupFailure: string | undefined;
    if (backup !== undefined) {
      await this.#writeWhole(backup, previous!).catch((error: Error) => {
        this.#log(`a save could not keep the previous dump as ${backup}: ${error.message}`);
        backupFailure = error.message;
      });
    }
    // Where it cannot be written (a directory in its place, a folder not there): the user's to fix, said as such, not
    // as the daemon's bug with the system's words for the temporary file.
    await this.#writeWhole(target, writeDump(apps)).catch((error: NodeJS.ErrnoException) => {
      // A system error (it has an errno code); anything else is a bug, reported as one.
      if (typeof error?.code !== 'string') throw error;
      const failure = new DumpWriteError(file, target, error);
      this.#log(`a save could not write the dump: ${failure.message}`);
      throw failure;
    });
    if (backupFailure !== undefined) {
      warn(`could not keep the previous dump as ${backup}: ${backupFailure}; the new dump is saved`);
    }
    // Those of a daemon killed mid-save (SIGKILL, the OOM killer), which no later save would ever rename.
    await removeStaleTemporaries(target);
    if (backup !== undefined) await removeStaleTemporaries(backup);
    return { file, apps: apps.map((app) => app.spec.name) };
  }

  /** Writes `text` to `target` (0600) by a flushed temporary file renamed over it (writeWhole). */
  #writeWhole(target: string, text: string): Promise<void> {
    // One temporary per save: two saves at once (two `hive save`s) sharing one would rename it away under each other.
    return writeWhole(target, text, dumpTemporary(target, process.pid, ++this.#saves));
  }

  /**
   * Starts the apps saved in `file` that are not running already; one saved stopped is added stopped (as PM2's
   * resurrect keeps it), and left as it is when the daemon has an app of its name. An app whose start fails is tried
   * again in the background (see ManagedApp#start): it is in the reply `starting`, with its `lastError`. The reply
   * lists every app of the dump the daemon has, in the dump's order, `resurrected: false` for those it had already.
   * One resurrect at a time: a second one asked meanwhile reads the dump once the first is done, and lists the apps
   * it started as the daemon's already, as they are then. Run side by side, each listed only the apps it started
   * itself: the first those it got to before the second came, the second the rest. A `file` that cannot be read is
   * read from its backup, `warn` told so (see readSavedApps), and of what each app's primary warns of as it starts.
   * `onStep`: each app it starts, as that start is done (as each's).
   */
  resurrect(file: string, warn: ResurrectWarning = () => {}, onStep?: (step: AppStep) => void): Promise<AppInfo[]> {
    // Said in daemon.log: a resurrect that takes as long as another's starts tells why. Worded as the daemon's own
    // line, not an app's (`resurrect: <app>: `, see cli/daemon-log-lines.ts).
    if (this.#resurrects > 0) this.#log('a second resurrect waits for the one under way');
    this.#resurrects++;
    const run = this.#resurrecting.then(() => this.#resurrect(file, warn, onStep));
    this.#resurrecting = run.catch(() => {});
    void this.#resurrecting.then(() => this.#resurrects--);
    return run;
  }

  async #resurrect(file: string, warn: ResurrectWarning, onStep?: (step: AppStep) => void): Promise<AppInfo[]> {
    const saved = await readSavedApps(
      file,
      (warning, backup) => {
        // In daemon.log too: at boot (the unit's resurrect), stderr is the journal's, where it may go unseen.
        this.#log(`a resurrect reads the backup: ${warning}`);
        warn(warning, backup);
      },
      { command: 'resurrect', state: 'the dump is unchanged; no app was started' },
    );
    const infos: AppInfo[] = [];
    const errors: unknown[] = [];
    const had = (app: ManagedApp) => infos.push({ ...this.info(app), resurrected: false });
    const added = (app: ManagedApp) => infos.push({ ...this.info(app), resurrected: true });
    for (const { spec: savedSpec, status } of saved) {
      // `hive kill` (SIGTERM, systemd's stop) during the resurrect: the apps not reached yet stay down.
      this.#refuseWhileClosing(savedSpec.name);
      // An app the daemon has, whatever its status, is left as it was (as PM2 skips the names in its list): one
      // stopped on purpose stays down, and one started or restarted since the save keeps its newer settings (a
      // rotated secret) rather than getting the dump's back.
      const existing = [...this.#apps.values()].find((a) => a.name === savedSpec.name);
      if (existing) {
        had(existing);
        continue;
      }
      // A dump from before fork.hiveNode whose Node is gone (see savedForkNode).
      const { spec, warning } = savedForkNode(savedSpec);
      // The app's line (`hive logs <app>` shows it): `resurrect: warning: ` read as a line of an app named `warning`.
      if (warning !== undefined) this.#log(`${spec.name}: warning: ${warning}`);
      if (status === 'stopped') {
        const app = new ManagedApp(this.#nextId++, spec, this.#logsDir, this.#log, true, this.#appMetrics);
        this.#apps.set(app.id, app);
        added(app);
        continue;
      }
      // Each app started is a step, as each of a restart all is: a resurrect of 40 apps said nothing until its table.
      // An app saved stopped, or one the daemon has, is not started: no step.
      const start = performance.now();
      try {
        const info = await this.start(spec, { retry: true, warn: (warning) => warn(warning) });
        infos.push({ ...info, resurrected: true });
        // Tried again in the background (its first start failed): said as failed, with why, not done.
        const retried = info.status === 'starting' && info.lastError !== null ? info.lastError : undefined;
        onStep?.(appStep(info, start, retried));
      } catch (error) {
        // One app that is not retried (autorestart false, maxRestarts 0) and failed: listed errored, with its reason,
        // the others still resurrected. Failing the command would fail `hive startup`'s unit, and systemd would then
        // stop the daemon and every app that did start.
        const app = [...this.#apps.values()].find((a) => a.name === spec.name);
        if (app) added(app);
        else errors.push(error);
        onStep?.(appStep(app ?? { id: -1, name: spec.name }, start, error));
        // Starts with the app's name, as every line about an app does (cli/daemon-log-lines.ts reads them so).
        this.#log(`${spec.name}: resurrect failed: ${(error as Error).message}`);
      }
    }
    // Nothing of the dump could even be added: that is the command's failure.
    if (errors.length > 0 && infos.length === 0) throw errors[0];
    return infos;
  }

  /** Stops every app for the daemon's end; from now on no app is added (see #refuseWhileClosing). */
  async stopAll(): Promise<void> {
    this.#closing = true;
    await Promise.allSettled([...this.#apps.values()].map((app) => app.shutdown()));
  }

  // An app added once the daemon's end has begun would never be stopped: its primary would be forked after the
  // apps were, and outlive the daemon (a resurrect or a config's start going on through a `hive kill`).
  #refuseWhileClosing(name: string): void {
    if (this.#closing) throw AppOperationError.shuttingDown(name);
  }
}

/**
 * `work`, with `waiting` called every second until it settles, and at once when `now` (it is known to wait): the
 * daemon sends each call as a progress frame, which restarts the client's bound of the request (client.ts), so a
 * request that legitimately waits longer than that bound is not taken for a hung daemon.
 */
async function beatWhile<T>(work: Promise<T>, waiting: () => void, now: boolean): Promise<T> {
  if (now) waiting();
  const beat = setInterval(waiting, WAITING_BEAT);
  try {
    return await work;
  } finally {
    clearInterval(beat);
  }
}

/**
 * `info` with the processes of `app` SIGKILLed at killTimeout since the count was `before` (AppInfo.killed), when
 * there were any. The count is the app's, read around the operation: a kill by another operation of the app at the same
 * moment (a cron reload, a memory restart) is counted too, as the command waited through it.
 */
function withKilled(info: AppInfo, app: ManagedApp, before: number): AppInfo {
  const killed = app.killedAtTimeout - before;
  return killed > 0 ? { ...info, killed } : info;
}

// The file a path names, through symlinks; the path itself when it is none (or does not exist yet). A dangling link
// names the file its target would be, which the save then creates.
async function linkTarget(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch {
    try {
      if ((await lstat(file)).isSymbolicLink()) return resolve(dirname(file), await readlink(file));
    } catch {}
    return file;
  }
}

/** An app's `{ step }`: its turn since `start` (performance.now()), and the message of its failure if it failed. */
function appStep(app: { id: number; name: string }, start: number, error?: unknown): AppStep {
  const ms = Math.round(performance.now() - start);
  const message = error === undefined ? {} : { error: error instanceof Error ? error.message : String(error) };
  return { id: app.id, name: app.name, ms, ...message };
}
