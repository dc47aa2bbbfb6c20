/** How a slot's crashed worker is restarted (PM2's option names, so PM2 configs carry over). */
export interface RestartPolicyOptions {
  /** Fixed delay before a restart, ms; used when `expBackoffRestartDelay` is 0 (its default when this is given). */
  restartDelay: number;
  /**
   * First delay of an exponential backoff (x1.5 per crash in a row), ms; 0 turns backoff off. The backoff starts over
   * after a run of {@link BACKOFF_RESET_UPTIME}, as PM2's does.
   */
  expBackoffRestartDelay: number;
  /** Cap of the backoff, ms; a longer first delay is never lowered to it (PM2 waits that long too). */
  maxRestartDelay: number;
  /**
   * Restarts in a row, each of a process that then crashed before `minUptime`, after which the slot stops restarting
   * and the app is errored: with 10, the 11th crash of a row is not restarted. A row starts at the first crash, of a
   * process that had been up `minUptime` too (that crash is always restarted).
   */
  maxRestarts: number;
  /** A worker up at least this long (ms) counts as stable: its crash starts the crash-loop count (`maxRestarts`) over. */
  minUptime: number;
  /** PM2's `autorestart`: false leaves a slot whose process exits empty, whatever the exit code. Default true. */
  autorestart?: boolean;
  /** PM2's `stop_exit_codes`: a process that exits with one of these codes is not restarted. Default none. */
  stopExitCodes?: readonly number[];
}

/**
 * Why a process that exited on its own is not restarted, or undefined when it is (see {@link RestartPolicyOptions}).
 */
export type NoRestartReason = 'autorestart' | 'stopExitCodes';

/** Whether a process that exited on its own (not retired by the primary) stays down, and why. */
export function noRestartReason(
  options: Pick<RestartPolicyOptions, 'autorestart' | 'stopExitCodes'>,
  code: number | null,
): NoRestartReason | undefined {
  if (options.autorestart === false) return 'autorestart';
  // A signal death has no exit code, so it never matches, and the process is restarted: an OOM kill or a stray
  // SIGTERM is not a clean stop. PM2 differs here: it passes `code || 0` on (God.js handleExit), so there a process
  // killed by a signal counts as exit code 0, a stop code when 0 is one.
  if (code !== null && options.stopExitCodes?.includes(code)) return 'stopExitCodes';
  return undefined;
}

export type RestartDecision =
  | { action: 'restart'; attempt: number; delay: number }
  | { action: 'errored'; attempt: number; unstableRestarts: number };

const BACKOFF_FACTOR = 1.5;

/**
 * A process up at least this long (ms) before it crashes starts the backoff over: PM2's EXP_BACKOFF_RESET_TIMER. Not
 * `minUptime` (1 s by default): a process that crashes a few seconds into every run (a database it cannot reach yet)
 * would otherwise be restarted at the first delay forever, the case a backoff is for.
 */
export const BACKOFF_RESET_UPTIME = 30_000;

/** The wait (ms) before the `attempt`th restart of a row: the backoff, or the fixed `restartDelay` without one. */
export function restartDelayOf(
  options: Pick<RestartPolicyOptions, 'restartDelay' | 'expBackoffRestartDelay' | 'maxRestartDelay'>,
  attempt: number,
): number {
  const { expBackoffRestartDelay, maxRestartDelay, restartDelay } = options;
  if (expBackoffRestartDelay <= 0) return restartDelay;
  // The cap bounds the growth, not the first delay: `exp_backoff_restart_delay: 30000` waits 30 s, as in PM2.
  const cap = Math.max(maxRestartDelay, expBackoffRestartDelay);
  return Math.min(cap, Math.round(expBackoffRestartDelay * BACKOFF_FACTOR ** (attempt - 1)));
}

/** The restart state of one slot: pure bookkeeping, the supervisor owns the timers. */
export class RestartPolicy {
  readonly #options: RestartPolicyOptions;
  #consecutive = 0;
  #unstable = 0;

  constructor(options: RestartPolicyOptions) {
    this.#options = options;
  }

  /** Records a crash of a worker that was up `uptime` ms and says what to do. */
  onCrash(uptime: number): RestartDecision {
    const { minUptime, maxRestarts } = this.#options;
    // A stable run's crash starts a new row and is its first crash: the restart it gets is the row's first, and the
    // row ends errored at its maxRestarts + 1st crash, as a slot that crash-loops from its start does (10 restarts,
    // then errored). It was counted 0, so a process up a while that then crash-looped got one restart more. That
    // crash itself is always restarted (maxRestarts 0 errs at the first crash before minUptime, not at a stable one).
    const stable = uptime >= minUptime;
    this.#unstable = stable ? 1 : this.#unstable + 1;
    if (uptime >= BACKOFF_RESET_UPTIME) this.#consecutive = 0;
    this.#consecutive += 1;
    if (!stable && this.#unstable > maxRestarts) {
      return { action: 'errored', attempt: this.#consecutive, unstableRestarts: this.#unstable };
    }
    return { action: 'restart', attempt: this.#consecutive, delay: restartDelayOf(this.#options, this.#consecutive) };
  }

  /** Forgets past crashes (a reload or a manual restart gives the slot a fresh start). */
  reset(): void {
    this.#consecutive = 0;
    this.#unstable = 0;
  }
}
