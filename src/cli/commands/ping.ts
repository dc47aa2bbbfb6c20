import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage = `Usage: hive ping [--json]

PM2's \`pm2 ping\`: makes sure the daemon runs (starting it, with no app, when it does not) and that it answers, then
prints \`pong\` and its pid. \`hive version\` asks the same of a running daemon without starting one.`;

/** `hive ping`: the daemon up and answering, as `pm2 ping` (a health check, or the daemon started ahead of time). */
export default function ping(argv: string[]): Promise<number> {
  return runCommand('ping', async () => {
    const { values } = parseCommand(argv, {}, { command: 'ping', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const daemon = (await withDaemon((client) => client.request<{ version: string; pid: number }>('ping')))!;
    if (values.json) printJson({ msg: 'pong', pid: daemon.pid, version: daemon.version });
    else process.stdout.write(`pong (daemon pid ${daemon.pid})\n`);
    return 0;
  });
}
