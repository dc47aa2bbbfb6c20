#!/usr/bin/env node
// CLI bench: how long `hive ls`, `hive start <app>` and `hive stop <app>` take against `pm2 ls`, `pm2 start` and
// `pm2 stop`, each a fresh CLI process timed from spawn to exit (what a person or a deploy script waits for), and
// against bare `node -e 0`, the floor any node CLI pays. Each subject gets its own temp home (HIVE_HOME, PM2_HOME) so
// no user's daemon or apps are touched, and its daemon is killed after. Every round: kill the daemon (untimed), `ls`
// with no daemon running (ls.cold: the daemon's start-up), `start` the hello-world app with one process (and
// start.serving: until it answers HTTP, since `hive start` waits for the app to listen and `pm2 start` does not), two
// more apps (untimed), `ls` with the 3 apps, `stop` one, `delete all` (untimed); subjects alternate round by round,
// medians reported. `--json` prints the bench contract of shared/DESIGN.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { get } from 'node:http';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { freePort } from '../dist/cli/bench/free-port.js';
import { benchCommand } from './lib/args.js';
import { createAttempts } from './lib/attempt.js';
import { buildContract } from './lib/contract.js';
import { interrupted, onInterrupt } from './lib/interrupt.js';
import { createProgress } from './lib/progress.js';
import { roundOrder } from './lib/rounds.js';
import { Samples } from './lib/samples.js';
import { formatMarkdown, formatResults } from './lib/table.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const APP = join(root, 'bench/http/hello.js');
const NAME = 'bench-cli';
const APPS = 3;
const SETTLE_MS = 1000;
const SUBJECTS = ['hive', 'pm2', 'node'];
const UNITS = { 'ls.cold': 'ms', start: 'ms', 'start.serving': 'ms', ls: 'ms', stop: 'ms' };
const LABELS = {
  'ls.cold': 'ls, daemon not running (starts it)',
  start: 'start hello world, 1 process',
  'start.serving': '  start until the app answers GET /',
  ls: `ls, ${APPS} apps running (node: node -e 0, the floor)`,
  stop: 'stop the app',
};
const USAGE = `usage: node bench/cli.js [--json | --markdown] [--from FILE] [--quick] [--rounds N] [--only hive,pm2]
  --json     print only the contract JSON object (one line)
  --markdown print the results table as Markdown (for docs/benchmarks.md)
  --from F   run nothing: print the table of a saved --json output (file F, last line)
  --quick    smoke run: 1 round (about 15 s)
  --rounds   rounds (default 5, about 70 s); figures are medians over rounds
  --only     subjects, comma-separated (${SUBJECTS.join(', ')})`;

/**
 * The command lines of one subject, run with node; `home` is its HIVE_HOME or PM2_HOME, `ports` one per app. Each
 * command is `[args, extra env]`.
 */
function subjectOf(subject, home, ports) {
  const names = ports.map((_, i) => `${NAME}-${i}`);
  if (subject === 'hive') {
    return {
      cli: join(root, 'dist/cli/hive.js'),
      ports,
      env: { HIVE_HOME: home },
      // `hive start` returns once the process listens (ready); pm2 once it has forked it (online).
      start: (i) => [['start', APP, '-i', '1', '--name', names[i], '--port', String(ports[i])], {}],
      ls: [['ls'], {}],
      stop: [['stop', names[0]], {}],
      delete: [['delete', 'all'], {}],
      kill: [['kill'], {}],
    };
  }
  return {
    cli: join(root, 'node_modules/pm2/bin/pm2'),
    ports,
    env: { PM2_HOME: home },
    // PORT reaches the app through the environment `pm2 start` runs in.
    start: (i) => [['start', APP, '-i', '1', '--name', names[i]], { PORT: String(ports[i]) }],
    ls: [['ls'], {}],
    stop: [['stop', names[0]], {}],
    delete: [['delete', 'all'], {}],
    kill: [['kill'], {}],
  };
}

// The commands running now: an interrupt ends them (SIGTERM, through `signal`) and waits for them to exit before it
// kills the daemons, or a `start` under way could start one after the kill.
const running = new Set();

/**
 * Runs one command to its exit (`s.cli` under node, or node alone without one); resolves to its wall time in ms,
 * rejects on a non-zero exit or after 30 s. After an interrupt it runs nothing, unless `always` (the cleanup's kill).
 */
function timed(s, [args, env], always = false) {
  return new Promise((resolve, reject) => {
    if (interrupted.aborted && !always) {
      reject(interrupted.reason);
      return;
    }
    const started = performance.now();
    const child = spawn(process.execPath, s.cli === undefined ? args : [s.cli, ...args], {
      cwd: root,
      env: { ...process.env, ...s.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
      signal: always ? undefined : interrupted,
    });
    const closed = new Promise((done) => child.once('close', done));
    running.add(closed);
    closed.then(() => running.delete(closed));
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-1000);
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const ms = performance.now() - started;
      if (code === 0) resolve(ms);
      else reject(new Error(`${args.join(' ')} exited with ${signal ?? code}: ${stderr.trim()}`));
    });
  });
}

// One GET with `Connection: close` (agent: false): a keep-alive connection left open would make `hive stop` wait for
// it in its graceful drain, a cost of the bench and not of the CLI.
function answers(port) {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/', agent: false }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode === 200));
    });
    request.once('error', () => resolve(false));
  });
}

/** Resolves once GET / on the port answers 200; polls every 5 ms, fails after 10 s. */
async function serving(port) {
  const deadline = performance.now() + 10_000;
  while (!(await answers(port))) {
    if (performance.now() > deadline) throw new Error(`the app did not serve on port ${port} within 10 s`);
    await delay(5);
  }
}

/**
 * One round of one subject: its daemon killed, then ls (cold), start (and start.serving: until the app answers
 * HTTP), the other apps started untimed, ls, stop timed; delete untimed. The floor subject (`node -e 0`) times that
 * one command as its `ls`.
 */
async function round(s, record, show) {
  if (s.floor !== undefined) {
    show('node -e 0');
    record('ls', await timed(s, s.floor));
    return;
  }
  show('kill');
  await timed(s, s.kill).catch(() => {});
  show('ls.cold');
  record('ls.cold', await timed(s, s.ls));
  show('start');
  const started = performance.now();
  record('start', await timed(s, s.start(0)));
  await serving(s.ports[0]);
  record('start.serving', performance.now() - started);
  for (let i = 1; i < s.ports.length; i++) {
    show(`start app ${i + 1}`);
    await timed(s, s.start(i));
  }
  // "ls with 3 apps running", not "ls while they boot": the apps' start-up would compete for the cores.
  await delay(SETTLE_MS);
  for (const metric of ['ls', 'stop']) {
    show(metric);
    record(metric, await timed(s, s[metric]));
  }
  await timed(s, s.delete);
}

async function main(argv) {
  const tableOptions = { subjects: SUBJECTS, metrics: Object.keys(UNITS), labels: LABELS };
  const args = benchCommand(argv, {
    bench: 'cli',
    usage: USAGE,
    subjects: SUBJECTS,
    defaultRounds: 5,
    printSaved: (saved, { markdown }) => console.log((markdown ? formatMarkdown : formatResults)(saved, tableOptions)),
  });
  if (typeof args === 'number') return args;
  const format = args.markdown ? formatMarkdown : formatResults;
  const subjects = SUBJECTS.filter((s) => args.only === undefined || args.only.includes(s));
  const loadBefore = loadavg()[0];
  if (loadBefore > availableParallelism() / 2) {
    console.error(
      `warning: load average ${loadBefore.toFixed(2)} on ${availableParallelism()} cpus: figures will be noisy`,
    );
  }
  const progress = createProgress({ quiet: args.json });
  // Not `{ attempt, ...attempts }`: a rest copy would freeze the `failures` getter at 0.
  const attempts = createAttempts({ progress });
  const { attempt } = attempts;
  const samples = new Samples();
  const managers = subjects.filter((s) => s !== 'node');
  const ports = {};
  for (const s of managers) {
    ports[s] = [];
    for (let i = 0; i < APPS; i++) ports[s].push(await freePort());
  }
  const homes = Object.fromEntries(managers.map((s) => [s, mkdtempSync(join(tmpdir(), `hive-bench-cli-${s}-`))]));
  const floor = { env: {}, floor: [['-e', '0'], {}] };
  const of = (subject) => (subject === 'node' ? floor : subjectOf(subject, homes[subject], ports[subject]));
  let killed;
  // Each daemon (and its apps) killed and each temp home removed, once: at the end of the run or on an interrupt.
  const killAll = () => {
    killed ??= (async () => {
      await Promise.all(running);
      for (const subject of managers) {
        progress.update(`${subject}: kill`);
        await timed(of(subject), of(subject).kill, true).catch(() => {});
        rmSync(homes[subject], { recursive: true, force: true });
      }
      progress.done();
    })();
    return killed;
  };
  onInterrupt(killAll);
  try {
    for (let r = 0; r < args.rounds; r++) {
      for (const subject of roundOrder(subjects, r)) {
        const label = `round ${r + 1}/${args.rounds} ${subject}`;
        await attempt(label, async () => {
          const s = of(subject);
          try {
            await round(
              s,
              (metric, ms) => samples.record(subject, metric, ms),
              (step) => progress.update(`${label}: ${step}`),
            );
          } catch (error) {
            // Leave no app behind for the next round's start.
            await timed(s, s.delete).catch(() => {});
            throw error;
          }
        });
      }
    }
  } finally {
    await killAll();
  }
  const contract = buildContract({ bench: 'cli', results: samples.toResults(subjects, UNITS) });
  if (args.json) {
    console.log(JSON.stringify(contract));
  } else {
    console.log(
      `CLI bench: node ${contract.node}, ${contract.cpus} cpus, ${args.rounds} round(s), median of rounds, ` +
        `load average ${loadBefore.toFixed(2)} before / ${loadavg()[0].toFixed(2)} after`,
    );
    console.log(format(contract, tableOptions));
    console.log('(ms per command, spawn to exit; ratio column: peer/hive, > 1 means hive is faster)');
    if (attempts.failures > 0) console.log(`${attempts.failures} round(s) failed, see stderr`);
  }
  return attempts.failures > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
