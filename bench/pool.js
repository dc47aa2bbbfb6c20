#!/usr/bin/env node
// Pool bench: Hive's thread pool (hive/pool, from dist/) against piscina, tinypool and workerpool, same thread counts,
// subjects alternating round by round, medians reported. `--json` prints the bench contract of shared/DESIGN.md.
// What each scenario measures and how to read the figures: docs/benchmarks.md.
import { availableParallelism, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchCommand } from './lib/args.js';
import { createAttempts } from './lib/attempt.js';
import { buildContract } from './lib/contract.js';
import { createProgress } from './lib/progress.js';
import { roundOrder } from './lib/rounds.js';
import { Samples } from './lib/samples.js';
import { formatMarkdown, formatResults } from './lib/table.js';
import {
  cpuScaling,
  idleMemory,
  idleMemoryChild,
  tinyLatency,
  tinyThroughput,
  transferRoundTrip,
} from './pool/scenarios.js';
import { SUBJECTS, unavailable } from './pool/subjects.js';

const USAGE = `usage: node bench/pool.js [--json | --markdown] [--from FILE] [--quick] [--rounds N] [--only hive,piscina,...]
  --json     print only the contract JSON object (one line)
  --markdown print the results table as Markdown (for docs/benchmarks.md)
  --from F   run nothing: print the table of a saved --json output (file F, last line)
  --quick    ~30 s smoke run: 1 round, short measurements
  --rounds   rounds per scenario (default 3; 1 with --quick); figures are medians over rounds
  --only     subjects to run, comma-separated (${SUBJECTS.join(', ')})`;

// Measurement lengths (ms). Default: whole run about 3.5 minutes on 2 cores; quick: about 25 s.
const DURATIONS = {
  default: { tiny: 800, cpuSlice: 400, cpuBlocks: 3, transfer: 800, latency: 1200, warmup: 250 },
  quick: { tiny: 250, cpuSlice: 150, cpuBlocks: 1, transfer: 250, latency: 400, warmup: 100 },
};
const INFLIGHTS = [1, 8, 64];
// Latency is measured at this fraction of each subject's own best tiny-task rate: busy, but not saturated.
const LATENCY_LOAD = 0.8;
const MEMORY_THREADS = 2;
const MiB = 1024 * 1024;

const UNITS = {
  'tiny.c1': 'tasks/s',
  'tiny.c8': 'tasks/s',
  'tiny.c64': 'tasks/s',
  'tiny.same.rate': 'tasks/s',
  'tiny.same.p50': 'us',
  'tiny.same.p99': 'us',
  'tiny.same.rejected': '%',
  'tiny.same.unfinished': '%',
  'tiny.open.rate': 'tasks/s',
  'tiny.open.p50': 'us',
  'tiny.open.p99': 'us',
  'tiny.open.rejected': '%',
  'tiny.open.unfinished': '%',
  'cpu.t1': 'tasks/s',
  'cpu.t2': 'tasks/s',
  'cpu.speedup': 'x',
  'cpu.busy1': 'x',
  'cpu.busy2': 'x',
  'transfer.1mib': 'tasks/s',
  'transfer.1mib.p50': 'us',
  'memory.rss': 'MiB',
  'memory.heap': 'MiB',
};
// The offered rates of the latency runs are settings derived from the best rates, not scores. The rejected and
// unfinished shares are shown but get no ratio: a quotient of two near-zero percentages (0.002% vs 1.8%) is noise.
const BETTER = {
  'tiny.same.rate': 'none',
  'tiny.same.rejected': 'none',
  'tiny.same.unfinished': 'none',
  'tiny.open.rate': 'none',
  'tiny.open.rejected': 'none',
  'tiny.open.unfinished': 'none',
};
const LABELS = {
  'tiny.c1': 'tiny tasks, 2 threads, 1 in flight',
  'tiny.c8': 'tiny tasks, 2 threads, 8 in flight',
  'tiny.c64': 'tiny tasks, 2 threads, 64 in flight',
  'tiny.same.rate': `same load: open loop at ${LATENCY_LOAD * 100}% of slowest best`,
  'tiny.same.p50': 'same load: latency p50',
  'tiny.same.p99': 'same load: latency p99',
  'tiny.same.rejected': 'same load: rejected (queue full)',
  'tiny.same.unfinished': 'same load: unfinished at cut-off',
  'tiny.open.rate': `own load: open loop at ${LATENCY_LOAD * 100}% of own best`,
  'tiny.open.p50': 'own load: latency p50',
  'tiny.open.p99': 'own load: latency p99',
  'tiny.open.rejected': 'own load: rejected (queue full)',
  'tiny.open.unfinished': 'own load: unfinished at cut-off',
  'cpu.t1': 'fib(27), 1 thread',
  'cpu.t2': 'fib(27), 2 threads',
  'cpu.speedup': 'fib(27), speedup 2 threads / 1',
  'cpu.busy1': 'fib(27), 1 thread: threads kept busy',
  'cpu.busy2': 'fib(27), 2 threads: threads kept busy (speedup over serial)',
  'transfer.1mib': '1 MiB ArrayBuffer round trip, transfer',
  'transfer.1mib.p50': '1 MiB round trip, latency p50',
  'memory.rss': `idle pool of ${MEMORY_THREADS} threads: RSS`,
  'memory.heap': `idle pool of ${MEMORY_THREADS} threads: main heap`,
};

async function main(argv) {
  const args = benchCommand(argv, {
    bench: 'pool',
    usage: USAGE,
    subjects: SUBJECTS,
    extra: { 'memory-child': { type: 'string' }, threads: { type: 'string' } },
    printSaved: (saved, { markdown }) =>
      console.log(
        (markdown ? formatMarkdown : formatResults)(saved, {
          subjects: SUBJECTS,
          metrics: Object.keys(UNITS),
          labels: LABELS,
        }),
      ),
  });
  if (typeof args === 'number') return args;
  if (typeof args.values['memory-child'] === 'string') {
    await idleMemoryChild(args.values['memory-child'], Number(args.values.threads ?? MEMORY_THREADS));
    return 0;
  }

  const notes = [];
  const subjects = [];
  for (const name of SUBJECTS.filter((s) => args.only === undefined || args.only.includes(s))) {
    const reason = await unavailable(name);
    if (reason === undefined) subjects.push(name);
    else notes.push(`skipped ${name}: ${reason}`);
  }
  for (const note of notes) console.error(note);
  if (subjects.length === 0) {
    console.error('no subject can run');
    return 1;
  }

  // Other processes competing for the cores skew everything (first the CPU speedup): say so next to the figures.
  const loadBefore = loadavg()[0];
  if (loadBefore > availableParallelism() / 2) {
    console.error(
      `warning: load average ${loadBefore.toFixed(2)} on ${availableParallelism()} cpus: figures will be noisy`,
    );
  }
  const d = args.quick ? DURATIONS.quick : DURATIONS.default;
  const progress = createProgress({ quiet: args.json });
  // Not `{ attempt, ...attempts }`: a rest copy would freeze the `failures` getter at 0.
  const attempts = createAttempts({ progress });
  const { attempt } = attempts;
  const rounds = args.rounds;
  const run = { subjects, rounds, d, samples: new Samples(), attempt };
  run.tag = (round, subject, what) => `round ${round + 1}/${rounds} ${subject}: ${what}`;
  await throughputPhase(run);
  await latencyPhase(run);
  await memoryPhase(run);
  progress.done();
  const failures = attempts.failures;

  const results = run.samples.toResults(subjects, UNITS);
  const contract = buildContract({ bench: 'pool', results, better: BETTER });
  if (args.json) {
    console.log(JSON.stringify(contract));
  } else {
    const mode = args.quick ? 'quick run' : 'full run';
    console.log(
      `pool bench (${mode}): node ${contract.node}, ${availableParallelism()} cpus, ${rounds} round(s), median of rounds, ` +
        `load average ${loadBefore.toFixed(2)} before / ${loadavg()[0].toFixed(2)} after`,
    );
    const format = args.markdown ? formatMarkdown : formatResults;
    console.log(format(contract, { subjects: SUBJECTS, metrics: Object.keys(UNITS), labels: LABELS }));
    for (const note of notes) console.log(note);
    if (failures > 0) console.log(`${failures} measurement(s) failed, see stderr`);
  }
  return failures > 0 ? 1 : 0;
}

// Throughput scenarios: each round runs every subject once, starting with a different subject each round.
async function throughputPhase({ subjects, rounds, d, samples, attempt, tag }) {
  for (let round = 0; round < rounds; round++) {
    for (const subject of roundOrder(subjects, round)) {
      const tiny = await attempt(tag(round, subject, 'tiny tasks'), () =>
        tinyThroughput(subject, { inflights: INFLIGHTS, durationMs: d.tiny, warmupMs: d.warmup }),
      );
      for (const inflight of INFLIGHTS) if (tiny) samples.record(subject, `tiny.c${inflight}`, tiny[inflight]);
      const cpu = await attempt(tag(round, subject, 'fib(27) on 1 and 2 threads'), () =>
        cpuScaling(subject, { sliceMs: d.cpuSlice, blocks: d.cpuBlocks, warmupMs: d.warmup }),
      );
      if (cpu) {
        samples.record(subject, 'cpu.t1', cpu.t1);
        samples.record(subject, 'cpu.t2', cpu.t2);
        samples.record(subject, 'cpu.speedup', cpu.speedup);
        samples.record(subject, 'cpu.busy1', cpu.busy1);
        samples.record(subject, 'cpu.busy2', cpu.busy2);
      }
      const transfer = await attempt(tag(round, subject, '1 MiB transfer round trip'), () =>
        transferRoundTrip(subject, { durationMs: d.transfer, warmupMs: d.warmup }),
      );
      if (transfer) {
        samples.record(subject, 'transfer.1mib', transfer.rate);
        samples.record(subject, 'transfer.1mib.p50', transfer.p50us);
      }
    }
  }
}

// Latency under load needs the best rates first, hence its own pass. Two loads per subject: 80% of its own best rate
// (how it behaves near its own capacity) and 80% of the slowest subject's best rate (every subject at the same load).
async function latencyPhase({ subjects, rounds, d, samples, attempt, tag }) {
  const bestRate = new Map();
  for (const subject of subjects) {
    const rates = INFLIGHTS.map((c) => samples.median(subject, `tiny.c${c}`)).filter(Number.isFinite);
    if (rates.length > 0) bestRate.set(subject, Math.max(...rates));
  }
  if (bestRate.size === 0) return;
  const commonRate = LATENCY_LOAD * Math.min(...bestRate.values());
  for (let round = 0; round < rounds; round++) {
    for (const subject of roundOrder([...bestRate.keys()], round)) {
      const ownRate = LATENCY_LOAD * bestRate.get(subject);
      const what = `open loop at ${Math.round(commonRate)} and ${Math.round(ownRate)} tasks/s`;
      const latency = await attempt(tag(round, subject, what), () =>
        tinyLatency(subject, { rates: [commonRate, ownRate], durationMs: d.latency, warmupMs: d.warmup }),
      );
      if (!latency) continue;
      for (const [key, rate, figures] of [
        ['same', commonRate, latency[0]],
        ['open', ownRate, latency[1]],
      ]) {
        samples.record(subject, `tiny.${key}.rate`, rate);
        samples.record(subject, `tiny.${key}.p50`, figures.p50us);
        samples.record(subject, `tiny.${key}.p99`, figures.p99us);
        samples.record(subject, `tiny.${key}.rejected`, figures.rejectedPct);
        samples.record(subject, `tiny.${key}.unfinished`, figures.unfinishedPct);
      }
    }
  }
}

// Memory in a fresh child process per measurement: nothing left over from the scenarios above.
async function memoryPhase({ subjects, rounds, samples, attempt, tag }) {
  const script = fileURLToPath(import.meta.url);
  for (let round = 0; round < rounds; round++) {
    for (const subject of roundOrder(subjects, round)) {
      const memory = await attempt(tag(round, subject, `idle pool of ${MEMORY_THREADS} threads, memory`), () =>
        idleMemory(subject, { threads: MEMORY_THREADS, script }),
      );
      if (memory) {
        samples.record(subject, 'memory.rss', memory.rss / MiB);
        samples.record(subject, 'memory.heap', memory.heapUsed / MiB);
      }
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(error?.stack ?? error);
    process.exitCode = 1;
  },
);
