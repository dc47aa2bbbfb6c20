import { constants } from 'node:os';

/**
 * Signals whose default action stops a process: a stopped worker still gets its share of connections (the primary
 * balances to it, and the kernel queues for it), which then hang. Refused, not sent.
 */
const STOP_SIGNALS = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** The highest signal number taken: Linux's SIGRTMAX (realtime signals, which Node has no names for, end there). */
export const MAX_SIGNAL = 64;

/** The name Node has for a signal number (`os.constants.signals`), if any. */
export function signalNameOf(signal: number): string | undefined {
  return Object.entries(constants.signals).find(([, number]) => number === signal)?.[0];
}

/**
 * Why `signal` cannot go to an app's processes (`hive sendSignal`), or undefined: a name Node knows
 * (`os.constants.signals`), or a number from 1 to MAX_SIGNAL, and not one that stops a process.
 */
export function appSignalProblem(signal: string | number): string | undefined {
  if (typeof signal === 'number') {
    if (!Number.isInteger(signal) || signal < 1 || signal > MAX_SIGNAL) {
      return `expected a signal number from 1 to ${MAX_SIGNAL}, got ${signal}`;
    }
  } else if (!Object.hasOwn(constants.signals, signal)) {
    return `expected a signal name Node knows (os.constants.signals) such as SIGUSR2, got ${JSON.stringify(signal)}`;
  }
  const name = typeof signal === 'number' ? signalNameOf(signal) : signal;
  if (name !== undefined && STOP_SIGNALS.has(name)) {
    return `${name} stops a process, and a stopped worker still gets connections, which hang: not sent (hive stop stops an app)`;
  }
  return undefined;
}
