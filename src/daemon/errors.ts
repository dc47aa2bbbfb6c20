import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { HiveError } from '../errors.js';
import { MAX_UNIX_SOCKET_PATH_BYTES } from '../unix-socket-path.js';

/** A control message was malformed, oversized, of another protocol version or unknown. */
export class ProtocolError extends HiveError {
  constructor(message: string) {
    super('ERR_HIVE_DAEMON_PROTOCOL', message);
  }
}

/** A Hive version and protocol revision (protocol-revision.ts); no `rev`: a build from before revisions. */
export interface HiveBuild {
  hive: string;
  rev?: string | undefined;
}

/**
 * Advice any CLI can follow, for the daemon's reply: the CLI that reads it may be of a Hive without `hive update`.
 * A CLI words its own advice (see UPDATE_ADVICE and client.ts).
 */
export const RESTART_ADVICE =
  "stop the daemon (its apps can be saved first and resurrected after) and start it with this CLI's version of Hive";

/** This build's CLI's advice: it has `hive update`. */
export const UPDATE_ADVICE =
  "run `hive update` to switch (it saves the apps, replaces the daemon with the CLI's build and resurrects them)";

/** This CLI's advice when the daemon is of a newer Hive: `hive update` would downgrade it. */
export const NEWER_DAEMON_ADVICE =
  'the daemon is newer: use the newer Hive CLI (check which `hive` PATH finds, or the version npx runs), not `hive update`, which would downgrade it';

/** The CLI and the daemon are different Hive versions, or different builds of one whose protocols differ. */
export class DaemonVersionError extends HiveError {
  constructor(daemon: HiveBuild, cli: HiveBuild, advice: string = RESTART_ADVICE) {
    const rev = (build: HiveBuild) => build.rev ?? 'of a build without revisions';
    const which =
      daemon.hive === cli.hive
        ? `the daemon runs another build of Hive ${daemon.hive}, whose control protocol differs (revision ${rev(daemon)}; this CLI's is ${rev(cli)})`
        : `the daemon runs Hive ${daemon.hive} but this CLI is Hive ${cli.hive}`;
    super('ERR_HIVE_DAEMON_VERSION', `${which}; ${advice}`);
  }
}

/** The daemon could not be reached or started. */
export class DaemonUnreachableError extends HiveError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_HIVE_DAEMON_UNREACHABLE', message, options);
  }
}

/**
 * `$HIVE_HOME/daemon.sock` is a directory: the daemon cannot listen there, and Hive removes a stale socket, file or
 * symlink in its place but never a directory (it may hold someone's files). Raised by the CLI before it starts a
 * daemon, and by the daemon itself, which then refuses to start (the starting command reports it).
 */
export class DaemonSocketPathError extends HiveError {
  readonly path: string;

  constructor(
    path: string,
    message = `${path} is a directory, where the daemon's socket goes; Hive does not remove a directory: move it away or remove it (rmdir), then run the command again`,
  ) {
    super('ERR_HIVE_DAEMON_SOCKET_PATH', message);
    this.path = path;
  }

  /**
   * `$HIVE_HOME/daemon.sock` is longer than a Unix socket path may be: a daemon started there crashed on `listen
   * EINVAL` (or listened at a path libuv cut short), three times, before the command said it could not start.
   */
  static tooLong(path: string, bytes: number): DaemonSocketPathError {
    const room = MAX_UNIX_SOCKET_PATH_BYTES - (bytes - Buffer.byteLength(dirname(path)));
    return new DaemonSocketPathError(
      path,
      `the daemon's socket ${path} would be ${bytes} bytes long, over the ${MAX_UNIX_SOCKET_PATH_BYTES} bytes a Unix socket path may have; point HIVE_HOME at a path of at most ${room} bytes`,
    );
  }
}

/**
 * The daemon accepted a request but did not answer within its bound (a hung or stopped daemon); the connection is
 * closed.
 */
export class DaemonTimeoutError extends HiveError {
  readonly socket: string;
  readonly timeout: number;

  constructor(cmd: string, socket: string, timeout: number) {
    super(
      'ERR_HIVE_DAEMON_TIMEOUT',
      `the daemon on ${socket} did not answer \`${cmd}\` within ${timeout} ms; it may be hung or stopped (see daemon.log next to the socket; \`hive kill --force\` ends it)`,
    );
    this.socket = socket;
    this.timeout = timeout;
  }
}

/** No app has this name or id. */
export class AppNotFoundError extends HiveError {
  /** `reason` replaces the pointer to `hive ls` (`all` given to a command that takes one app). */
  constructor(target: string, reason = 'see `hive ls`') {
    super('ERR_HIVE_APP_NOT_FOUND', `no app named or numbered ${JSON.stringify(target)}; ${reason}`);
  }
}

/**
 * None of a config file's apps is one the daemon has (`hive stop <config>` of apps never started, or deleted): the
 * code of an unknown app, for scripts, naming the file and each name looked for, not the first name alone.
 */
export class ConfigAppsNotFoundError extends HiveError {
  constructor(file: string, names: string[]) {
    super(
      'ERR_HIVE_APP_NOT_FOUND',
      `no app of ${file} is there (${names.map((name) => JSON.stringify(name)).join(', ') || 'it names none'}); see \`hive ls\``,
    );
  }
}

/** An app of this name is already running. */
export class AppExistsError extends HiveError {
  constructor(name: string) {
    super(
      'ERR_HIVE_APP_EXISTS',
      `app ${JSON.stringify(name)} is already running; use \`hive restart ${name}\`, \`hive reload ${name}\` or another --name`,
    );
  }
}

/** An app's primary failed to start, or a reload/scale it was asked for failed. */
export class AppOperationError extends HiveError {
  constructor(name: string, message: string) {
    super('ERR_HIVE_APP_OPERATION', `app ${JSON.stringify(name)}: ${message}`);
  }

  /** What an operation on app `name` gets once the daemon's end has begun (`hive kill`, SIGTERM). */
  static shuttingDown(name: string): AppOperationError {
    return new AppOperationError(name, 'not done: the daemon is shutting down');
  }
}

/**
 * Several apps of one command (`all`, a namespace) failed: each named with its own code and message, one per line.
 * The code is theirs when they share one (a script testing for ERR_HIVE_RELOAD_ABORTED sees it however many aborted),
 * else ERR_HIVE_APP_OPERATION.
 */
export class AppsFailedError extends HiveError {
  constructor(failures: { name: string; error: unknown }[], done: { count: number; verb: string }) {
    const codes = new Set(failures.map(({ error }) => codeOf(error)));
    const lines = failures.map(({ name, error }) => {
      const message = error instanceof Error ? error.message : String(error);
      const named = message.startsWith(`app ${JSON.stringify(name)}`)
        ? message
        : `app ${JSON.stringify(name)}: ${message}`;
      return `  ${codeOf(error)}: ${named}`;
    });
    const others = done.count === 0 ? '' : ` (the ${done.count} other${done.count === 1 ? '' : 's'} ${done.verb})`;
    super(
      codes.size === 1 ? [...codes][0]! : 'ERR_HIVE_APP_OPERATION',
      `${failures.length} of ${failures.length + done.count} apps failed${others}:\n${lines.join('\n')}`,
    );
  }
}

function codeOf(error: unknown): string {
  return error instanceof HiveError ? error.code : 'ERR_HIVE_DAEMON_INTERNAL';
}

/** An app's rolling reload stopped at a replacement that did not become ready; its old processes keep serving. */
export class AppReloadAbortedError extends HiveError {
  constructor(name: string, message: string) {
    super('ERR_HIVE_RELOAD_ABORTED', `app ${JSON.stringify(name)}: reload failed: ${message}`);
  }
}

/** No daemon runs for this HIVE_HOME (a reader such as the live views does not start one). */
export class DaemonNotRunningError extends HiveError {
  /** `advice`: the way out the message ends with, when it is not to start an app. */
  constructor(home: string, advice = 'start an app with `hive start`') {
    super('ERR_HIVE_DAEMON_NOT_RUNNING', `no daemon runs for HIVE_HOME ${home}; ${advice}`);
  }
}

/** `$HIVE_HOME/dump.json` cannot be read back by `hive resurrect`: not JSON, or an app in it is not a valid spec. */
export class DumpInvalidError extends HiveError {
  readonly file: string;
  /** What is wrong with the file (the JSON error, the key), without the file's name or the way out. */
  readonly reason: string;

  /** `advice`: the way out the message ends with, when it is not to save again or fix the file. */
  constructor(file: string, reason: string, options?: { cause?: unknown; advice?: string }) {
    const advice = options?.advice ?? DUMP_INVALID_ADVICE;
    super('ERR_HIVE_DUMP_INVALID', `${file} is not a dump \`hive resurrect\` can read: ${reason}; ${advice}`, {
      cause: options?.cause,
    });
    this.file = file;
    this.reason = reason;
  }
}

/** The way out a DumpInvalidError ends with by default. */
// Not a plain `hive save`: at boot, with no app running, a save keeps the dump as it is (see cli/commands/save.ts).
export const DUMP_INVALID_ADVICE =
  'fix it, or run `hive save` with the apps running to write it again (`hive start` them first: a save with no app running keeps the file)';

/**
 * `hive save` could not write the dump (`$HIVE_HOME/dump.json`, or the file its symlink names): a directory in its
 * place, a folder that is not there, no permission, a full or read-only disk. The dump there before is unchanged (it is
 * replaced by a rename, see AppTable#save). The message names the file, what is wrong and what to do.
 */
export class DumpWriteError extends HiveError {
  readonly file: string;
  /** The file written: `file`, or the target of the symlink `file` is. */
  readonly target: string;

  /**
   * `command`: the one to run again once it is fixed (`save`, or `update`, whose save would fail alike); `state`: what
   * else is as it was, said after the dump.
   */
  constructor(
    file: string,
    target: string,
    cause: NodeJS.ErrnoException,
    { command = 'save', state }: { command?: string; state?: string } = {},
  ) {
    const [reason, fix] = dumpWriteFailure(target, cause);
    const which = target === file ? file : `${file} (a symlink to ${target})`;
    super(
      'ERR_HIVE_DUMP_WRITE',
      `cannot write the dump ${which}: ${reason}; ${fix}, then run \`hive ${command}\` again (the dump there before, if any, is unchanged${state === undefined ? '' : `; ${state}`})`,
      { cause },
    );
    this.file = file;
    this.target = target;
  }
}

/**
 * A command could not read the dump it must read before it changes anything (`hive update` keeps a copy of it, to put
 * back should this build be unable to resurrect its save; `hive resurrect` starts its apps; `hive startup` sizes the
 * unit's stop bound for them): no permission (a file of mode 000, or another user's), or
 * another system error. `state`: what is as it was (the dump, the daemon), said after the way out.
 */
export class DumpReadError extends HiveError {
  readonly file: string;

  /**
   * `error`, thrown by a read of the dump at `file`, as the reader should throw it: a system error (it has an errno
   * code) as DumpReadError, anything else (a bug) as it is. The one way every reader of the dump (`hive update`,
   * `hive resurrect` in the daemon, `hive startup`) says it, rather than in Node's words with no code.
   */
  static of(file: string, error: unknown, how: { command: string; state?: string }): unknown {
    if (typeof (error as NodeJS.ErrnoException | undefined)?.code !== 'string') return error;
    return new DumpReadError(file, error as NodeJS.ErrnoException, how);
  }

  constructor(file: string, cause: NodeJS.ErrnoException, { command, state }: { command: string; state?: string }) {
    const [reason, fix] =
      cause.code === 'EACCES' || cause.code === 'EPERM'
        ? [`permission denied (${cause.code})`, 'let your user read it']
        : [cause.message, 'fix that'];
    super(
      'ERR_HIVE_DUMP_READ',
      `cannot read the dump ${file}: ${reason}; ${fix}, then run \`hive ${command}\` again${state === undefined ? '' : ` (${state})`}`,
      { cause },
    );
    this.file = file;
  }
}

// What is wrong, and the way out, for the errors a write of the dump meets; worded for the dump's path, not for the
// temporary file the message of the system's error would name.
function dumpWriteFailure(target: string, error: NodeJS.ErrnoException): [reason: string, fix: string] {
  const folder = dirname(target);
  switch (error.code) {
    case 'EISDIR':
      return [`${target} is a directory (EISDIR)`, 'move that directory away or remove it (rmdir)'];
    case 'ENOENT':
      return [`its folder ${folder} does not exist (ENOENT)`, 'create it (or mount the volume it is on)'];
    case 'ENOTDIR':
      return [`${folder} is not a folder (ENOTDIR)`, 'make it one, or point the dump elsewhere'];
    case 'EACCES':
    case 'EPERM':
      return [`permission denied in ${folder} (${error.code})`, 'let your user write there'];
    case 'ENOSPC':
    case 'EDQUOT':
      return [`no space left for it (${error.code})`, 'free some space'];
    case 'EROFS':
      return [`${folder} is on a read-only file system (EROFS)`, 'remount it read-write, or point the dump elsewhere'];
    default:
      return [error.message, 'fix that'];
  }
}

/** A `HIVE_DAEMON_METRICS_*` variable has a value the daemon cannot use; the message names the variable. */
export class DaemonMetricsSettingError extends HiveError {
  constructor(message: string) {
    super('ERR_HIVE_DAEMON_METRICS', message);
  }
}

/**
 * An app's primary did not answer a reload or scale within the bound the app's timeouts give it (frozen by SIGSTOP, its
 * event loop blocked): the command fails rather than wait for ever, and the app's commands queued behind it run.
 */
export class PrimaryUnresponsiveError extends HiveError {
  readonly app: string;
  readonly pid: number | undefined;
  readonly timeout: number;

  constructor(app: string, pid: number | undefined, command: string, timeout: number) {
    super(
      'ERR_HIVE_PRIMARY_UNRESPONSIVE',
      `app ${JSON.stringify(app)}: its primary (pid ${pid}) does not answer: no answer to \`${command}\` within ${timeout} ms ((slots + 1) × (its listen timeout + kill timeout), plus 10 s); \`hive restart ${app}\` or \`hive stop ${app}\` kills it when it still does not answer after its kill timeout (at least 10 s)`,
    );
    this.app = app;
    this.pid = pid;
    this.timeout = timeout;
  }
}

/**
 * HIVE_HOME, a folder in it or its `daemon.sock` is another user's, writable by others, or a file Hive writes there
 * is a symlink: whoever controls it could pose as the daemon (and read the env each command sends) or have Hive write
 * through a planted link. Refused, as tmux and ssh-agent refuse such a socket folder.
 */
export class HiveHomeUnsafeError extends HiveError {
  readonly path: string;

  constructor(path: string, problem: string, advice: string) {
    super('ERR_HIVE_HOME_UNSAFE', `${path} ${problem}; ${advice}`);
    this.path = path;
  }
}

/**
 * HIVE_HOME (or its logs folder, or the folder it would be made in) cannot be written: a read-only file system (a
 * volume remounted read-only after an error, a container's read-only root), or no permission. The daemon could write
 * neither its pid file nor its log; said naming the home, rather than as the system error of whichever write came
 * first (`chmod` of a home already 0700, or the `ENOENT` Node's recursive mkdir reports on a read-only disk).
 */
export class HiveHomeNotWritableError extends HiveError {
  readonly home: string;
  /** The folder that cannot be written: the home, its logs folder, or the existing folder it would be made in. */
  readonly folder: string;

  constructor(home: string, folder: string, where: string, cause: NodeJS.ErrnoException) {
    const [reason, fix] =
      cause.code === 'EROFS'
        ? ['is on a read-only file system (EROFS)', 'remount it read-write']
        : [`is not writable by this user (permission denied: ${cause.code})`, `let your user write ${folder}`];
    super(
      'ERR_HIVE_HOME_NOT_WRITABLE',
      `HIVE_HOME ${home} cannot be written: ${where} ${reason}; ${fix}, or point HIVE_HOME at a folder you can write`,
      { cause },
    );
    this.home = home;
    this.folder = folder;
  }
}

/**
 * A watched path (`--watch`) cannot be watched: the system's limit of inotify watches is reached (ENOSPC, every watch
 * of this user counted, other programs' too). Not a daemon bug: the message names the path, the limit and the fix.
 */
export class WatchLimitError extends HiveError {
  readonly path: string;

  constructor(path: string, cause: NodeJS.ErrnoException) {
    super('ERR_HIVE_WATCH_LIMIT', `cannot watch ${path}: ${watchLimitMessage()}`, { cause });
    this.path = path;
  }
}

/**
 * Why a watch failed with ENOSPC and what to do, the limit read once: `the system's limit of inotify watches (...) is
 * reached (ENOSPC); <consequence; >raise it (...) or leave folders out with --ignore-watch`.
 */
export function watchLimitMessage(consequence?: string): string {
  const limit = inotifyWatchLimit();
  const setting = limit === undefined ? 'fs.inotify.max_user_watches' : `fs.inotify.max_user_watches=${limit}`;
  // 524288: the value most guides give (and recent systemd sets); twice the current one when that is already more.
  const suggested = limit !== undefined && limit >= 524_288 ? limit * 2 : 524_288;
  return [
    `the system's limit of inotify watches (${setting}) is reached (ENOSPC)`,
    ...(consequence === undefined ? [] : [consequence]),
    `raise it (sudo sysctl fs.inotify.max_user_watches=${suggested}, and in /etc/sysctl.d/ to keep it) or leave folders out with --ignore-watch`,
  ].join('; ');
}

function inotifyWatchLimit(): number | undefined {
  try {
    const limit = Number(readFileSync('/proc/sys/fs/inotify/max_user_watches', 'utf8').trim());
    return Number.isSafeInteger(limit) ? limit : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `hive update`: an app of the running daemon has arguments this build's `hive run` refuses (a rule made stricter
 * since that daemon's build started it). Found before anything is stopped: its primary would fail at every start here.
 */
export class SavedAppRefusedError extends HiveError {
  constructor(app: string, reason: string, state: string) {
    super(
      'ERR_HIVE_UPDATE_APP_REFUSED',
      `app ${JSON.stringify(app)}: ${reason}; this build's \`hive run\` refuses it, so it would not start after the ` +
        `update: ${state}; with the daemon's own Hive (this CLI's commands are refused by it), \`hive delete ${app}\`, ` +
        `then run \`hive update\` and start ${app} again with arguments this build takes`,
    );
  }
}
