import { constants } from 'node:os';
import type { SignalResult } from '../../daemon/protocol.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from '../daemon-command.js';

const usage = `Usage: hive sendSignal <signal> <name|id> [--json]

Sends a signal to each process of the app (PM2's sendSignal; also send-signal): its workers, or a fork-mode app's
programs, not Hive's primary. <signal> is a name, as kill -l lists them: SIGUSR2, usr2 and USR2 are one.
Prints the pids signalled. --json: { id, name, signal, pids }.`;

/** `hive sendSignal <signal> <name|id>`. */
export default function sendSignal(argv: string[]): Promise<number> {
  return runCommand('sendSignal', usage, async () => {
    const { values, positionals } = parseCommand(argv, {}, { min: 2, max: 2 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const [given, target] = positionals as [string, string];
    const signal = signalName(given);
    if (target === 'all') throw new UsageError("sendSignal takes one app, by name or id (as PM2's), not all");
    const result = (await withDaemon((client) => client.request<SignalResult>('signal', { target, signal })))!;
    if (values.json) printJson(result);
    else process.stdout.write(`sent ${result.signal} to ${result.name}: pid ${result.pids.join(', ')}\n`);
    return 0;
  });
}

/** The signal's name as Node knows it (`SIGUSR2`), from any case, with or without `SIG`; else a UsageError naming it. */
function signalName(given: string): string {
  const upper = given.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (/^SIG[A-Z0-9]+$/.test(name) && Object.hasOwn(constants.signals, name)) return name;
  throw new UsageError(
    `unknown signal ${JSON.stringify(given)}: expected a signal name such as SIGUSR2, SIGHUP or SIGINT (kill -l lists them)`,
  );
}
