import { constants } from 'node:os';
import { appSignalProblem, MAX_SIGNAL, signalNameOf } from '../../daemon/app-signal.js';
import type { SignalResult } from '../../daemon/protocol.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from '../daemon-command.js';

const usage = `Usage: hive sendSignal <signal> <name|id> [--json]

Sends a signal to each process of the app (PM2's sendSignal; also send-signal): its workers, or a fork-mode app's
programs, not Hive's primary. <signal> is a name Node knows (os.constants.signals), in any case, with or without SIG:
SIGUSR2, usr2 and USR2 are one; or a number from 1 to ${MAX_SIGNAL} (a realtime signal such as 34, SIGRTMIN on Linux).
SIGSTOP, SIGTSTP, SIGTTIN and SIGTTOU are refused: a stopped worker still gets connections, which would hang.
Prints the pids signalled. --json: { id, name, signal, pids }.`;

/** `hive sendSignal <signal> <name|id>`. */
export default function sendSignal(argv: string[]): Promise<number> {
  return runCommand('sendSignal', async () => {
    const { values, positionals } = parseCommand(argv, {}, { command: 'sendSignal', min: 2, max: 2 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const [given, target] = positionals as [string, string];
    const signal = signalOf(given);
    if (target === 'all') throw new UsageError("sendSignal takes one app, by name or id (as PM2's), not all");
    const result = (await withDaemon((client) => client.request<SignalResult>('signal', { target, signal })))!;
    if (values.json) printJson(result);
    else {
      const what = typeof result.signal === 'number' ? `signal ${result.signal}` : result.signal;
      process.stdout.write(`sent ${what} to ${result.name}: pid ${result.pids.join(', ')}\n`);
    }
    return 0;
  });
}

/**
 * The signal to send: its name as Node knows it (`SIGUSR2`), from any case, with or without `SIG`, or from a number
 * Node has a name for; else the number (a realtime signal). A UsageError naming it when it is unknown or refused.
 */
function signalOf(given: string): string | number {
  let signal: string | number;
  if (/^\d+$/.test(given)) {
    const number = Number(given);
    signal = signalNameOf(number) ?? number;
  } else {
    const upper = given.toUpperCase();
    signal = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    if (!/^SIG[A-Z0-9]+$/.test(signal) || !Object.hasOwn(constants.signals, signal)) {
      throw new UsageError(
        `unknown signal ${JSON.stringify(given)}: expected a signal name Node knows (os.constants.signals) such as SIGUSR2, SIGHUP or SIGINT, or a number from 1 to ${MAX_SIGNAL}`,
      );
    }
  }
  const problem = appSignalProblem(signal);
  if (problem !== undefined) throw new UsageError(`signal ${JSON.stringify(given)}: ${problem}`);
  return signal;
}
