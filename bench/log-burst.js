#!/usr/bin/env node
// Log burst bench: an app of 2 fork-mode instances under the daemon (`hive start -x -i 2`, a temp HIVE_HOME) writes
// a startup burst of short lines as fast as it can (--lines each, 100k by default), then stays idle. Measured: how
// many of the burst's lines reach its out log (kept, lost) and at what rate the log took them (lines/s, from
// `hive start` to the log no longer growing). The burst travels app -> fork primary (one JSON record per line) ->
// daemon -> file; a record is ~10x a short line. The primary stops reading its instances' stdout while over 1 MiB
// of its records wait for the daemon (cluster/output-hold.ts), and drops lines past 16 MiB only while the daemon takes
// nothing for a second (cluster/bounded-output.ts), so lost > 0 says the burst was not held. The log is counted with
// its rotated copies (the daemon rotates it at 10 MB: a 2 x 200k burst fills more). `--dist DIR` runs another build
// (`--dist /work/main/dist`: before a change). `--json` prints the bench contract of shared/DESIGN.md.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { benchCommand } from './lib/args.js';
import { buildContract } from './lib/contract.js';
import { onInterrupt } from './lib/interrupt.js';
import { formatMarkdown, formatResults } from './lib/table.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const APP = join(root, 'bench/fixtures/log-burst.cjs');
const INSTANCES = 2;
// The log is taken as complete once it has not grown for this long (or both `burst done` lines are in it).
const QUIET_MS = 3000;
const LIMIT_MS = 50_000;
const UNITS = { kept: 'lines', lost: 'lines', rate: 'lines/s' };
const BETTER = { kept: 'higher', lost: 'lower', rate: 'higher' };
const LABELS = { kept: 'burst lines in the log', lost: 'burst lines lost', rate: 'lines/s into the log' };
const USAGE = `usage: node bench/log-burst.js [--json | --markdown] [--from FILE] [--quick] [--rounds N] [--lines N] [--dist D]
  --json     print only the contract JSON object (one line)
  --markdown print the results table as Markdown
  --from F   run nothing: print the table of a saved --json output (file F, last line)
  --quick    smoke run: 1 round
  --rounds   rounds (default 3); figures are medians over rounds
  --only     subjects: hive, the only one (accepted as in the other benches)
  --lines    lines each of the ${INSTANCES} instances writes (default 100000)
  --dist D   the build to run (default: this checkout's dist)`;

function printTable(contract, args) {
  const options = { labels: LABELS, metrics: Object.keys(UNITS) };
  console.log(args.markdown ? formatMarkdown(contract, options) : formatResults(contract, options));
}

function hive(dist, home, argv, env = {}) {
  return spawnSync(process.execPath, [join(dist, 'cli/hive.js'), ...argv], {
    env: { ...process.env, HIVE_HOME: home, ...env },
    encoding: 'utf8',
  });
}

function readOrEmpty(file, compressed = false) {
  try {
    const data = readFileSync(file);
    return (compressed ? gunzipSync(data) : data).toString('utf8');
  } catch {
    return '';
  }
}

// The log with its rotated copies before it, oldest first: lines counted only in the log itself were lost to the
// bench, not to Hive, once it had rotated.
function logText(rotatedLogCopies, out) {
  const copies = rotatedLogCopies(out).map((copy) => readOrEmpty(copy.path, copy.compressed));
  return copies.join('') + readOrEmpty(out);
}

async function round(dist, lines) {
  const { rotatedLogCopies } = await import(pathToFileURL(join(dist, 'daemon/rotated-log-name.js')).href);
  const home = mkdtempSync(join(tmpdir(), 'hive-log-burst-'));
  const out = join(home, 'logs', 'log-burst-out.log');
  // The daemon is detached: Ctrl-C reaches neither it nor the app, and skips the `finally` below.
  const cleanup = () => {
    hive(dist, home, ['kill']);
    rmSync(home, { recursive: true, force: true });
  };
  const dispose = onInterrupt(cleanup);
  try {
    const started = performance.now();
    const start = hive(dist, home, ['start', APP, '-x', '-i', String(INSTANCES), '--name', 'log-burst'], {
      BURST_LINES: String(lines),
    });
    if (start.status !== 0) throw new Error(`hive start failed: ${start.stderr}`);
    let size = -1;
    let grewAt = performance.now();
    let text = '';
    while (performance.now() - started < LIMIT_MS) {
      text = logText(rotatedLogCopies, out);
      if ((text.match(/\] burst done\n/g) ?? []).length === INSTANCES) {
        grewAt = performance.now();
        break;
      }
      if (text.length !== size) {
        size = text.length;
        grewAt = performance.now();
      } else if (performance.now() - grewAt > QUIET_MS) break;
      await delay(100);
    }
    const kept = (text.match(/\] burst \d+\n/g) ?? []).length;
    return { kept, lost: lines * INSTANCES - kept, rate: kept / ((grewAt - started) / 1000) };
  } finally {
    dispose();
    cleanup();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  const args = benchCommand(process.argv.slice(2), {
    bench: 'log-burst',
    usage: USAGE,
    subjects: ['hive'],
    printSaved: printTable,
    extra: { lines: { type: 'string', default: '100000' }, dist: { type: 'string', default: join(root, 'dist') } },
  });
  if (typeof args === 'number') return args;
  const lines = Number(args.values.lines);
  if (!Number.isInteger(lines) || lines < 1) {
    console.error(`Expected --lines to be a positive integer, got \`${args.values.lines}\``);
    return 2;
  }
  const dist = resolve(String(args.values.dist));
  // A wrong --dist would otherwise surface as a module-not-found stack trace once the round has started.
  const missing = ['cli/hive.js', 'daemon/rotated-log-name.js'].find((file) => !existsSync(join(dist, file)));
  if (missing !== undefined) {
    console.error(`Expected --dist to be a Hive build (a dist folder), but \`${join(dist, missing)}\` does not exist`);
    return 2;
  }
  const rounds = [];
  for (let i = 0; i < args.rounds; i++) {
    rounds.push(await round(dist, lines));
    if (!args.json) console.error(`round ${i + 1}/${args.rounds}: ${JSON.stringify(rounds.at(-1))}`);
  }
  const results = Object.keys(UNITS).map((metric) => ({
    subject: 'hive',
    metric,
    value: Math.round(median(rounds.map((r) => r[metric]))),
    unit: UNITS[metric],
  }));
  const contract = buildContract({ bench: 'log-burst', results, better: BETTER });
  if (args.json) console.log(JSON.stringify(contract));
  else printTable(contract, args);
  return 0;
}

process.exitCode = await main();
