// Instructions a server executes per request, counted by valgrind's callgrind: a count, not a time, so it comes out the
// same on a loaded machine as on an idle one (time-based work aside, which is measured and taken out). What it leaves
// out is the kernel's share (system calls), the same for every subject serving the same responses.
import { execFile, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { killOnInterrupt, tempDir } from './interrupt.js';

const run = promisify(execFile);

/** Why callgrind cannot run here (a message), or undefined when valgrind and callgrind_control are installed. */
export async function callgrindMissing() {
  try {
    await run('valgrind', ['--version']);
    await run('callgrind_control', ['-h']).catch((error) => {
      // callgrind_control -h exits 0 on some versions and 1 on others; only a missing program matters.
      if (error.code === 'ENOENT') throw error;
    });
    return undefined;
  } catch {
    return 'valgrind is not installed (apt-get install -y valgrind): instruction counts skipped';
  }
}

/**
 * Total instructions ("summary:" line) of one dump a process wrote: `<pid>.out.<part>` in `dir`, 0 when absent.
 * @param {string} dir
 * @param {number} pid
 * @param {number} part 1-based number of that process's dump
 * @returns {number}
 */
export function readDump(dir, pid, part) {
  try {
    const summary = /^summary:\s+(\d+)/m.exec(readFileSync(join(dir, `${pid}.out.${part}`), 'utf8'));
    return summary === null ? 0 : Number(summary[1]);
  } catch {
    return 0;
  }
}

// Processes of the run still alive: callgrind creates `<pid>.out` when a process starts (filled at its exit).
function livePids(dir) {
  return readdirSync(dir)
    .map((name) => /^(\d+)\.out$/.exec(name)?.[1])
    .filter((pid) => pid !== undefined)
    .map(Number)
    .filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
}

// Zeroes (-z) or dumps (-d) the counters of every live process; callgrind_control returns once the process obeyed.
async function control(dir, flag) {
  const pids = livePids(dir);
  await Promise.all(pids.map((pid) => run('callgrind_control', [flag, String(pid)]).catch(() => undefined)));
  return pids;
}

/**
 * Runs `command args` under callgrind (children traced), waits until `ready()` resolves true, runs `warm()`, then
 * measures two windows over every process of the tree: `idleMs` with no load (what timers cost per second), and
 * `load()` (which must send exactly `requests` requests). Per process: (load window - idle rate x its length) /
 * requests. The root process (the one spawned) is reported as `root`, the others as `children`.
 * @param {{ command: string, args: readonly string[], env?: NodeJS.ProcessEnv, cwd?: string, ready: () => Promise<boolean>, warm: () => Promise<void>, load: () => Promise<void>, requests: number, idleMs?: number, stopSignal?: NodeJS.Signals, readyTimeoutMs?: number }} options
 * @returns {Promise<{ root: number, children: number[], total: number }>} instructions per request
 */
export async function instructionsPerRequest(options) {
  const { requests, idleMs = 5000, stopSignal = 'SIGTERM', readyTimeoutMs = 300_000 } = options;
  const temp = tempDir('hive-callgrind-');
  const dir = temp.path;
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      // V8 writes and rewrites machine code on its heap: have valgrind notice every such change.
      '--smc-check=all-non-file',
      '--trace-children=yes',
      `--callgrind-out-file=${join(dir, '%p.out')}`,
      options.command,
      ...options.args,
    ],
    { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const keepChild = killOnInterrupt(child, stopSignal);
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const exited = new Promise((resolve) => child.once('close', resolve));
  try {
    const deadline = Date.now() + readyTimeoutMs;
    while (!(await options.ready())) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited before serving:\n${stderr}`);
      if (Date.now() > deadline) throw new Error(`did not serve within ${readyTimeoutMs} ms:\n${stderr}`);
      await delay(500);
    }
    await options.warm();
    // Let the warm-up's last optimizations and collections finish before counting.
    await delay(2000);
    // Both windows run from the moment the zeroing returned to the moment the dump returned, so their lengths compare.
    await control(dir, '-z');
    const idleStart = performance.now();
    await delay(idleMs);
    const idlePids = await control(dir, '-d');
    const idleSeconds = (performance.now() - idleStart) / 1000;
    await control(dir, '-z');
    const loadStart = performance.now();
    await options.load();
    const loadPids = await control(dir, '-d');
    const loadSeconds = (performance.now() - loadStart) / 1000;
    let root = 0;
    const children = [];
    for (const pid of loadPids) {
      // A process that started after the idle window has the load window as its first dump, and no idle rate.
      const hadIdle = idlePids.includes(pid);
      const idleRate = hadIdle ? readDump(dir, pid, 1) / idleSeconds : 0;
      const count = readDump(dir, pid, hadIdle ? 2 : 1);
      const perRequest = Math.max(0, count - idleRate * loadSeconds) / requests;
      if (pid === child.pid) root = perRequest;
      else children.push(perRequest);
    }
    return { root, children, total: root + children.reduce((sum, x) => sum + x, 0) };
  } finally {
    keepChild();
    child.kill(stopSignal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    await exited;
    clearTimeout(timer);
    // Children of a manager killed late may outlive it for a moment; they die with their IPC channel.
    temp.remove();
  }
}
