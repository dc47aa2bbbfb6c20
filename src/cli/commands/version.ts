import { protocolRevision } from '../../daemon/protocol-revision.js';
import { hiveVersion } from '../../daemon/version.js';
import { parseCommand, printJson, runCommand, withDaemon } from '../daemon-command.js';

const usage = "Usage: hive version [--json]\n\nThis CLI's version and the running daemon's (without starting one).";

/** `hive version`: says clearly when the daemon runs another version. */
export default function version(argv: string[]): Promise<number> {
  return runCommand('version', async () => {
    const { values } = parseCommand(argv, {}, { command: 'version', min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // `metrics`: the daemon's endpoint of every app (HIVE_DAEMON_METRICS_PORT); absent from a build before it.
    // `node`: the Node.js it runs on, which its apps run on too (absent from a build before it).
    // `settings`: its HIVE_LOG_* and HIVE_DAEMON_METRICS_* as it started (absent from a build before it).
    type Ping = {
      version: string;
      protocol?: string;
      pid: number;
      metrics?: string | null;
      node?: string;
      settings?: [string, string][];
    };
    const daemon = await withDaemon((client) => client.request<Ping>('ping'), false);
    // Another build of the same version may speak another protocol (no `protocol`: a build from before revisions).
    const otherBuild = daemon !== undefined && daemon.version === hiveVersion && daemon.protocol !== protocolRevision;
    const mismatch = daemon !== undefined && (daemon.version !== hiveVersion || otherBuild);
    if (values.json)
      printJson({
        cli: hiveVersion,
        protocol: protocolRevision,
        daemon: daemon?.version ?? null,
        daemonProtocol: daemon?.protocol ?? null,
        daemonPid: daemon?.pid ?? null,
        daemonNode: daemon?.node ?? null,
        daemonMetrics: daemon?.metrics ?? null,
        daemonSettings: daemon?.settings ? Object.fromEntries(daemon.settings) : null,
        mismatch,
      });
    else {
      process.stdout.write(`hive ${hiveVersion}\n`);
      // The daemon's Node.js runs the apps: after `hive update` under another Node (nvm), not this CLI's.
      const node = daemon?.node === undefined ? '' : `, Node.js ${daemon.node}`;
      if (!daemon) process.stdout.write('daemon: not running\n');
      else if (!mismatch) process.stdout.write(`daemon: ${daemon.version} (pid ${daemon.pid}${node})\n`);
      else if (otherBuild) {
        process.stdout.write(
          `daemon: ${daemon.version} (pid ${daemon.pid}${node}), another build than this CLI whose control protocol differs (revision ${daemon.protocol ?? 'none'}, this CLI's ${protocolRevision}): run \`hive update\`\n`,
        );
      } else {
        process.stdout.write(
          `daemon: ${daemon.version} (pid ${daemon.pid}${node}), another version than this CLI: run \`hive update\`\n`,
        );
      }
      if (daemon?.metrics) process.stdout.write(`daemon metrics: ${daemon.metrics} (every app)\n`);
    }
    return mismatch ? 1 : 0;
  });
}
