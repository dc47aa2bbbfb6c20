import { closeSync, constants, existsSync, openSync, statfsSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { pidLockHolder } from '../cluster/pid-lock.js';
import { describeValue, HiveError, InvalidArgumentError } from '../errors.js';
import { DAEMON_REFUSED_EXIT, lastRefusal } from './daemon-refusal.js';
import { checkDaemonSettings } from './daemon-settings-env.js';
import { claimEndedDaemon } from './ended-daemon.js';
import {
  DaemonTimeoutError,
  DaemonUnreachableError,
  DaemonVersionError,
  type HiveBuild,
  HiveHomeUnsafeError,
  NEWER_DAEMON_ADVICE,
  UPDATE_ADVICE,
} from './errors.js';
import { checkHome, checkSocketOwner } from './home-safety.js';
import { checkSocketPathLength, ensureHome, type HivePaths, hivePaths } from './paths.js';
import type { ProgressFrame, Response } from './protocol.js';
import { protocolRevision } from './protocol-revision.js';
import { ANY_BUILD_COMMANDS, PROTOCOL_VERSION } from './protocol-version.js';
import { hiveVersion, isNewerVersion } from './version.js';

// fileURLToPath, not the URL's pathname: an install path with a space or a non-ASCII letter is %-encoded there.
const daemonEntry = fileURLToPath(new URL('./main.js', import.meta.url));
const START_TIMEOUT = 10_000;
// A daemon that fails on its own (see daemon.log) is not started again and again.
const MAX_SPAWNS = 3;

/**
 * The bound of requests the daemon answers from what it holds (its app table, a file write, the primaries' last
 * metrics; a snapshot gives each primary a second): a daemon that takes longer is hung or stopped (SIGSTOP), and the
 * command fails with {@link DaemonTimeoutError} rather than hang. Those that may legitimately wait longer (a save for a
 * resurrect, a flush for a log rotation's gzip) send a progress frame every second meanwhile, which restarts it.
 */
export const QUICK_REQUEST_TIMEOUT = 5_000;
const quickCommands = new Set(['ping', 'ls', 'describe', 'env', 'snapshot', 'save', 'flush']);

/**
 * The bound of `reloadLogs`, which answers once the moved files have every line written before: their ends wait for
 * the disk, which a gzip of a large rotated copy may keep busy for longer than {@link QUICK_REQUEST_TIMEOUT}, and
 * logrotate's `postrotate` would see a failure for a reload that did happen.
 */
export const RELOAD_LOGS_TIMEOUT = 60_000;

/**
 * The default bound of a request, in ms, or undefined for none: start, stop, restart, reload, delete, scale,
 * resurrect and kill legitimately wait for workers to start or drain, and the daemon bounds those by the apps' own
 * timeouts (kill timeout, ready timeout), so the client does not cut them off.
 */
export function requestTimeout(cmd: string): number | undefined {
  if (cmd === 'reloadLogs') return RELOAD_LOGS_TIMEOUT;
  return quickCommands.has(cmd) ? QUICK_REQUEST_TIMEOUT : undefined;
}

/** Options of {@link DaemonClient.request}. */
export interface RequestOptions {
  /** Hears the steps a long request reports before its reply (a reload's slots). */
  onProgress?: (progress: unknown) => void;
  /**
   * Milliseconds to wait for the reply, counted from the request or from the daemon's last progress frame for it; 0 or
   * Infinity waits for ever. Default {@link requestTimeout} of the command.
   */
  timeout?: number;
  /** Aborting it gives up the request: the connection is closed and the call rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Send the request as this build (the daemon's own, from its ping: `version` and `protocol`) instead of this CLI's:
   * for `hive update`'s `save` and `ls`, which a daemon of another build refuses otherwise. Only for requests that
   * take no arguments, whose shape every build shares; the reply is that build's, and may differ from this one's.
   */
  as?: HiveBuild;
}

/** An error the daemon replied with; `code` is the daemon's code. */
export class DaemonReplyError extends HiveError {}

/** A connection to this user's daemon. Kept out of the zod-validated side so that CLI start-up stays small. */
export class DaemonClient {
  readonly paths: HivePaths;
  /**
   * The pid of the daemon that had ended without stopping its apps (SIGKILL, the OOM killer, a reboot: see
   * ended-daemon.ts), found when this connection started the daemon it talks to; undefined otherwise.
   */
  readonly endedDaemon: number | undefined;
  #socket: Socket;
  #nextId = 1;
  #pending = new Map<number, (response: Response) => void>();
  #progress = new Map<number, (progress: unknown) => void>();

  private constructor(paths: HivePaths, socket: Socket, ended?: number) {
    this.paths = paths;
    this.endedDaemon = ended;
    this.#socket = socket;
    let buffer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const response = JSON.parse(buffer.slice(0, newline)) as Response | ProgressFrame;
        buffer = buffer.slice(newline + 1);
        if ('progress' in response) this.#progress.get(response.id)?.(response.progress);
        else if (response.id !== null) {
          this.#progress.delete(response.id);
          this.#pending.get(response.id)?.(response);
          this.#pending.delete(response.id);
        }
        newline = buffer.indexOf('\n');
      }
    });
    socket.on('close', () => {
      for (const resolve of this.#pending.values()) resolve(connectionClosed());
      this.#pending.clear();
      this.#progress.clear();
    });
  }

  /**
   * Connects to the daemon of `$HIVE_HOME`; with `start`, starts one (detached, logging to daemon.log) when none
   * runs. Resolves undefined when none runs and `start` is false. `env`: the environment a daemon started here gets
   * (this process's by default; `hive update` adds the replaced daemon's settings).
   */
  static async connect(options: {
    start: boolean;
    paths?: HivePaths;
    env?: NodeJS.ProcessEnv;
  }): Promise<DaemonClient | undefined> {
    const paths = options.paths ?? hivePaths();
    // Before the first byte goes out: requests carry the shell's env, and a socket another user put there is theirs.
    checkHome(paths);
    // Before the first connect too: libuv cuts a longer path short, and the socket it names is no daemon of this home.
    checkSocketPathLength(paths);
    const first = await tryConnect(paths.socket);
    if (first) return new DaemonClient(paths, first);
    if (!options.start) return undefined;
    // The daemon would refuse them and exit: said here, naming the variable, not as a daemon that did not start.
    const env = options.env ?? process.env;
    checkDaemonSettings(env);
    ensureHome(paths);
    // Taken before a daemon is started (the new one writes its own pid over it), and by one command only: of two run
    // at once, each starting a daemon, one says that the last one had ended.
    const ended = claimEndedDaemon(paths.pidFile);
    // Loaded only here: node:child_process is a good part of a warm `hive ls`'s start-up, and only a cold one needs it.
    const { spawn } = await import('node:child_process');
    let spawned = 0;
    let exited = false;
    let exitCode: number | null = null;
    let refused = false;
    // Why the last one never ran (EMFILE, EAGAIN, this Node's binary gone since it started): the daemon wrote nothing.
    let spawnError: string | undefined;
    const notSpawned = (error: Error) => {
      exited = true;
      exitCode = null;
      spawnError = error.message;
    };
    const startDaemon = () => {
      spawned++;
      exited = false;
      spawnError = undefined;
      const log = openDaemonLog(paths.daemonLog);
      try {
        const child = spawn(process.execPath, [daemonEntry], {
          detached: true,
          stdio: ['ignore', log, log],
          // Absolute: the daemon runs in its home, where a relative HIVE_HOME would name a home inside this one.
          env: { ...env, HIVE_HOME: paths.home },
          cwd: paths.home,
        });
        // Unheard, a failed spawn's 'error' ended the CLI with a stack: it is a daemon that exited at its start.
        child.once('error', notSpawned);
        child.once('exit', (code) => {
          exited = true;
          exitCode = code;
          refused = code === DAEMON_REFUSED_EXIT;
        });
        child.unref();
      } catch (error) {
        // Some spawn failures (ENOMEM, E2BIG) are thrown instead.
        notSpawned(error as Error);
      } finally {
        closeSync(log);
      }
    };
    // Other commands may be starting daemons at this moment too: the daemon lock lets one run and the others exit,
    // and every command connects to the one that runs.
    startDaemon();
    const deadline = Date.now() + START_TIMEOUT;
    while (Date.now() < deadline) {
      await delay(25);
      checkSocketOwner(paths.socket);
      const socket = await tryConnect(paths.socket);
      if (socket) return new DaemonClient(paths, socket, ended);
      // Ours refused to start (its metrics port is taken): its error, as it wrote it, is the command's.
      if (refused) {
        const refusal = lastRefusal(paths.daemonLog);
        if (refusal) throw new DaemonReplyError(refusal.code, refusal.message);
        throw new DaemonUnreachableError(`the daemon refused to start; see ${paths.daemonLog}`);
      }
      // Ours exited (it lost the lock to a daemon that was on its way out, or it failed) and none holds the lock now.
      if (exited && pidLockHolder(paths.lock) === undefined) {
        if (spawned < MAX_SPAWNS) startDaemon();
        // Each one crashed at its start: said now, with how, rather than after the whole wait as a daemon that is slow.
        // Not daemon.log: a daemon never spawned wrote nothing there.
        else if (spawnError !== undefined)
          throw new DaemonUnreachableError(`the daemon could not be spawned ${spawned} times: ${spawnError}`);
        else
          throw new DaemonUnreachableError(
            `the daemon exited at its start (code ${exitCode}) ${spawned} times; see ${paths.daemonLog}${fullDisk(paths.home)}`,
          );
      }
    }
    // A daemon that holds the lock all along but never answers on the socket: its socket file was removed (a cleanup
    // of the folder), and no other daemon may start while it runs.
    const holder = pidLockHolder(paths.lock);
    if (holder !== undefined && !existsSync(paths.socket)) {
      throw new DaemonUnreachableError(
        `daemon pid ${holder} holds the lock ${paths.lock} but its socket ${paths.socket} is gone (deleted?), so no command can reach it and no other daemon can start; \`hive kill --force\` ends it (its apps' primaries then stop), and the next command starts a new one`,
      );
    }
    throw new DaemonUnreachableError(`the daemon did not start within ${START_TIMEOUT} ms; see ${paths.daemonLog}`);
  }

  /**
   * Sends one request and resolves with the daemon's result; rejects with DaemonReplyError on an error reply
   * ({@link DaemonVersionError} when a daemon of another protocol revision found the request malformed), with
   * {@link DaemonTimeoutError} (`ERR_HIVE_DAEMON_TIMEOUT`) when no reply comes within the timeout, and with the
   * signal's reason when `signal` aborts. Either of the last two closes the connection (a late reply has nowhere to
   * go, and an open socket per abandoned request would pile up), so other requests on it end as unreachable.
   * A closed connection (the daemon gone) ends the requests in flight as `ERR_HIVE_DAEMON_UNREACHABLE`, and any sent
   * on it afterwards at once.
   * The third argument may be the `onProgress` callback alone.
   */
  async request<T = unknown>(
    cmd: string,
    fields: Record<string, unknown> = {},
    options: RequestOptions | ((progress: unknown) => void) = {},
  ): Promise<T> {
    const {
      onProgress,
      timeout = requestTimeout(cmd),
      signal,
      as,
    } = typeof options === 'function' ? { onProgress: options } : options;
    if (timeout !== undefined && !(typeof timeout === 'number' && timeout >= 0)) {
      throw new InvalidArgumentError(
        `Expected the \`timeout\` option to be a non-negative number, got ${describeValue(timeout)}`,
      );
    }
    signal?.throwIfAborted();
    const id = this.#nextId++;
    const response = await new Promise<Response>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(id);
        this.#progress.delete(id);
      };
      const giveUp = (error: unknown) => {
        settle();
        reject(error);
        this.#socket.destroy();
      };
      const onAbort = () => giveUp(signal?.reason);
      // Closed already (the daemon killed or gone since the last reply): the 'close' that answers the requests in flight
      // has run, and nothing would ever answer this one; a request with no timeout (start) would wait for ever, and
      // node, out of work, exit 0 with the command unfinished.
      if (this.closed) {
        resolve(connectionClosed());
        return;
      }
      this.#pending.set(id, (reply) => {
        settle();
        resolve(reply);
      });
      const bounded = Boolean(timeout && Number.isFinite(timeout));
      const arm = () => {
        clearTimeout(timer);
        // setTimeout fires at once past 2^31-1 ms: such a bound is for ever anyway.
        const delay = Math.min(timeout!, 0x7fffffff);
        timer = setTimeout(() => giveUp(new DaemonTimeoutError(cmd, this.paths.socket, timeout!)), delay);
      };
      // The bound counts from the daemon's last word: a progress frame says it is at work on this request, not hung
      // (a save that waits for a resurrect under way says so every second; see AppTable#save).
      if (onProgress || bounded) {
        this.#progress.set(id, (progress) => {
          if (bounded) arm();
          onProgress?.(progress);
        });
      }
      if (bounded) arm();
      signal?.addEventListener('abort', onAbort, { once: true });
      // `ping` and `kill` go without `rev`: a daemon from before revisions refuses a key it does not know, and these
      // two must reach any daemon.
      // A build from before revisions (no `rev` of its own) refuses the key, as it does for ping and kill.
      const header = as
        ? { hive: as.hive, ...(as.rev === undefined ? {} : { rev: as.rev }) }
        : { hive: hiveVersion, ...(ANY_BUILD_COMMANDS.has(cmd) ? {} : { rev: protocolRevision }) };
      this.#socket.write(`${JSON.stringify({ v: PROTOCOL_VERSION, ...header, id, cmd, ...fields })}\n`);
    });
    if (!response.ok) {
      // A daemon of another revision that found the request malformed (one from before revisions does not compare
      // them; it refuses `rev` itself as an unknown key): it is another build, and the way out is to replace it.
      if (response.error.code === 'ERR_HIVE_DAEMON_PROTOCOL' && response.rev !== protocolRevision) {
        throw new DaemonVersionError(
          { hive: response.hive, rev: response.rev },
          { hive: hiveVersion, rev: protocolRevision },
          isNewerVersion(response.hive, hiveVersion) ? NEWER_DAEMON_ADVICE : UPDATE_ADVICE,
        );
      }
      // The daemon's own words advise what its build's CLI could do; this CLI says what it can (`hive update`).
      if (response.error.code === 'ERR_HIVE_DAEMON_VERSION') {
        throw new DaemonVersionError(
          { hive: response.hive, rev: response.rev },
          { hive: hiveVersion, rev: protocolRevision },
          isNewerVersion(response.hive, hiveVersion) ? NEWER_DAEMON_ADVICE : UPDATE_ADVICE,
        );
      }
      throw new DaemonReplyError(response.error.code, response.error.message);
    }
    return response.result as T;
  }

  /** Whether the connection is gone (closed here, or by the daemon). */
  get closed(): boolean {
    return this.#socket.destroyed || !this.#socket.writable;
  }

  close(): void {
    this.#socket.end();
  }
}

/** The reply of a request the connection's close leaves unanswered (or that is sent after it). */
function connectionClosed(): Response {
  return {
    v: PROTOCOL_VERSION,
    hive: '',
    id: null,
    ok: false,
    error: { code: 'ERR_HIVE_DAEMON_UNREACHABLE', message: 'the daemon closed the connection' },
  };
}

/**
 * daemon.log for appending, never through a symlink planted in its place (the daemon would write wherever it points).
 */
function openDaemonLog(file: string): number {
  try {
    return openSync(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') throw error;
    throw new HiveHomeUnsafeError(file, 'is a symbolic link', 'remove it; Hive writes daemon.log itself');
  }
}

function tryConnect(path: string): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(path);
    socket.once('connect', () => {
      socket.removeAllListeners('error');
      socket.on('error', () => {});
      resolve(socket);
    });
    socket.once('error', () => resolve(undefined));
  });
}

// A daemon that cannot write its pid file on a full disk cannot write why to daemon.log either: said here.
function fullDisk(home: string): string {
  try {
    return statfsSync(home).bavail === 0 ? ` (empty: the disk of ${home} is full)` : '';
  } catch {
    return '';
  }
}
