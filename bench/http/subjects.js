// How each subject of the HTTP bench is started and stopped: every one serves bench/http/hello.js (or the api
// example) on a loopback port, with 2 processes where it clusters.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

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
    case 'pm2':
      // pm2-runtime: PM2's foreground (no daemon) mode, as in containers.
      return { argv: [pm2Runtime, 'start', hello, '-i', String(processes)], stop: 'SIGINT' };
    default:
      throw new Error(`unknown subject ${subject}`);
  }
}

/** A free loopback port. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts a subject and resolves once it answers HTTP; `stop()` ends it and everything it forked. */
export async function startSubject(subject, { processes = 2, argv, env = {} } = {}) {
  const port = await freePort();
  const command = argv ? { argv: argv(port), stop: 'SIGTERM' } : subjectCommand(subject, port, processes);
  const pm2Home = mkdtempSync(join(tmpdir(), 'hive-bench-pm2-'));
  const child = spawn(process.execPath, command.argv, {
    cwd: root,
    env: { ...process.env, PORT: String(port), WORKERS: String(processes), PM2_HOME: pm2Home, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-2000);
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(command.stop);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(pm2Home, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`${subject} exited before serving: ${stderr}`);
    }
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`);
      await response.arrayBuffer();
      if (response.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${subject} did not serve within 60 s: ${stderr}`);
    }
    await delay(100);
  }
  // Let every process of the cluster come up, not only the first to listen.
  await delay(1000);
  return { port, stop };
}
