import cluster, { type Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { StderrTail } from '../crash-summary.js';
import {
  decodeWorkerMessage,
  type HttpReport,
  isHiveInternal,
  type PrimaryMessage,
  type ServerKind,
  SOCKET_SERVER_CODE,
  toWire,
  type WorkerMessage,
} from '../runtime/protocol.js';
import type { AppPort } from './app-port.js';
import { outputEnded } from './child-close.js';
import { closeUnansweredHandoffs } from './connection-handoff.js';
import { PortInUseError, SocketInUseError, SocketPathError, SocketServerError } from './errors.js';
import { PARTIAL_LINE_DELAY, splitLines } from './line-splitter.js';
import { importMetaMainHint } from './not-ready-hints.js';
import { endedByOomKiller, oomKillCount } from './oom-kills.js';
import type { OutputHold } from './output-hold.js';
import { PoolLoads } from './pool-loads.js';
import { ProcessTree } from './process-tree.js';
import { PM2_READY, waitUntilReady } from './ready-wait.js';

/**
 * The life of one app process: starting -> ready -> draining -> stopped (a crash goes straight to stopped, and so does
 * a process retired or signalled before it was ready: it had nothing to drain).
 */
export type WorkerState = 'starting' | 'ready' | 'draining' | 'stopped';

/** How a worker process ended. */
export interface WorkerExit {
  code: number | null;
  signal: string | null;
  /** True when the primary retired it (reload, scale down, stop, memory limit); false for a crash. */
  expected: boolean;
  /** True when the primary's SIGKILL ended it (killTimeout overrun, a forced stop, a kill). */
  killed: boolean;
  /**
   * `SIGTERM` when the process retired on a SIGTERM sent to it directly, not by the primary: it told the primary it
   * was draining and exited with code 0. Asked for (by whoever sent the signal), so not a crash, though not `expected`
   * either: the primary refills the slot (its replacement forked while it drains), as PM2 restarts it, without
   * counting it as a crash restart. Also when its drain overran killTimeout and the primary's SIGKILL ended it
   * (`killed`), as a stop that overruns is still a stop.
   */
  retiredBy?: 'SIGTERM';
  /**
   * Why the process could not be started at all (`spawn /usr/bin/node EMFILE`: out of file descriptors, or EAGAIN,
   * ENOENT of a cwd gone): it never ran, and its exit is a failed start, judged as a crash of its slot.
   */
  spawnError?: string;
  /**
   * Why the primary SIGKILLed it while it started: it did not become ready (WorkerNotReadyError.reason: its listen
   * timeout ran out, a pool's task module failed to load). Its exit is the slot's crash all the same, said as this.
   */
  notReady?: string;
  /**
   * True when a SIGKILL that Hive did not send ended it while the kernel's OOM killer count of its group rose
   * (oomKillCount): it ran out of memory, the cgroup's limit or the machine's.
   */
  oomKilled?: true;
}

export interface WorkerProcessOptions {
  waitReady: boolean;
  listenTimeout: number;
  killTimeout: number;
  drainIdleGrace: number;
  /** Whether the process's descendants are stopped with it when the primary retires or kills it (PM2's treekill). */
  treekill: boolean;
  /**
   * With sticky routing, the port the router hands connections to the app's server on: the process is ready only once
   * its app listens there (besides ready() with waitReady), since until then every client routed to it would be lost.
   */
  stickyPort?: number | undefined;
  /**
   * The port the process is told to serve on (PORT): without waitReady, it is ready once a server listens there, not
   * when another (an admin or metrics server) listens first. A PORT Hive was given is enforced; one it inherited, only
   * preferred (see AppPort). Undefined when the process has no PORT (or PORT 0): the first server to listen counts
   * then.
   */
  appPort?: AppPort | undefined;
  /** `--socket`: the process is ready once the socket of its app server listens. */
  socket?: string | undefined;
  /** Holds its stdout pipe while the primary's output is behind, until it leaves (see OutputHold). */
  outputHold?: OutputHold | undefined;
  /** The app's script (resolved), which a timeout's hint may read (a TypeScript one tsx runs as CommonJS). */
  script?: string | undefined;
}

const STDERR_TAIL = 20;
// The errors of a write to the IPC channel of a process that has gone (or is going): see the constructor.
const CHANNEL_GONE = new Set(['EPIPE', 'ECONNRESET', 'ERR_IPC_CHANNEL_CLOSED']);
// How often, at most, a process that cannot take the connections handed to it is said (see #handleDropped).
const DROPPED_SAID_EVERY = 60_000;

/**
 * The primary's handle on one app process (a node:cluster worker): its state machine, the ready wait, retirement
 * with SIGKILL escalation, and its output split into lines.
 *
 * Events: `state` (WorkerState), `exit` (WorkerExit), `line` (stream, line), `memory` (rss), `metrics` (the
 * MetricsReport message), `draining` (it drains on a SIGTERM of its own: see holdDrain), `app-metrics` (the app's
 * prom-client metrics, asked for), `broadcast` (data: the app's `broadcast()`), `killed` (killTimeout overrun, SIGKILL
 * sent), `warning` (message), `sticky-listen` (id, host, ipv6Only: the app's server asks for the sticky port, to
 * answer with a `sticky-listening` message), `sticky-return` (socket, head: a sticky connection it got while
 * draining), `sticky-taken` (id: it acknowledged a sticky connection), `reuseport-listen` (id, host, port: an app
 * server is about to bind its own SO_REUSEPORT socket, to answer with a `reuseport-clear` message).
 */
export class WorkerProcess extends EventEmitter {
  readonly instance: number;
  readonly worker: Worker;
  /** The pid, 0 when the process could not be started ({@link spawned} false). */
  readonly pid: number;
  /** False when its spawn failed (WorkerExit.spawnError): it never ran. */
  readonly spawned: boolean;
  readonly startedAt = Date.now();
  // Its last stderr lines, with the lead of a crash report too long for them (see stderrTail).
  readonly #stderr = new StderrTail(STDERR_TAIL);
  readonly exited: Promise<WorkerExit>;
  /**
   * Settles after `exited` once the descendants of a process the primary retired or killed are gone too (treekill):
   * what a stop awaits, so that the primary does not exit, nor a port get reused, while they still run.
   */
  readonly gone: Promise<WorkerExit>;
  readyAt: number | undefined;
  /**
   * Where its app server listens, as the runtime reported it (the server on the app's port, else the first to listen):
   * what `hive edge nginx --app` proxies to, with the protocol it speaks (`kind`, when the runtime said). Undefined
   * until then, and for a server on a Unix socket.
   */
  listen: WorkerListen | undefined;
  /** When it said it drains on a SIGTERM of its own (not one the primary asked for), ms since the epoch. */
  drainingAt: number | undefined;
  rss: number | undefined;
  /** When its runtime's last report (memory or metrics) arrived, ms since the epoch: see UnresponsiveWatch. */
  lastReportAt: number | undefined;
  // The HTTP part of its runtime's last metrics report: what a drain that overran killTimeout was waiting on.
  #lastHttp: HttpReport | undefined;
  #state: WorkerState = 'starting';
  #options: WorkerProcessOptions;
  #ready: Promise<void>;
  #retiring = false;
  // It said it drains on a SIGTERM of its own (the runtime's `draining`).
  #drainingOnSignal = false;
  // Its drain on such a SIGTERM waits for releaseDrain() (the slot's replacement is starting).
  #held = false;
  // The signal of the process group a retirement came with (see retire()).
  #groupSignal: 'SIGINT' | undefined;
  // Retired, or signalled to shut down, while starting: a ready signal it sends after that does not count.
  #quitting = false;
  #killed = false;
  // Why kill() ended it before it was ready (WorkerExit.notReady).
  #notReady: string | undefined;
  // The kill timer fired (the drain overran killTimeout), as opposed to any other kill.
  #overran = false;
  #killTimer: NodeJS.Timeout | undefined;
  #tree: ProcessTree | undefined;
  // A connection handed to it was dropped (its channel could not pass the descriptor) since it last took one: said once.
  #droppingHandles = false;
  // When that was last said (ms since the epoch): a process at the edge of its limit, taking one connection and
  // dropping the next, starts an episode at each drop, and is said at most once a minute.
  #droppedSaidAt = Number.NEGATIVE_INFINITY;
  /**
   * The process's messages, Hive's and the app's: the runtime's arrive as 'internalMessage' (protocol.ts,
   * INTERNAL_CMD), the app's own (PM2's `process.send('ready')`) and an older runtime's as 'message'.
   */
  #messages = new EventEmitter();

  constructor(worker: Worker, instance: number, options: WorkerProcessOptions) {
    super();
    this.worker = worker;
    this.instance = instance;
    this.pid = worker.process.pid ?? 0;
    this.#options = options;
    // A spawn that failed (EMFILE, EAGAIN, ENOENT) leaves no pid, with EMFILE no IPC channel nor pipes either, and its
    // 'error' on the next tick is its only end: no 'exit' follows. That error is its exit here (see `exited`).
    const spawned = worker.process.pid !== undefined;
    this.spawned = spawned;
    if (spawned) {
      closeUnansweredHandoffs(worker.process, {
        onDropped: (message) => this.#handleDropped(message),
        onDelivered: () => {
          this.#droppingHandles = false;
        },
      });
    }
    const oomKillsBefore = spawned ? oomKillCount() : undefined;
    // A send racing with the exit of a process that is leaving fails with EPIPE (or ECONNRESET, or
    // ERR_IPC_CHANNEL_CLOSED): the exit itself is what gets reported. A SIGTERM to the process group (systemd's
    // `systemctl stop`) of an app that exits at once on it made that a warning per process on most stops. Any other
    // error, or one of a process that is not leaving, is still shown.
    worker.on('error', (error: NodeJS.ErrnoException) => {
      if (!spawned) return;
      if (CHANNEL_GONE.has(error.code ?? '') && this.#leaving()) return;
      this.emit('warning', `worker ${instance} (pid ${this.pid}): ${error.message}`);
    });
    for (const stream of ['stdout', 'stderr'] as const) {
      const readable = worker.process[stream];
      if (!readable) continue;
      // As PM2 writes an app's output as it comes: a line without its newline yet shows once the app is quiet.
      splitLines(
        readable,
        (line, time) => {
          if (stream === 'stderr') {
            this.#stderr.push(line);
          }
          this.emit('line', stream, line, time);
        },
        { partialDelay: PARTIAL_LINE_DELAY },
      );
    }
    if (worker.process.stdout) options.outputHold?.add(worker.process.stdout);
    this.exited = new Promise((resolve) => {
      const ended = (code: number | null, signal: NodeJS.Signals | null, spawnError?: Error) => {
        this.#releaseOutput();
        clearTimeout(this.#killTimer);
        this.#tree?.stopTracking();
        this.#setState('stopped');
        // A SIGKILL sent to a process already ending by itself (its channel was gone: a Ctrl-C ended it) did not end
        // it.
        const killed = this.#killed && signal === 'SIGKILL';
        const exit: WorkerExit = { code, signal, expected: this.#retiring, killed };
        if (spawnError) exit.spawnError = spawnError.message;
        if (killed && this.#notReady !== undefined) exit.notReady = this.#notReady;
        if (endedByOomKiller(oomKillsBefore, signal, killed)) exit.oomKilled = true;
        // A drain on such a SIGTERM that overran killTimeout was asked for all the same, as a stop that overruns is.
        if (this.#drainingOnSignal && !this.#retiring && (code === 0 || (killed && this.#overran))) {
          exit.retiredBy = 'SIGTERM';
        }
        // Its last lines are read before the exit is reported (the stderr tail names the crash; `hive run` of an app
        // that ended exits on the report): a pipe held for a slow reader still has them.
        void outputEnded(worker.process).then(() => {
          this.emit('exit', exit);
          resolve(exit);
        });
      };
      worker.process.once('exit', ended);
      if (spawned) return;
      worker.process.once('error', (error) => {
        // Node forgets a worker on its exit or its channel's end: one spawned without a channel has neither.
        if (cluster.workers?.[worker.id] === worker && !worker.isConnected()) delete cluster.workers[worker.id];
        ended(null, null, error);
      });
    });
    // Only once the process has exited: its drain may still need what it started (a process-isolation pool, a child a
    // request waits on). A crash is left alone, as PM2 does: only a retirement (the primary's, or a drain on a SIGTERM
    // sent to the process) signals the tree.
    this.gone = this.exited.then(async (exit) => {
      await this.#tree?.finish('SIGTERM', this.#options.killTimeout);
      return exit;
    });
    worker.on('message', (value: unknown, handle: unknown) => this.#messages.emit('message', value, handle));
    worker.process.on('internalMessage', (value: unknown, handle: unknown) => {
      if (isHiveInternal(value)) this.#messages.emit('message', value, handle);
    });
    this.#messages.on('message', (value: unknown, handle: unknown) => {
      try {
        const message = decodeWorkerMessage(value);
        if (message?.type === 'listening' && this.listen === undefined && this.#isAppListen(message)) {
          this.listen = listenOf(message);
        }
        if (message?.type === 'app-metrics') this.emit('app-metrics', message);
        if (message?.type === 'sticky-listen') {
          this.emit('sticky-listen', message.id, message.host, message.ipv6Only === true);
        }
        if (message?.type === 'reuseport-listen') {
          this.emit('reuseport-listen', message.id, message.host, message.port);
        }
        if (message?.type === 'sticky-return' && handle) this.emit('sticky-return', handle as Socket, message.head);
        if (message?.type === 'sticky-taken' && typeof message.id === 'number') this.emit('sticky-taken', message.id);
        // Answered at once: node's cluster hands a round-robin connection to a process until it has read that
        // process's close of the server, and one still on its way is lost if the process exits first (the primary
        // keeps its copy open, unanswered). IPC keeps order: when the answer arrives, nothing sent before is pending.
        if (message?.type === 'flush') this.send({ hive: 1, type: 'flushed' });
        // Not a retirement the primary asked for (see WorkerExit.retiredBy). A `draining` listener may hold its drain
        // (holdDrain) while the slot's replacement starts; else it is told to drain now.
        if (message?.type === 'draining' && this.#state !== 'stopped' && !this.#drainingOnSignal) {
          this.drainingAt ??= Date.now();
          this.#drainingOnSignal = true;
          // Not asked for by the primary, but a drain all the same: what the process started goes once it has exited.
          this.#trackTree();
          this.#quit();
          this.emit('draining');
          if (!this.#held) this.#drainOnSignal();
        }
        if (message?.type === 'broadcast') this.emit('broadcast', message.data);
        if (message?.type !== 'memory' && message?.type !== 'metrics') return;
        this.rss = message.rss;
        this.lastReportAt = Date.now();
        this.emit('memory', message.rss);
        if (message.type === 'metrics') {
          this.#lastHttp = message.http;
          this.emit('metrics', message);
        }
      } catch (error) {
        this.emit('warning', `worker ${instance} (pid ${this.pid}): ${(error as Error).message}`);
      }
    });
    this.#ready = this.#waitReady();
    // The ready promise is observed by whoever waits on it; a rejection nobody awaits is not an app crash.
    this.#ready.catch(() => {});
  }

  /**
   * Its last stderr lines (STDERR_TAIL), after the start of the last crash report when that fell out of them: the
   * error's first line, which names what went wrong.
   */
  get stderrTail(): string[] {
    return this.#stderr.lines();
  }

  get state(): WorkerState {
    return this.#state;
  }

  /** Whether the primary retired it (a stop, reload, scale down, memory replacement): its exit is then expected. */
  get retiring(): boolean {
    return this.#retiring;
  }

  /** Resolves when the worker is ready; rejects with WorkerNotReadyError or PortInUseError. */
  whenReady(): Promise<void> {
    return this.#ready;
  }

  /** Whether its IPC channel is still open (it closes as the process dies, before its exit is seen). */
  get connected(): boolean {
    return this.worker.isConnected();
  }

  /**
   * Sends a protocol message, in node's internal form (unseen by the app's 'message' listeners); false when the
   * channel is gone. Node's own `send()` also returns false for back-pressure (a message queued behind a handle the
   * worker has not acknowledged yet) while still delivering it later, so that value does not say the worker is
   * unreachable.
   */
  send(
    message: PrimaryMessage,
    socket?: Socket,
    callback?: (error: Error | null) => void,
    options?: { keepOpen?: boolean },
  ): boolean {
    if (!this.worker.isConnected()) {
      callback?.(new Error('worker disconnected'));
      return false;
    }
    this.worker.send(toWire(message), socket as never, options as never, callback);
    return true;
  }

  /**
   * Retires the worker gracefully: drain, hooks, exit; SIGKILL after killTimeout. Resolves once it is {@link gone}:
   * with treekill, the descendants it leaves get SIGTERM when it has exited, and SIGKILL after killTimeout.
   * `groupSignal`: the process got that signal itself (a Ctrl-C to the process group), so the app's own handlers have
   * had it. `killTimeout`: the one it drains under, in place of the one it was started with (a reload's new one); a
   * drain whose kill timer is already armed (a SIGTERM of its own) keeps its deadline.
   */
  retire(groupSignal?: 'SIGINT', killTimeout?: number): Promise<WorkerExit> {
    if (this.#state === 'stopped') return this.gone;
    if (killTimeout !== undefined && !this.#retiring) this.#options = { ...this.#options, killTimeout };
    if (!this.#retiring) {
      this.#retiring = true;
      this.#groupSignal = groupSignal;
      this.#trackTree();
      const starting = this.#state === 'starting';
      this.#quit();
      // A process still starting may not listen for messages yet (its runtime loads while the IPC channel already
      // delivers, and a message nobody listens for is dropped): SIGTERM reaches it either way, and the runtime, once
      // loaded, handles it as a shutdown.
      if (starting) this.worker.process.kill('SIGTERM');
      else if (
        !this.send({
          hive: 1,
          type: 'shutdown',
          idleGrace: this.#options.drainIdleGrace,
          ...(groupSignal ? { groupSignal } : {}),
        })
      )
        this.kill();
      this.#armKillTimer();
    }
    return this.gone;
  }

  /**
   * Keeps a process that said it drains on a SIGTERM of its own serving, its drain not started and no kill timer
   * armed, until {@link releaseDrain}: called from a `draining` listener, until the slot's replacement is forked and
   * has started (the runtime waits for the primary's `shutdown` under ENV.sigtermHandover).
   */
  holdDrain(): void {
    this.#held = true;
  }

  /** Starts the drain {@link holdDrain} held (the primary's `shutdown`, killTimeout from now); once only. */
  releaseDrain(): void {
    if (!this.#held) return;
    this.#held = false;
    this.#drainOnSignal();
  }

  // The drain of a SIGTERM sent to the process: still not a retirement the primary asked for (no `expected`), but
  // bounded by killTimeout, and its tree stopped after it, as one is. Sent to one being retired too: a process retired
  // while starting got the primary's SIGTERM, not its message, and its runtime waits for this word
  // (ENV.sigtermHandover); a second shutdown joins the first.
  #drainOnSignal(): void {
    if (this.#state === 'stopped') return;
    const groupSignal = this.#groupSignal;
    this.send({
      hive: 1,
      type: 'shutdown',
      idleGrace: this.#options.drainIdleGrace,
      ...(groupSignal ? { groupSignal } : {}),
    });
    this.#armKillTimer();
  }

  /**
   * Ends the worker at once (SIGKILL).
   * @param expected - false when the kill should count as a crash (a restarted worker that never became ready).
   * @param notReady - why it is killed before it was ready, which its exit then says (WorkerExit.notReady).
   */
  kill(expected = true, notReady?: string): void {
    if (this.#state === 'stopped') return;
    // A retirement's process (a stop of one still starting) ends as the retirement's, whatever its ready wait said.
    if (notReady !== undefined && !this.#retiring) this.#notReady ??= notReady;
    // Never unsaid: a worker the primary retired (a stop of one still starting, its listen timeout then up) ends as
    // asked, not as a crash.
    this.#retiring ||= expected;
    this.#killed = true;
    this.#releaseOutput();
    this.#trackTree();
    // Read last before the SIGKILL, after which the process starts nothing more: the tree is then complete.
    this.#tree?.refresh();
    this.worker.process.kill('SIGKILL');
  }

  /**
   * SIGKILL after killTimeout, for a retirement the primary started and for a drain the process announced itself (a
   * SIGTERM from outside): either way a request that never ends must not keep the slot's capacity away for good. Armed
   * once: a retirement that follows a self-announced drain keeps the earlier deadline.
   */
  #armKillTimer(): void {
    if (this.#killTimer) return;
    this.#killTimer = setTimeout(() => {
      this.#overran = true;
      this.emit('killed', drainWaitingOn(this.#lastHttp));
      // Still unexpected for a self-announced drain: the exit is then judged as its SIGTERM's (see
      // WorkerExit.retiredBy).
      this.kill(this.#retiring);
    }, this.#options.killTimeout);
  }

  // Its channel gave up on a connection handed to it (see connection-handoff.ts): a sticky one goes back to the router,
  // and the user hears of it once until the process takes a connection again, not once per connection.
  #handleDropped(message: unknown): void {
    const sent = message as { cmd?: unknown; act?: unknown; type?: unknown; id?: unknown } | null;
    const stickyId = isHiveInternal(message) && sent?.type === 'sticky-connection' ? sent.id : undefined;
    // A handle the app itself sent (worker.send(message, socket)) is the app's to follow: only connections are Hive's.
    if (stickyId === undefined && !(sent?.cmd === 'NODE_CLUSTER' && sent.act === 'newconn')) return;
    if (this.#droppingHandles === false && Date.now() - this.#droppedSaidAt >= DROPPED_SAID_EVERY) {
      this.#droppedSaidAt = Date.now();
      const then =
        stickyId === undefined
          ? 'the connection was reset and the worker kept in rotation'
          : 'the connection goes to the next ready process (and is closed after 3 tries)';
      this.emit(
        'warning',
        `worker ${this.instance} (pid ${this.pid}) could not take a connection handed to it (its file descriptors are ` +
          `most likely used up: see ulimit -n); ${then}. Said once until it takes one again (at most once a minute)`,
      );
    }
    this.#droppingHandles = true;
    if (typeof stickyId === 'number') this.emit('sticky-dropped', stickyId);
  }

  // Exiting or on its way: retired or killed by the primary (a stop retires every process), draining on a SIGTERM of
  // its own, exited, or its channel closed (it closes as the process dies, before the exit is seen).
  #leaving(): boolean {
    return (
      this.#retiring ||
      this.#killed ||
      this.#drainingOnSignal ||
      this.#quitting ||
      this.#state === 'draining' ||
      this.#state === 'stopped' ||
      !this.worker.isConnected() ||
      this.worker.process.exitCode !== null ||
      this.worker.process.signalCode !== null
    );
  }

  // Its output is read to the end from now on: a process on its way out must not wait on the primary's reader (its
  // drain, its last lines before the exit is reported).
  #releaseOutput(): void {
    const { stdout } = this.worker.process;
    if (stdout) this.#options.outputHold?.release(stdout);
  }

  // A ready process drains; one still starting had nothing to drain, and will not be ready either.
  #quit(): void {
    this.#releaseOutput();
    if (this.#state === 'ready') this.#setState('draining');
    else if (this.#state === 'starting') this.#quitting = true;
  }

  // From the start of a retirement (or a kill) until the exit: see ProcessTree for why it is read all along.
  #trackTree(): void {
    if (this.#options.treekill && !this.#tree && this.pid) this.#tree = new ProcessTree(this.pid);
  }

  #setState(state: WorkerState): void {
    if (this.#state === state || this.#state === 'stopped') return;
    this.#state = state;
    this.emit('state', state);
  }

  /**
   * Whether a server's listen is the app's: under sticky the one on the sticky port, with `--socket` its socket's,
   * else the one on the app's port when the primary told it one, else any (the first counts).
   */
  #isAppListen(message: Extract<WorkerMessage, { type: 'listening' }>): boolean {
    const { stickyPort, socket, appPort } = this.#options;
    if (stickyPort !== undefined) return message.sticky === true;
    if (socket !== undefined) return message.socket !== undefined;
    return appPort === undefined || appPort.counts(message.port);
  }

  #handledElsewhere(message: Extract<WorkerMessage, { type: 'listen-error' }>): boolean {
    const { appPort } = this.#options;
    if (message.handled !== true || message.socket !== undefined || appPort === undefined) return false;
    return message.port === null || !appPort.counts(message.port);
  }

  #waitReady(): Promise<void> {
    const { waitReady, listenTimeout, stickyPort, appPort, socket, script } = this.#options;
    // Under sticky only the listen on the sticky port counts, and ready() needs it too.
    let signalled = false;
    let listened = false;
    // The first server to listen, app's or not: what an inherited PORT falls back to (AppPort.settleElsewhere).
    let firstListen: Extract<WorkerMessage, { type: 'listening' }> | undefined;
    // What is missing when the time is up: under sticky with waitReady, ready() or the listen on the port.
    const missesStickyListen = () => stickyPort !== undefined && (signalled || !waitReady);
    // Without waitReady, a listen on the app's port: another server's does not count.
    const missesPortListen = () => !waitReady && socket === undefined && appPort !== undefined;
    // The pools it started before then, still loading their task module (see PoolLoads).
    const pools = new PoolLoads(this.instance);
    const waitsForPools = () => signalled && (stickyPort === undefined || listened) && pools.pending;
    const awaited = () => {
      if (waitsForPools()) return pools.awaited();
      if (missesStickyListen()) return `did not listen on port ${stickyPort}`;
      if (missesPortListen() && appPort?.given) return `did not listen on port ${appPort.port}`;
      return waitReady ? "did not call ready() (or process.send('ready'))" : 'did not listen';
    };
    return waitUntilReady({
      instance: this.instance,
      listenTimeout,
      awaited,
      hint: () => {
        if (waitsForPools()) {
          return 'a process is ready once the pools it started before then have loaded their task module, an async init included: a longer load needs a longer --listen-timeout';
        }
        // A cause the app's own code says, before the usual ones.
        const typescript = script === undefined ? undefined : importMetaMainHint(script);
        if (typescript !== undefined) return typescript;
        if (missesStickyListen()) {
          return 'with --sticky the router hands clients only to the server listening on --port (PORT); a server on another port does not count';
        }
        if (missesPortListen() && appPort?.given) {
          return `a process is ready once a server listens on the app's port (--port, PORT); a server on another port does not count, and ${NOT_A_LISTEN}, or runs in fork mode`;
        }
        if (waitReady || stickyPort !== undefined) return undefined;
        // The usual causes: a queue worker or a job started in cluster mode (a PM2 file's fork default is followed),
        // and an app that clusters itself: in Hive's workers it takes its worker branch, whose connections only its
        // own primary (the one that listens) would have handed it.
        return (
          `cluster mode waits for a server, and ${NOT_A_LISTEN}` +
          "; a program that serves none belongs in fork mode (execMode: 'fork', `hive start -x`)" +
          "; so does an app that runs its own `cluster.isPrimary` branch (@socket.io/sticky's setupPrimary, throng): in a Hive worker it takes its worker branch, which leaves the listen to its own primary (or drop that branch: --sticky does what setupPrimary does)"
        );
      },
      messages: this.#messages,
      exited: this.exited,
      stderrTail: () => this.stderrTail,
      check: (value) => {
        let message: WorkerMessage | undefined;
        try {
          message = decodeWorkerMessage(value);
        } catch (error) {
          return error as Error;
        }
        // One the app handles on a server of its own beside the app's port (an optional admin port taken) is the app's
        // affair, as without Hive: the process goes on and is ready on the app's port.
        if (message?.type === 'listen-error' && !this.#handledElsewhere(message)) return listenError(message);
        const poolFailed = pools.take(message, signalled);
        if (poolFailed !== undefined) return poolFailed;
        // `ready()` of hive/runtime always counts (an app with no server calls it). `process.send('ready')` is PM2's
        // wait_ready signal and, as in PM2, counts only with waitReady: an app written for a wait_ready setup may send
        // it before it listens. Without waitReady the listen counts too.
        if (message?.type === 'listening') {
          firstListen ??= message;
          if (this.#isAppListen(message)) listened = true;
        }
        if (waitReady ? message?.type === 'ready' || value === PM2_READY : message?.type === 'ready' || listened) {
          signalled = true;
        }
        return (
          signalled &&
          (stickyPort === undefined || listened) &&
          !pools.pending &&
          this.#state === 'starting' &&
          !this.#quitting
        );
      },
      // An inherited PORT the process did not listen on, though it listened elsewhere: ready on that listen.
      readyAtTimeout: () => {
        if (!missesPortListen() || firstListen === undefined || pools.pending) return false;
        if (this.#state !== 'starting' || this.#quitting) return false;
        if (!appPort?.settleElsewhere(firstListen.port, listenTimeout)) return false;
        this.listen ??= listenOf(firstListen);
        return true;
      },
      onReady: () => {
        this.readyAt = Date.now();
        this.#setState('ready');
      },
    });
  }
}

// What an app that serves otherwise (UDP, a server in a worker thread) reads in the not-ready error: the runtime sees
// only the listens of the process's main thread, and a dgram socket's bind is none.
const NOT_A_LISTEN =
  "only a TCP server of the process's main thread counts, not a dgram socket nor a server in a worker thread: an app that serves so calls ready() of hive/runtime (or process.send('ready')) with --wait-ready";

/** Where a process's app server listens, and the protocol it speaks when its runtime said (an older one does not). */
export interface WorkerListen {
  address: string;
  port: number;
  kind?: ServerKind;
}

// A TCP server's listen (a Unix socket's has no port); its kind kept only as a string: an app's own copy of another
// hive/runtime may say one this build does not know, which no check matches.
function listenOf(message: Extract<WorkerMessage, { type: 'listening' }>): WorkerListen | undefined {
  const { address, port, kind } = message;
  if (typeof address !== 'string' || typeof port !== 'number') return undefined;
  return { address, port, ...(typeof kind === 'string' && { kind }) };
}

function listenError(message: Extract<WorkerMessage, { type: 'listen-error' }>): Error {
  if (message.socket === undefined) return new PortInUseError(message.port, message.message);
  if (message.code === SOCKET_SERVER_CODE) return new SocketServerError(message.socket, message.message);
  return message.code === 'EADDRINUSE'
    ? new SocketInUseError(message.socket, message.message)
    : new SocketPathError(message.socket, message.message);
}

/**
 * What a drain that overran killTimeout was still waiting on, as of the process's last metrics report (sent once a
 * second, draining too): requests in flight and connections open. Undefined without one (killed before its first
 * report, HTTP metrics off, an older runtime): the primary then knows nothing it could say.
 */
export interface DrainWaitingOn {
  inFlight: number;
  /** Absent from a runtime older than the primary (see HttpReport). */
  openConnections?: number;
  upgradedConnections?: number;
}

function drainWaitingOn(http: HttpReport | undefined): DrainWaitingOn | undefined {
  if (http === undefined) return undefined;
  const { inFlight, openConnections, upgradedConnections } = http;
  return {
    inFlight,
    ...(openConnections === undefined ? {} : { openConnections }),
    ...(upgradedConnections === undefined ? {} : { upgradedConnections }),
  };
}
