import { crashHint } from '../crash-hints.js';
import { crashHeadline, summarizeCrash } from '../crash-summary.js';
import { HiveError } from '../errors.js';
import { needsNode } from '../needs-node.js';

/** The script to run does not exist, or is a directory rather than a file. */
export class ScriptNotFoundError extends HiveError {
  /** The resolved path that was looked at. */
  readonly script: string;
  /** True when the path exists but is a directory. */
  readonly isDirectory: boolean;
  constructor(script: string, isDirectory = false) {
    super(
      'ERR_HIVE_SCRIPT_NOT_FOUND',
      isDirectory
        ? `The script ${script} is a directory, not a file; give the file to run`
        : `The script ${script} does not exist`,
    );
    this.script = script;
    this.isDirectory = isDirectory;
  }
}

/** The app's port is taken by another process (or needs privileges the app lacks). */
export class PortInUseError extends HiveError {
  constructor(port: number | null, detail: string) {
    super(
      'ERR_HIVE_PORT_IN_USE',
      port === null
        ? `The app's address is already in use or not allowed (${detail}); stop the other process (or, for a Unix socket, remove the file a process that died left) or pick another address`
        : `Port ${port} is already in use or not allowed (${detail}); stop the other process or pick another port`,
    );
  }
}

/** A worker did not become ready: it exited first, or neither listened nor called ready() within listenTimeout. */
export class WorkerNotReadyError extends HiveError {
  readonly instance: number;
  readonly stderrTail: string[];
  /** Why, on one line (the message's, after `did not become ready: `, without the stderr tail). */
  readonly reason: string;
  constructor(instance: number, reason: string, stderrTail: string[] = []) {
    const tail = stderrTail.length > 0 ? `; its last stderr lines:\n  ${stderrTail.join('\n  ')}` : '';
    // The error itself on the first line, which one-line readers show (`hive ls`'s last error): the tail's last lines
    // are a crash report's stack and footer.
    const crash = summarizeCrash(stderrTail.join('\n'));
    // With its cause's, when it has one (`database pool could not start` alone does not say the database is down), then
    // what to do, when its cause is a known one (crash-hints.ts).
    const hint = crash && crashHint(crash);
    const why = `${reason}${crash ? `: ${crashHeadline(crash)}` : ''}${hint ?? ''}`;
    super('ERR_HIVE_WORKER_NOT_READY', `Worker ${instance} did not become ready: ${why}${tail}`);
    this.instance = instance;
    this.stderrTail = stderrTail;
    this.reason = why;
  }
}

/** A rolling reload stopped because a replacement did not become ready; the old workers keep serving. */
export class ReloadAbortedError extends HiveError {
  constructor(instance: number, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super('ERR_HIVE_RELOAD_ABORTED', `Reload aborted at worker ${instance}, old workers keep serving: ${detail}`, {
      cause,
    });
  }
}

/** `--balance reuseport` on a Node.js without `reusePort` in `net.Server#listen` (added in 22.12 and 23.1). */
export class BalanceUnsupportedError extends HiveError {
  constructor(mode: string, nodeVersion: string) {
    super(
      'ERR_HIVE_BALANCE_UNSUPPORTED',
      `--balance ${mode} ${needsNode('22.12', nodeVersion)}; use --balance rr or --balance os`,
    );
  }
}

/** An operation on a supervisor that is stopping or stopped (or a second supervisor in one process). */
export class SupervisorStoppedError extends HiveError {
  constructor(action: string, reason = 'the supervisor is stopping or stopped', options?: { cause?: unknown }) {
    super('ERR_HIVE_SUPERVISOR_STOPPED', `Cannot ${action}: ${reason}`, options);
  }
}

/** `start()` called again on a supervisor that has started (a Supervisor starts once). */
export class SupervisorStartedError extends HiveError {
  constructor() {
    super(
      'ERR_HIVE_SUPERVISOR_STARTED',
      'Cannot start: this Supervisor is already started (a Supervisor starts once; await the first start())',
    );
  }
}

/**
 * `scale()` or `reload()` called before `start()`: there is no app yet, and node:cluster would fork the caller's own
 * script.
 */
export class SupervisorNotStartedError extends HiveError {
  constructor(action: string) {
    super(
      'ERR_HIVE_SUPERVISOR_NOT_STARTED',
      `Cannot ${action}: this Supervisor is not started; call start() first (a ${action} asked for during start() waits for it)`,
    );
  }
}

/** `socket`: another process serves on that Unix socket, or binding it failed as in use. */
export class SocketInUseError extends HiveError {
  constructor(path: string, detail: string) {
    super(
      'ERR_HIVE_SOCKET_IN_USE',
      `The socket ${path} is in use (${detail}); stop the process serving on it or pick another --socket path`,
    );
  }
}

/** `socket`: a path the app cannot listen on (too long, its folder missing, a file that is not a socket...). */
export class SocketPathError extends HiveError {
  constructor(path: string, detail: string) {
    super('ERR_HIVE_SOCKET_PATH', `Cannot listen on the socket ${path}: ${detail}`);
  }
}

/**
 * `socket`: the server on the app's `PORT` is not an HTTP one (a TCP server of node:net, a TLS one of node:tls): the
 * socket is for nginx's HTTP proxy, and its connections go to an HTTP, HTTPS or HTTP/2 server only.
 */
export class SocketServerError extends HiveError {
  constructor(path: string, detail: string) {
    super('ERR_HIVE_SOCKET_SERVER', `Cannot serve the socket ${path}: ${detail}`);
  }
}

/**
 * Every slot of a foreground `hive run` crash-looped into `errored`: nothing serves and nothing will be restarted, so
 * the primary exits (code 1) for its supervisor (Docker, Kubernetes, systemd) to restart it. `--no-exit-on-error` keeps
 * it up instead.
 */
export class AppErroredError extends HiveError {
  readonly instances: number[];
  constructor(instances: number[]) {
    super(
      'ERR_HIVE_APP_ERRORED',
      `Every process of the app is errored (crash-looped: worker ${instances.join(', ')}) and none will be restarted; exiting (--no-exit-on-error keeps the primary up)`,
    );
    this.instances = instances;
  }
}
