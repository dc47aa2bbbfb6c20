import { setTimeout as delay } from 'node:timers/promises';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage = 'Usage: hive kill [--json]\n\nStops every app gracefully, then the daemon.';

/** `hive kill`: returns once the daemon process is gone. */
export default function kill(argv: string[]): Promise<number> {
  return runCommand('kill', usage, async () => {
    const { values } = parseCommand(argv, {}, { min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const result = await withDaemon((client) => client.request<{ pid: number }>('kill'), false);
    if (result) {
      // The daemon answers after its apps stopped, then exits: wait for that, bounded.
      for (let i = 0; i < 200 && isAlive(result.pid); i++) await delay(25);
    }
    if (values.json) printJson({ killed: result !== undefined, pid: result?.pid ?? null });
    else process.stdout.write(result ? `daemon (pid ${result.pid}) and its apps stopped\n` : 'no daemon running\n');
    return 0;
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
