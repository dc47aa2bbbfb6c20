import { bareHost, bindHostProblem } from '../../bind-host.js';
import { daemonSnapshotSource } from '../../daemon/snapshot-source.js';
import { DashboardTokenRequiredError } from '../../dashboard/errors.js';
import { startDashboard } from '../../dashboard/index.js';
import { shortTokenWarning } from '../../dashboard/token-check.js';
import { describeValue } from '../../errors.js';
import { isLoopbackHost } from '../../loopback-host.js';
import { parseCommand, printJson, runCommand, UsageError } from '../daemon-command.js';
import { parsePort } from '../integer-flag.js';

const usage = `Usage: hive dashboard [--port <port>] [--host <host>] [--token <token>] [--app <name|id>] [--json]

Serves the live web dashboard of the apps the daemon manages (hive start), until Ctrl-C.

Options:
  --port <port>    port of the page (default 9000; 0: any free one)
  --host <host>    address to bind, without a port (default 127.0.0.1; ::1 or [::1]); any other needs a token
  --token <token>  token the page's data asks for (or HIVE_DASHBOARD_TOKEN); open the page as /?token=<token>
  --app <target>   one app (name or id) rather than all of them
  --json           print the address as one JSON line`;

/** `hive dashboard`: the dashboard over the daemon's snapshots. Starts no daemon; the page says when none runs. */
export default function dashboard(argv: string[]): Promise<number> {
  return runCommand('dashboard', async () => {
    const { values } = parseCommand(
      argv,
      { port: { type: 'string' }, host: { type: 'string' }, token: { type: 'string' }, app: { type: 'string' } },
      { command: 'dashboard', min: 0, max: 0 },
    );
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const port = parsePort((values.port as string | undefined) ?? '9000');
    const rawHost = (values.host as string | undefined) ?? '127.0.0.1';
    // The rule of --metrics-host: `[::1]` binds ::1, and `127.0.0.1:9000` is refused as a port in the host, not read
    // as a host other machines reach (which asked for a token) nor failed at listen() as not this machine's.
    const problem = bindHostProblem(rawHost);
    if (problem !== undefined) throw new UsageError(`Expected --host to be ${problem}, got ${describeValue(rawHost)}`);
    const host = bareHost(rawHost);
    const token = ((values.token as string | undefined) ?? process.env.HIVE_DASHBOARD_TOKEN) || undefined;
    if (token === undefined && !isLoopbackHost(host))
      throw new DashboardTokenRequiredError(host, 'set --token (or HIVE_DASHBOARD_TOKEN)');
    const weak = shortTokenWarning(token);
    if (weak !== undefined) process.stderr.write(`hive dashboard: warning: ${weak}\n`);
    const app = values.app as string | undefined;
    // The page draws sampled requests: its snapshots ask the primaries to sample while it is open.
    const source = daemonSnapshotSource({ target: app, requests: true });
    const server = await startDashboard(source, { port, host, token });
    if (values.json) printJson({ url: server.url, token: token !== undefined });
    else {
      const note = token === undefined ? '' : ' (open it with ?token=<your token>)';
      process.stdout.write(`hive dashboard: on ${server.url}${note}; Ctrl-C to stop\n`);
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
    return 0;
  });
}
