import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { HiveSnapshot } from '../metrics/snapshot.js';
import { AppExistsError, AppNotFoundError } from './errors.js';
import { ManagedApp } from './managed-app.js';
import { ProcStats } from './proc-stats.js';
import { type AppInfo, type AppSpec, appSpecSchema, type ReloadProgress } from './protocol.js';

/** The daemon's apps, by id and name, and the commands on them. */
export class AppTable {
  #apps = new Map<number, ManagedApp>();
  #nextId = 0;
  #stats = new ProcStats();
  #logsDir: string;
  #log: (line: string) => void;

  constructor(logsDir: string, log: (line: string) => void) {
    this.#logsDir = logsDir;
    this.#log = log;
    // CPU is a delta between samples: sampling in the background makes `ls` show the last seconds, not the
    // average since a process started (which a fresh process's start-up inflates).
    setInterval(() => this.list(), 2000).unref();
  }

  /** `all`, an id or a name; throws AppNotFoundError naming the target. */
  find(target: string): ManagedApp[] {
    if (target === 'all') return [...this.#apps.values()];
    const byId = /^\d+$/.test(target) ? this.#apps.get(Number(target)) : undefined;
    const app = byId ?? [...this.#apps.values()].find((a) => a.name === target);
    if (!app) throw new AppNotFoundError(target);
    return [app];
  }

  async start(spec: AppSpec): Promise<AppInfo> {
    let app = [...this.#apps.values()].find((a) => a.name === spec.name);
    if (app && app.status !== 'stopped' && app.status !== 'errored') throw new AppExistsError(spec.name);
    if (app) app.respec(spec);
    else {
      app = new ManagedApp(this.#nextId++, spec, this.#logsDir, this.#log);
      this.#apps.set(app.id, app);
    }
    await app.start();
    return this.info(app);
  }

  async each(target: string, action: (app: ManagedApp) => Promise<void>): Promise<AppInfo[]> {
    const apps = this.find(target);
    // One app's failure must not stop the others; the first error is reported after all ran.
    const results = await Promise.allSettled(apps.map(action));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    return apps.map((app) => this.info(app));
  }

  /** Rolling reload of the target's apps; each app's info carries its slots (`reload`). */
  async reload(target: string, onProgress: (progress: ReloadProgress) => void): Promise<AppInfo[]> {
    const slots = new Map<ManagedApp, AppInfo['reload']>();
    const infos = await this.each(target, async (app) => {
      slots.set(app, await app.reload(onProgress));
    });
    return this.find(target).map((app, i) => ({ ...infos[i]!, reload: slots.get(app) ?? [] }));
  }

  /**
   * The live views' snapshot of the target's apps (every app by default), asked of their primaries at once;
   * `requests`: the caller shows sampled requests, so the primaries sample them (see ManagedApp#snapshot).
   */
  async snapshot(target = 'all', requests = false): Promise<HiveSnapshot> {
    const apps = await Promise.all(this.find(target).map((app) => app.snapshot(this.#stats, requests)));
    return { time: Date.now(), host: hostname(), apps };
  }

  async delete(target: string): Promise<AppInfo[]> {
    const infos = await this.each(target, (app) => app.stop());
    for (const app of this.find(target)) {
      app.close();
      this.#apps.delete(app.id);
    }
    return infos;
  }

  list(): AppInfo[] {
    const infos = [...this.#apps.values()].map((app) => this.info(app));
    this.#stats.retain(new Set(infos.flatMap((info) => info.processes.map((p) => p.pid))));
    return infos;
  }

  info(app: ManagedApp): AppInfo {
    return app.info(this.#stats);
  }

  /** Writes the app specs to `file` (0600: env values may be secrets). */
  async save(file: string): Promise<{ file: string; apps: string[] }> {
    const apps = [...this.#apps.values()].map((app) => app.spec);
    await writeFile(file, `${JSON.stringify({ version: 1, apps }, null, 2)}\n`, { mode: 0o600 });
    return { file, apps: apps.map((spec) => spec.name) };
  }

  /** Starts the apps saved in `file` that are not running already. */
  async resurrect(file: string): Promise<AppInfo[]> {
    const dump = JSON.parse(await readFile(file, 'utf8')) as { apps?: unknown[] };
    const specs = (dump.apps ?? []).map((spec) => appSpecSchema.parse(spec));
    const infos: AppInfo[] = [];
    const errors: unknown[] = [];
    for (const spec of specs) {
      const existing = [...this.#apps.values()].find((a) => a.name === spec.name);
      if (existing && existing.status !== 'stopped' && existing.status !== 'errored') continue;
      try {
        infos.push(await this.start(spec));
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
    return infos;
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.#apps.values()].map((app) => app.stop()));
    for (const app of this.#apps.values()) app.close();
  }
}
