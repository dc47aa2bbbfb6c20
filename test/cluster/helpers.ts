import { type ChildProcess, type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { after, afterEach } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { isAlive } from '../../dist/cluster/proc-stat.js';
import { poll } from '../poll.js';
import { freePort as freePortOn } from '../ports.js';

export const hiveBin = new URL('../../dist/cli/hive.js', import.meta.url).pathname;
export const fixture = (name: string): string => new URL(`../fixtures/cluster/${name}`, import.meta.url).pathname;

/** One JSON line of `hive run --log-format json`. */
export interface HiveRecord {
  kind: 'event' | 'log' | 'result' | 'report';
  type?: string;
  [key: string]: unknown;
}

/** A `hive run` primary under test, its output parsed. */
export interface Hive {
  child: ChildProcess;
  records: HiveRecord[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: string | null }>;
  /** Resolves with the first record (past or future) matching `match`; rejects after `timeoutMs`. */
  waitFor(match: (r: HiveRecord) => boolean, what: string, timeoutMs?: number): Promise<HiveRecord>;
  /** Live worker pids per instance, from the worker events so far. */
  readyPids(): Map<number, number>;
  kill(signal?: NodeJS.Signals): void;
  /** Writes a command line to the process's stdin (the driver fixture). */
  command(line: string): void;
}

const running = new Set<ChildProcess>();
// Workers blockLoop() left blocked: they outlive their primary.
const blocked = new Set<number>();

/** Starts `hive run <args> --log-format json`; the process is SIGKILLed by `killAll()` if a test leaves it. */
export function startHive(
  args: string[],
  env: Record<string, string> = {},
  { detached = false }: { detached?: boolean } = {},
): Hive {
  return record([hiveBin, 'run', '--log-format', 'json', ...args], env, detached);
}

/** A `hive run` primary in its text log format: the lines a user reads. */
export interface TextHive {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Whole stdout lines so far. */
  lines: string[];
  exited: Promise<number | null>;
}

/** Starts `hive run <args>` in the text log format; the process is SIGKILLed by `killAll()` if a test leaves it. */
export function startHiveText(args: string[]): TextHive {
  const child = spawn(process.execPath, [hiveBin, 'run', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const lines: string[] = [];
  let buffer = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => running.delete(child));
  return { child, lines, exited };
}

/** The pid of the last "worker <instance> (pid N) ready" line of a {@link TextHive}, unless it is `not`. */
export function textReadyPid(lines: readonly string[], instance: number, not?: number): number | undefined {
  for (const line of lines.toReversed()) {
    const match = new RegExp(`worker ${instance} \\(pid (\\d+)\\) ready$`).exec(line);
    if (match) return Number(match[1]) === not ? undefined : Number(match[1]);
  }
  return undefined;
}

/** Starts the driver fixture: a Supervisor with these options, commanded through `hive.command()`. */
export function startDriver(options: Record<string, unknown>, env: Record<string, string> = {}): Hive {
  return record([fixture('driver.js'), JSON.stringify(options)], env);
}

/**
 * Starts `node <argv>` recorded as {@link startHive}'s, with at most `nofile` file descriptors (prlimit), so that a
 * fixture that takes every one of them takes few.
 */
export function startLimited(argv: string[], nofile: number, env: Record<string, string> = {}): Hive {
  return record(argv, env, false, ['prlimit', `--nofile=${nofile}:${nofile}`]);
}

/** Starts `hive run <args> --log-format json` through `wrapper`, a command that execs node (into a cgroup, say). */
export function startHiveWrapped(wrapper: string[], args: string[]): Hive {
  return record([hiveBin, 'run', '--log-format', 'json', ...args], {}, false, wrapper);
}

// `detached`: the primary leads a process group of its own (with its workers), as a shell's job does, so that a test
// can signal the whole group as Ctrl-C does. `wrapper`: a command that execs node (prlimit), pid and all.
function record(argv: string[], env: Record<string, string>, detached = false, wrapper: string[] = []): Hive {
  const [command = process.execPath, ...wrapperArgs] = wrapper;
  const nodeArgs = wrapper.length > 0 ? [process.execPath, ...argv] : argv;
  const child = spawn(command, [...wrapperArgs, ...nodeArgs], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached,
  });
  running.add(child);
  const records: HiveRecord[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    for (const line of lines) {
      try {
        records.push(JSON.parse(line) as HiveRecord);
      } catch {
        stderr.push(`(stdout) ${line}`);
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    for (const wake of waiters) wake();
  });
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal });
      for (const wake of waiters) wake();
    });
  });
  const hive: Hive = {
    child,
    records,
    stderr,
    exited,
    waitFor(match, what, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = records.find(match);
          if (found) {
            cleanup();
            resolve(found);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`hive exited while waiting for ${what}; stderr: ${stderr.join('')}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${what}; stderr: ${stderr.join('')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    readyPids() {
      const pids = new Map<number, number>();
      for (const r of records) {
        if (r.kind !== 'event' || r.type !== 'worker') continue;
        if (r.state === 'ready') pids.set(r.instance as number, r.pid as number);
        else if (r.state !== 'starting' && pids.get(r.instance as number) === r.pid) pids.delete(r.instance as number);
      }
      return pids;
    },
    kill(signal = 'SIGTERM') {
      child.kill(signal);
    },
    command(line) {
      child.stdin!.write(`${line}\n`);
    },
  };
  return hive;
}

/**
 * SIGKILLs every primary a test left running (their workers exit when the IPC channel closes), and every worker a
 * test left blocked ({@link blockLoop}).
 */
export async function killAll(): Promise<void> {
  for (const pid of blocked) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  blocked.clear();
  await Promise.all(
    [...running].map(async (child) => {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }),
  );
}

/** What ended a `--log-format json` run, as `<code>: <message>` (its `fatal` records; text mode has it on stderr). */
export function fatalOf(records: readonly HiveRecord[]): string {
  return records
    .filter((r) => r.kind === 'event' && r.type === 'fatal')
    .map((r) => `${r.code}: ${r.message}`)
    .join('\n');
}

/** {@link fatalOf} of a whole stdout of JSON lines. */
export function fatalIn(stdout: string): string {
  const lines = stdout.split('\n').filter((line) => line.startsWith('{'));
  return fatalOf(lines.map((line) => JSON.parse(line) as HiveRecord));
}

export const isEvent =
  (type: string, fields: Record<string, unknown> = {}) =>
  (r: HiveRecord): boolean =>
    r.kind === 'event' && r.type === type && Object.entries(fields).every(([k, v]) => r[k] === v);

/** A port free right now on 127.0.0.1 (for the few tests that need a fixed one; see test/ports.ts). */
export const freePort = (): Promise<number> => freePortOn('127.0.0.1');

/** `hive run <script> -i 2 --sticky header:x-client` on a free port, returned once both processes are online. */
export async function startStickyByHeader(script: string): Promise<{ hive: Hive; port: number }> {
  const port = await freePort();
  const hive = startHive([script, '-i', '2', '--port', String(port), '--sticky', 'header:x-client']);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
  return { hive, port };
}

/** A reply of the fixture app. */
export interface AppReply {
  pid: number;
  instance: string;
  /** PM2's pm_id, null when unset. */
  pmId: string | null;
  size: string;
  version: string;
  args: string[];
  extra: string | undefined;
  greeting: string | null;
  farewell: string | null;
}

/** GETs a path of the app (on a connection of its own, closed after, unless a dispatcher is given). */
export async function get(port: number, path = '/', dispatcher?: Agent): Promise<AppReply> {
  const { statusCode, body } = await request(
    `http://127.0.0.1:${port}${path}`,
    dispatcher ? { dispatcher } : { reset: true },
  );
  const text = await body.text();
  if (statusCode !== 200) throw new Error(`HTTP ${statusCode}: ${text}`);
  return JSON.parse(text) as AppReply;
}

/**
 * A reply from each of `count` instances of the app on `port`, by instance: GETs until that many have answered (the
 * cluster deals each request to one of them). A request that fails (a process not listening yet) is tried again.
 */
export async function repliesByInstance(port: number, count: number): Promise<Map<string, AppReply>> {
  const replies = new Map<string, AppReply>();
  await until(
    async () => {
      const reply = await get(port).catch(() => undefined);
      if (reply) replies.set(reply.instance, reply);
      return replies.size === count;
    },
    `${count} instances answering`,
    30_000,
  );
  return replies;
}

/** Runs `hive <args>` to its end (bounded by `timeoutMs`). */
export function runHive(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [hiveBin, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  return outputOf(child, timeoutMs).finally(() => running.delete(child));
}

/** Collects a child's whole stdout and stderr and its exit code; SIGKILLs it after `timeoutMs`. */
export function outputOf(
  child: ChildProcessByStdio<null, Readable, Readable>,
  timeoutMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temp directory for a test file, removed when the file ends once its Hives are killed. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(async () => {
    await killAll();
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** An app written for one test file: `source` saved as `name` in a {@link tempDir}. */
export function tempApp(prefix: string, source: string, name = 'app.mjs'): { dir: string; app: string } {
  const dir = tempDir(prefix);
  const app = join(dir, name);
  writeFileSync(app, source);
  return { dir, app };
}

/**
 * For a test file whose apps accept on Unix sockets: `dir`, a temp directory for the sockets, removed when the file
 * ends once its Hives are killed; and `viaSocket`, an undici dispatcher that reaches the app on a socket (the URL's host
 * and port are then ignored), closed after the test that made it since it keeps its connections open otherwise.
 */
export function unixSocketSetup(prefix: string): {
  dir: string;
  viaSocket(socketPath: string, options?: Agent.Options): Agent;
} {
  const dir = tempDir(prefix);
  const agents: Agent[] = [];
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((agent) => agent.close()));
  });
  return {
    dir,
    viaSocket(socketPath, options = {}) {
      const agent = new Agent({ ...options, connect: { socketPath } });
      agents.push(agent);
      return agent;
    },
  };
}

/**
 * True while `pid` is a live process. A zombie counts as gone: it has exited, and a worker whose primary was killed is
 * reparented to an init that may never reap it (this machine's and CI's do not), so kill(pid, 0) alone would call it alive.
 */
export { isAlive as alive };

/**
 * Blocks the event loop of a blocked-loop.mjs worker (SIGUSR2) until {@link unblockLoop}; the process is SIGKILLed by
 * `killAll()` if a test leaves it blocked (its loop would never see its primary go).
 */
export function blockLoop(pid: number): void {
  blocked.add(pid);
  process.kill(pid, 'SIGUSR2');
}

/** Ends a {@link blockLoop} block: the worker polls for this file, and removes it. */
export function unblockLoop(pid: number): void {
  blocked.delete(pid);
  writeFileSync(join(tmpdir(), `hive-unblock-${pid}`), '');
}

/** Polls until `check` holds; fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  await poll(check, what, { timeoutMs });
}

/**
 * Keep-alive load: `concurrency` loops of GETs over one undici Agent until stopped; counts replies and failures,
 * and remembers the versions seen in order.
 */
export function startLoad(port: number, concurrency = 8, path = '/', agentOptions: Agent.Options = {}) {
  // Bounded well under the test's own timeout: a connection nobody serves shows as a failure that says so, not as a hang.
  const agent = new Agent({
    connections: concurrency,
    keepAliveTimeout: 30_000,
    pipelining: 1,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
    ...agentOptions,
  });
  const stats = { ok: 0, failed: 0, errors: [] as string[], last: undefined as AppReply | undefined };
  let running = true;
  const loops = Array.from({ length: concurrency }, async () => {
    while (running) {
      try {
        stats.last = await get(port, path, agent);
        stats.ok += 1;
      } catch (error) {
        stats.failed += 1;
        if (stats.errors.length < 10) stats.errors.push(String((error as Error).message ?? error));
        // A failure could repeat in a tight loop; slow the loop a little so the run stays bounded.
        await delay(10);
      }
    }
  });
  return {
    stats,
    agent,
    async stop() {
      running = false;
      await Promise.all(loops);
      await agent.close();
      return stats;
    },
  };
}

/**
 * Rolls the app through `versions`: for each, writes it to `versionFile` (the fixture app serves what it read at start),
 * starts a rolling reload (`reload`: SIGHUP to `hive run`; the driver's `reload` command) and waits for it to finish,
 * then lets the load run a little on the new code.
 */
export async function reloadThrough(
  hive: Hive,
  versionFile: string,
  versions: string[],
  reload = () => hive.kill('SIGHUP'),
): Promise<void> {
  for (const version of versions) {
    writeFileSync(versionFile, version);
    const done = hive.records.filter(isEvent('reload', { phase: 'done' })).length;
    reload();
    await hive.waitFor(() => hive.records.filter(isEvent('reload', { phase: 'done' })).length > done, 'reload done');
    await delay(300);
  }
}

/**
 * A connection to 127.0.0.1:`port` left open for the test to write to piece by piece: `answer()` is what the server
 * sent so far, `closed` resolves with all of it once the connection closed (errors end it too).
 */
export function openConnection(port: number): { socket: Socket; answer: () => string; closed: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    answer += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(answer)));
  return { socket, answer: () => answer, closed };
}

/** Sends `text` as is on a new connection to 127.0.0.1:`port`; resolves with everything the server answered. */
export function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const { socket, closed } = openConnection(port);
    socket.on('error', reject);
    closed.then(resolve);
    socket.end(text);
  });
}

/**
 * A GET of `path` on 127.0.0.1:`port` from `localAddress` (a loopback address of its own: a client of its own to an
 * address-keyed balancer), on a connection of its own, with `headers`; resolves with the status, headers and body.
 */
export function getFrom(
  port: number,
  localAddress: string,
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, localAddress, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.once('error', reject);
    req.end();
  });
}

/**
 * The output (stdout and stderr) of a `hive run` started as `command args` (a wrapper: `sh -c`, `unshare`) up to its
 * worker 0's ready line, or its exit; it is then sent `signal` and waited for.
 */
export async function outputUntilReady(
  command: string,
  args: readonly string[],
  signal: NodeJS.Signals = 'SIGTERM',
): Promise<string> {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await new Promise<void>((resolve) => {
    const read = (chunk: Buffer) => {
      output += chunk;
      if (/worker 0 \(pid \d+\) ready/.test(output)) resolve();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then(() => resolve());
  });
  child.kill(signal);
  await exited;
  return output;
}
