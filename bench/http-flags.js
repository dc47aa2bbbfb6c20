#!/usr/bin/env node
// Node/V8 flags against one app process: what a flag (by default, the size of V8's young generation) changes in the
// server CPU per keep-alive hello-world request, in V8's collections and in memory. Each variant is one plain node
// process serving bench/http/hello.js (or bench/http/alloc-50.js, `--app alloc`) with the variant's flags; a round
// starts each variant in turn (rotated), warms it up, then sends a fixed number of requests with autocannon and reads
// the process's CPU from /proc/<pid>/stat (user + system, every thread), its collections (bench/http/gc-stats.js,
// preloaded) and its RSS. `--instr` counts instructions per request under callgrind instead (bench/lib/callgrind.js,
// as bench/http-cost.js does): slower, but a count is the same on a busy machine as on an idle one.
// `--json` prints the bench contract of shared/DESIGN.md (subjects are the variants; no Hive subject, no ratios).
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort } from './http/subjects.js';
import { benchCommand } from './lib/args.js';
import { createAttempts } from './lib/attempt.js';
import { callgrindMissing, instructionsPerRequest } from './lib/callgrind.js';
import { buildContract } from './lib/contract.js';
import { killOnInterrupt, tempDir } from './lib/interrupt.js';
import { createProgress } from './lib/progress.js';
import { roundOrder } from './lib/rounds.js';
import { median } from './lib/stats.js';
import { formatTable, formatValue } from './lib/table.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const APPS = { hello: join(root, 'bench/http/hello.js'), alloc: join(root, 'bench/http/alloc-50.js') };
const GC_STATS = join(root, 'bench/http/gc-stats.js');
// The young generation: `default` is the Node's own sizing; `maxN` caps a semi-space at N MB (V8 grows the new space
// only as far as objects survive, so a cap it never reaches changes nothing); `fixN` holds it at N MB.
const VARIANTS = {
  default: [],
  max16: ['--max-semi-space-size=16'],
  max32: ['--max-semi-space-size=32'],
  max64: ['--max-semi-space-size=64'],
  fix8: ['--min-semi-space-size=8', '--max-semi-space-size=8'],
  fix16: ['--min-semi-space-size=16', '--max-semi-space-size=16'],
  fix32: ['--min-semi-space-size=32', '--max-semi-space-size=32'],
  fix64: ['--min-semi-space-size=64', '--max-semi-space-size=64'],
};
const USAGE = `usage: node bench/http-flags.js [--json | --markdown] [--from FILE] [--quick] [--rounds N] [--only default,fix16,...]
                                [--node PATH] [--app hello|alloc] [--flags "name=--flag --flag;name2=..."] [--instr]
  --json     print only the contract JSON object (one line)
  --markdown print the results table as Markdown
  --from F   run nothing: print the table of a saved --json output (file F, last line)
  --quick    smoke run: 5,000 + 20,000 requests, 1 round
  --rounds   rounds (default 3); figures are medians over rounds, CPU also with its min-max
  --only     variants, comma-separated (${Object.keys(VARIANTS).join(', ')})
  --node     the node binary to run the server with (default: this one, ${process.execPath})
  --app      hello (bench/http/hello.js, default) or alloc (bench/http/alloc-50.js, a 50-item JSON body per request)
  --flags    your own variants instead of the young-generation ones: "name=flags;name=flags" (empty flags: none)
  --instr    instructions per request under callgrind (valgrind) instead of CPU time: 30,000 + 40,000 requests`;
const COUNTS = {
  default: { warm: 50_000, requests: 200_000, connections: 32 },
  quick: { warm: 5_000, requests: 20_000, connections: 32 },
  // Under valgrind node serves about 1,000 requests a second; 40,000 counted requests hold several scavenges even
  // with a 64 MB semi-space, so that where a collection falls does not decide the figure.
  instr: { warm: 30_000, requests: 40_000, connections: 10 },
  instrQuick: { warm: 2_000, requests: 2_000, connections: 10 },
};
// USER_HZ: the unit of utime/stime in /proc/<pid>/stat.
const TICKS_PER_SECOND = 100;
const ROWS = [
  ['cpu', 'server CPU per request, median'],
  ['cpu.min', '  lowest round'],
  ['cpu.max', '  highest round'],
  ['instr', 'instructions per request'],
  ['scavenges', 'scavenges per 10,000 requests'],
  ['major', 'full collections per 10,000 requests'],
  ['newspace', 'new space after the run (both semi-spaces)'],
  ['rss', 'RSS after the run'],
];

function parseVariants(spec) {
  const variants = {};
  for (const part of spec.split(';').filter((p) => p.trim() !== '')) {
    const at = part.indexOf('=');
    if (at <= 0) throw new TypeError(`Expected --flags entries as name=flags, got \`${part}\``);
    variants[part.slice(0, at).trim()] = part
      .slice(at + 1)
      .split(' ')
      .filter((f) => f !== '');
  }
  return variants;
}

function printTable(contract, markdown, heading = contract.node) {
  const subjects = [...new Set(contract.results.map((r) => r.subject))];
  const cell = new Map(contract.results.map((r) => [`${r.subject}\0${r.metric}`, r]));
  const rows = ROWS.filter(([metric]) => contract.results.some((r) => r.metric === metric)).map(([metric, label]) => [
    label,
    contract.results.find((r) => r.metric === metric)?.unit ?? '',
    ...subjects.map((s) => formatValue(cell.get(`${s}\0${metric}`)?.value)),
  ]);
  const header = ['metric', 'unit', ...subjects];
  if (!markdown) {
    console.log(`${heading}\n${formatTable(header, rows)}`);
    return;
  }
  const line = (cells) => `| ${cells.join(' | ')} |`;
  console.log([line(header), `| --- | --- |${' ---: |'.repeat(subjects.length)}`, ...rows.map(line)].join('\n'));
}

async function serves(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

// `tolerant`: a warm-up, where a few errors (a timeout under valgrind on a loaded machine) do not matter.
async function send(url, amount, connections, tolerant = false) {
  // A long timeout: under valgrind the first requests wait for the JIT.
  const result = await autocannon({ url, connections, amount, timeout: 120 });
  if (!tolerant && (result.errors > 0 || result.non2xx > 0)) {
    throw new Error(`${result.errors} errors and ${result.non2xx} non-2xx responses in ${amount} requests`);
  }
}

function cpuTicks(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

// Asks the server for its collection counts (SIGUSR2) and waits for line `n` of the stats file.
async function gcStats(pid, file, n) {
  process.kill(pid, 'SIGUSR2');
  for (let waited = 0; waited < 30_000; waited += 50) {
    await delay(50);
    let lines = [];
    try {
      lines = readFileSync(file, 'utf8').trim().split('\n');
    } catch {}
    if (lines.length >= n && lines[n - 1] !== '') return JSON.parse(lines[n - 1]);
  }
  throw new Error(`no collection counts from process ${pid} within 30 s`);
}

/** One variant, natively: CPU per request, collections and RSS over `counts.requests` requests. */
async function measureCpu({ node, app, flags, counts }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const dir = tempDir('hive-bench-flags-');
  const file = join(dir.path, 'gc.jsonl');
  const child = spawn(node, [...flags, '--import', GC_STATS, app], {
    env: { ...process.env, PORT: String(port), GC_STATS_FILE: file },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const keepChild = killOnInterrupt(child);
  // A spawn failure (a node that cannot run) comes as 'error', then 'close': the wait below fails on it.
  let spawnError;
  child.once('error', (error) => {
    spawnError = error;
  });
  const exited = new Promise((resolve) => child.once('close', resolve));
  try {
    while (!(await serves(url))) {
      if (spawnError !== undefined) throw spawnError;
      if (child.exitCode !== null) throw new Error(`${node} ${flags.join(' ')} exited with ${child.exitCode}`);
      await delay(200);
    }
    await send(url, counts.warm, counts.connections, true);
    await delay(1000);
    const before = await gcStats(child.pid, file, 1);
    const ticks = cpuTicks(child.pid);
    await send(url, counts.requests, counts.connections);
    const cpuUs = ((cpuTicks(child.pid) - ticks) * 1e6) / TICKS_PER_SECOND / counts.requests;
    const after = await gcStats(child.pid, file, 2);
    const per10k = (key) => ((after[key] - before[key]) * 10_000) / counts.requests;
    return {
      cpu: cpuUs,
      scavenges: per10k('minor'),
      major: per10k('major'),
      newspace: after.newSpace / 2 ** 20,
      rss: after.rss / 2 ** 20,
    };
  } finally {
    keepChild();
    child.kill('SIGTERM');
    await exited;
    dir.remove();
  }
}

/** One variant under callgrind: instructions per request of the server process, and its collections meanwhile. */
async function measureInstr({ node, app, flags, counts }) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const dir = tempDir('hive-bench-flags-');
  const file = join(dir.path, 'gc.jsonl');
  let pid = 0;
  let before;
  let after;
  try {
    const { root: instr } = await instructionsPerRequest({
      command: node,
      args: [...flags, '--import', GC_STATS, app],
      env: { ...process.env, PORT: String(port), GC_STATS_FILE: file },
      ready: () => serves(url),
      warm: async () => {
        await send(url, counts.warm, counts.connections, true);
        // valgrind runs node in its own process: the pid the preload wrote is the one the helper spawned.
        pid = Number(readFileSync(`${file}.pid`, 'utf8'));
        before = await gcStats(pid, file, 1);
      },
      load: async () => {
        await send(url, counts.requests, counts.connections);
        // Inside the window, as the process stops when the helper returns: a few thousand instructions in 40,000
        // requests' worth.
        after = await gcStats(pid, file, 2);
      },
      requests: counts.requests,
    });
    return { instr, scavenges: ((after.minor - before.minor) * 10_000) / counts.requests };
  } finally {
    dir.remove();
  }
}

async function main() {
  const args = benchCommand(process.argv.slice(2), {
    bench: 'http-flags',
    usage: USAGE,
    // --only is checked against the built-in variants; with --flags, name them there instead.
    subjects: Object.keys(VARIANTS),
    printSaved: (saved, { markdown }) => printTable(saved, markdown),
    defaultRounds: 3,
    extra: {
      node: { type: 'string', default: process.execPath },
      app: { type: 'string', default: 'hello' },
      flags: { type: 'string' },
      instr: { type: 'boolean', default: false },
    },
  });
  if (typeof args === 'number') return args;
  const app = APPS[args.values.app];
  if (app === undefined) {
    console.error(`Expected --app to be hello or alloc, got \`${args.values.app}\`\n${USAGE}`);
    return 2;
  }
  let variants = VARIANTS;
  if (typeof args.values.flags === 'string') {
    try {
      variants = parseVariants(args.values.flags);
    } catch (error) {
      console.error(`${error.message}\n${USAGE}`);
      return 2;
    }
  }
  const instr = args.values.instr === true;
  if (instr) {
    const missing = await callgrindMissing();
    if (missing !== undefined) {
      console.error(missing);
      return 0;
    }
  }
  const counts = instr ? (args.quick ? COUNTS.instrQuick : COUNTS.instr) : args.quick ? COUNTS.quick : COUNTS.default;
  const node = String(args.values.node);
  const version = await nodeVersion(node);
  if (version === undefined) {
    console.error(`Expected --node to be a node binary that runs, but \`${node} --version\` failed\n${USAGE}`);
    return 2;
  }
  const loadBefore = loadavg()[0];
  const names = Object.keys(variants).filter((name) => args.only === undefined || args.only.includes(name));
  const progress = createProgress({ quiet: args.json });
  // A variant whose server fails (a flag node refuses) is reported and left out; the others still print.
  // Not `{ attempt, ...attempts }`: a rest copy would freeze the `failures` getter at 0.
  const attempts = createAttempts({ progress });
  const { attempt } = attempts;
  const byVariant = new Map(names.map((name) => [name, []]));
  for (let round = 0; round < args.rounds; round++) {
    for (const name of roundOrder(names, round)) {
      const label = `round ${round + 1}/${args.rounds}, ${name}`;
      const run = await attempt(`${label}: ${counts.warm} + ${counts.requests} requests`, () => {
        const options = { node, app, flags: variants[name], counts };
        return instr ? measureInstr(options) : measureCpu(options);
      });
      if (run !== undefined) byVariant.get(name).push(run);
    }
  }
  progress.done();
  const units = { cpu: 'µs', instr: 'instr', scavenges: 'per 10k', major: 'per 10k', newspace: 'MiB', rss: 'MiB' };
  const results = [];
  for (const [subject, runs] of byVariant) {
    for (const metric of Object.keys(runs[0] ?? {})) {
      const values = runs.map((r) => r[metric]);
      results.push({ subject, metric, value: median(values), unit: units[metric] });
      if (metric === 'cpu') {
        results.push({ subject, metric: 'cpu.min', value: Math.min(...values), unit: 'µs' });
        results.push({ subject, metric: 'cpu.max', value: Math.max(...values), unit: 'µs' });
      }
    }
  }
  const contract = buildContract({
    bench: 'http-flags',
    node: version,
    results,
    better: { instr: 'lower', scavenges: 'none', major: 'none', newspace: 'none' },
  });
  if (args.json) console.log(JSON.stringify(contract));
  else {
    const load = `load average ${loadBefore.toFixed(2)} before / ${loadavg()[0].toFixed(2)} after`;
    printTable(contract, args.markdown, `${contract.node}, ${args.rounds} round(s), median of rounds, ${load}`);
    if (attempts.failures > 0) console.log(`${attempts.failures} measurement(s) failed, see stderr`);
  }
  return attempts.failures > 0 ? 1 : 0;
}

// The version of the node that ran the servers (the contract's `node` field), which need not be this one.
async function nodeVersion(node) {
  const child = spawn(node, ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    out += chunk;
  });
  // A binary that does not exist: 'error' (ENOENT), then 'close' with a negative code.
  child.once('error', () => {});
  const code = await new Promise((resolve) => child.once('close', resolve));
  return code === 0 ? out.trim() : undefined;
}

process.exitCode = await main();
