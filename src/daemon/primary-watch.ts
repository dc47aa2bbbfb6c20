import { MIN_UNRESPONSIVE_AFTER, unresponsiveAfter } from '../cluster/unresponsive-watch.js';

// How often a ping goes out (and an unanswered one is checked): a hang shows within a second of its bound.
const TICK_MS = 1_000;

/**
 * How long an app's primary may leave a ping unanswered before it is unresponsive: the bound a worker's reports get
 * ({@link unresponsiveAfter}: three report intervals, at least 3 s), at least {@link MIN_UNRESPONSIVE_AFTER} when
 * reports are off, as a primary answers pings whatever its workers report.
 */
export function primaryUnresponsiveAfter(reportInterval: number): number {
  return unresponsiveAfter(reportInterval) ?? MIN_UNRESPONSIVE_AFTER;
}

/**
 * Pings an app's primary over its IPC channel and marks it unresponsive while pings stay unanswered past the bound:
 * the primary answers on its event loop, so the silence is a frozen process (SIGSTOP) or a blocked loop. A mark, not
 * an action (a stop SIGKILLs such a primary itself); the next answer clears it.
 *
 * While unanswered, the ping goes out again at every tick, and any answer clears: one ping lost (sent before the
 * primary listened, or dropped on its way) would otherwise keep the mark until the primary exits. Answers carry no
 * sequence on purpose: an answer to an older ping still proves the loop runs now, and a primary of an older build
 * answers the same way.
 *
 * The bound is counted in ticks, not read off the clock: a daemon whose own loop was held up would otherwise find an
 * answer that waits in its socket late, and mark a primary that did answer in time.
 */
export class PrimaryWatch {
  readonly after: number;
  readonly #ticks: number;
  readonly #ping: () => void;
  readonly #onChange: (unresponsive: boolean, silentMs: number) => void;
  readonly #timer: NodeJS.Timeout;
  // Since the first ping no answer followed: when it went out, and for how many ticks since no answer came.
  #pending: { sentAt: number; ticks: number } | undefined;
  #unresponsive = false;

  /**
   * `ping` sends one (an answer calls {@link answered}); it is called at every tick while none came, so a sender that
   * cannot write (a frozen primary's full channel) should skip a ping while its last is unwritten. `onChange` hears a
   * mark or a clear, with the silence.
   */
  constructor(reportInterval: number, ping: () => void, onChange: (unresponsive: boolean, silentMs: number) => void) {
    this.after = primaryUnresponsiveAfter(reportInterval);
    this.#ticks = Math.ceil(this.after / TICK_MS);
    this.#ping = ping;
    this.#onChange = onChange;
    this.#timer = setInterval(() => this.#tick(), TICK_MS).unref();
  }

  /** Whether the primary is marked unresponsive now. */
  get unresponsive(): boolean {
    return this.#unresponsive;
  }

  /** The primary answered a ping (any: the loop runs), so a mark is cleared. */
  answered(): void {
    const pending = this.#pending;
    this.#pending = undefined;
    if (!this.#unresponsive || pending === undefined) return;
    this.#unresponsive = false;
    this.#onChange(false, Date.now() - pending.sentAt);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  #tick(): void {
    if (this.#pending === undefined) this.#pending = { sentAt: Date.now(), ticks: 0 };
    else this.#pending.ticks += 1;
    this.#ping();
    if (this.#unresponsive || this.#pending.ticks < this.#ticks) return;
    this.#unresponsive = true;
    this.#onChange(true, Date.now() - this.#pending.sentAt);
  }
}
