// How each subject of the HTTP bench is started and stopped: every one serves bench/http/hello.js (or the api
// example) on a loopback port, with 2 processes where it clusters.
// Starting a server and waiting for it to serve is `hive bench`'s (src/cli/bench/served-process.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../dist/cli/bench/free-port.js';
import { startServedProcess } from '../../dist/cli/bench/served-process.js';

export { freePort };

const root = fileURLToPath(new URL('../..', import.meta.url));
const hello = join(root, 'bench/http/hello.js');
const hive = join(root, 'dist/cli/hive.js');
const pm2Runtime = join(root, 'node_modules/pm2/bin/pm2-runtime');

/** Subject name -> argv (after `node`) and the signal that stops it gracefully. */
export function subjectCommand(subject, port, processes = 2) {
  const hiveRun = (balance) => [
    hive,
    'run',
    hello,
    '-i',
    String(processes),
    '--port',
    String(port),
    '--balance',
    balance,
  ];
  switch (subject) {
    case 'single':
      return { argv: [hello], stop: 'SIGTERM' };
    case 'raw-cluster':
      return { argv: [join(root, 'bench/http/raw-cluster.js')], stop: 'SIGTERM' };
    case 'hive':
      return { argv: hiveRun('rr'), stop: 'SIGTERM' };
    case 'hive-os':
      return { argv: hiveRun('os'), stop: 'SIGTERM' };
    case 'hive-reuseport':
      return { argv: hiveRun('reuseport'), stop: 'SIGTERM' };
    case 'hive-bare':
      // Hive without its per-request HTTP counting: what the counting costs is hive's figure minus this one's.
      return { argv: [...hiveRun('rr'), '--no-http-metrics'], stop: 'SIGTERM' };
    case 'pm2':
      // pm2-runtime: PM2's foreground (no daemon) mode, as in containers.
      return { argv: [pm2Runtime, 'start', hello, '-i', String(processes)], stop: 'SIGINT' };
    default:
      throw new Error(`unknown subject ${subject}`);
  }
}

/**
 * Starts a subject and resolves once it answers HTTP; `stop()` ends it and everything it forked. `signal` ends the
 * wait for it to serve (an interrupted bench): it is stopped and the start rejects.
 */
export async function startSubject(subject, { processes = 2, argv, env = {}, signal } = {}) {
  const port = await freePort();
  const command = argv ? { argv: argv(port), stop: 'SIGTERM' } : subjectCommand(subject, port, processes);
  const pm2Home = mkdtempSync(join(tmpdir(), 'hive-bench-pm2-'));
  return startServedProcess({
    label: subject,
    command: process.execPath,
    args: command.argv,
    port,
    cwd: root,
    env: { ...process.env, PORT: String(port), WORKERS: String(processes), PM2_HOME: pm2Home, ...env },
    stopSignal: command.stop,
    // Let every process of the cluster come up, not only the first to listen.
    settleMs: 1000,
    cleanup: () => rmSync(pm2Home, { recursive: true, force: true }),
    signal,
  });
}
