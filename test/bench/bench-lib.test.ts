// The shared bench helpers (bench/lib): ratio orientation, medians and percentiles, subject alternation, argument
// parsing and the contract's JSON shape. The benches themselves never run here: too slow and too noisy for a suite.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { parseBenchArgs } from '../../bench/lib/args.js';
import { createAttempts } from '../../bench/lib/attempt.js';
import { type BenchResult, buildContract, computeRatios, direction, orientedRatio } from '../../bench/lib/contract.js';
import { closedLoop, openLoop, withTimeout } from '../../bench/lib/load.js';
import { roundOrder, runRounds } from '../../bench/lib/rounds.js';
import { Samples } from '../../bench/lib/samples.js';
import { latencySummary, median, percentile } from '../../bench/lib/stats.js';
import { formatMarkdown, formatResults } from '../../bench/lib/table.js';
import { treeCpuMs } from '../../bench/lib/tree-cpu.js';
import { parseWrkOutput } from '../../bench/lib/wrk.js';

test('median: odd and even counts, unsorted input left untouched, NaN when empty', () => {
  const input = [5, 1, 3];
  assert.equal(median(input), 3);
  assert.deepEqual(input, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.ok(Number.isNaN(median([])));
});

test('percentile: nearest rank, so the figure is a sample that exists', () => {
  const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(sorted, 50), 50);
  assert.equal(percentile(sorted, 99), 99);
  assert.equal(percentile(sorted, 100), 100);
  assert.equal(percentile(sorted, 0), 1);
  assert.equal(percentile([10, 20, 30], 50), 20);
  assert.ok(Number.isNaN(percentile([], 50)));
  assert.throws(() => percentile(sorted, 101), RangeError);
});

test('latencySummary sorts and leaves out failed calls (NaN)', () => {
  const summary = latencySummary(Float64Array.from([3, Number.NaN, 1, 2, 4]));
  assert.equal(summary.count, 4);
  assert.equal(summary.p50, 2);
  assert.equal(summary.max, 4);
});

test('roundOrder: every round has every subject, and each subject starts one round', () => {
  const subjects = ['hive', 'piscina', 'tinypool', 'workerpool'];
  const firsts = new Set<string>();
  for (let round = 0; round < subjects.length; round++) {
    const order = roundOrder(subjects, round);
    assert.deepEqual([...order].sort(), [...subjects].sort());
    firsts.add(order[0]!);
  }
  assert.equal(firsts.size, subjects.length);
  assert.deepEqual(roundOrder(subjects, 1), ['piscina', 'tinypool', 'workerpool', 'hive']);
  assert.deepEqual(roundOrder([], 3), []);
});

test('runRounds measures one subject at a time in rotated order and groups values per subject', async () => {
  const calls: string[] = [];
  const bySubject = await runRounds({
    subjects: ['a', 'b', 'c'],
    rounds: 2,
    measure: async (subject, round) => {
      calls.push(`${round}${subject}`);
      return `${subject}${round}`;
    },
  });
  assert.deepEqual(calls, ['0a', '0b', '0c', '1b', '1c', '1a']);
  assert.deepEqual(bySubject.get('a'), ['a0', 'a1']);
  assert.deepEqual(bySubject.get('c'), ['c0', 'c1']);
});

test('direction: units decide, explicit entries win, an unknown unit must be declared', () => {
  assert.equal(direction('tiny.c64', 'tasks/s'), 'higher');
  assert.equal(direction('http.rps', 'req/s'), 'higher');
  assert.equal(direction('p99', 'us'), 'lower');
  assert.equal(direction('start', 'ms'), 'lower');
  assert.equal(direction('memory.rss', 'MiB'), 'lower');
  assert.equal(direction('cpu.speedup', 'x'), 'higher');
  assert.equal(direction('offered', 'tasks/s', { offered: 'none' }), 'none');
  assert.equal(direction('dropped', '%', { dropped: 'lower' }), 'lower');
  assert.throws(() => direction('dropped', '%'), /say in `better`/);
  assert.throws(() => direction('x', '%', { x: 'up' as never }), /'higher', 'lower' or 'none'/);
});

test('orientedRatio: > 1 means Hive is better, for throughput and for latency alike', () => {
  assert.equal(orientedRatio('higher', 200, 100), 2); // Hive does twice the tasks/s
  assert.equal(orientedRatio('lower', 50, 100), 2); // Hive takes half the time
  assert.equal(orientedRatio('higher', 50, 100), 0.5);
  assert.equal(orientedRatio('lower', 200, 100), 0.5);
  assert.equal(orientedRatio('none', 1, 2), undefined);
  assert.equal(orientedRatio('lower', 0, 100), undefined);
  assert.equal(orientedRatio('higher', 100, -1), undefined);
  assert.equal(orientedRatio('higher', undefined, 1), undefined);
});

const sample: BenchResult[] = [
  { subject: 'hive', metric: 'tiny.c64', value: 400_000, unit: 'tasks/s' },
  { subject: 'piscina', metric: 'tiny.c64', value: 20_000, unit: 'tasks/s' },
  { subject: 'tinypool', metric: 'tiny.c64', value: 16_000, unit: 'tasks/s' },
  { subject: 'hive', metric: 'p99', value: 100, unit: 'us' },
  { subject: 'piscina', metric: 'p99', value: 300, unit: 'us' },
  { subject: 'hive', metric: 'memory.rss', value: 30, unit: 'MiB' },
  { subject: 'piscina', metric: 'memory.rss', value: 20, unit: 'MiB' },
  { subject: 'piscina', metric: 'peer.only', value: 1, unit: 'ms' },
  { subject: 'hive', metric: 'offered', value: 1000, unit: 'tasks/s' },
  { subject: 'piscina', metric: 'offered', value: 500, unit: 'tasks/s' },
];

test('computeRatios: hive/peer for throughput, peer/hive for latency and memory, none without both sides', () => {
  const ratios = computeRatios(sample, { offered: 'none' });
  assert.deepEqual(ratios, {
    'tiny.c64': { piscina: 20, tinypool: 25 },
    p99: { piscina: 3 },
    'memory.rss': { piscina: 0.6667 },
  });
});

test('buildContract: exactly the contract shape of shared/DESIGN.md, one JSON line that parses back', () => {
  const contract = buildContract({ bench: 'pool', results: sample, better: { offered: 'none' } });
  assert.deepEqual(Object.keys(contract), ['bench', 'node', 'cpus', 'results', 'ratios']);
  assert.equal(contract.bench, 'pool');
  assert.equal(contract.node, process.version);
  assert.ok(Number.isInteger(contract.cpus) && contract.cpus >= 1);
  for (const r of contract.results) {
    assert.deepEqual(Object.keys(r), ['subject', 'metric', 'value', 'unit']);
    assert.equal(typeof r.value, 'number');
  }
  assert.equal(contract.results.length, sample.length);
  const line = JSON.stringify(contract);
  assert.ok(!line.includes('\n'));
  assert.deepEqual(JSON.parse(line), contract);
  for (const byPeer of Object.values(contract.ratios)) {
    for (const x of Object.values(byPeer)) assert.ok(Number.isFinite(x) && x > 0);
  }
});

test('buildContract: a contract with no Hive figures has empty ratios', () => {
  const peersOnly = sample.filter((r) => r.subject !== 'hive');
  assert.deepEqual(buildContract({ bench: 'pool', results: peersOnly, better: { offered: 'none' } }).ratios, {});
});

test('buildContract refuses figures nobody should trust', () => {
  const one = (value: number): BenchResult[] => [{ subject: 'hive', metric: 'm', value, unit: 'ms' }];
  assert.throws(() => buildContract({ bench: 'pool', results: one(Number.NaN) }), /non-finite/);
  assert.throws(() => buildContract({ bench: 'pool', results: one(Number.POSITIVE_INFINITY) }), /non-finite/);
  assert.throws(() => buildContract({ bench: 'pool', results: [...one(1), ...one(2)] }), /duplicate hive m/);
  assert.throws(() => buildContract({ bench: '', results: one(1) }), /bench/);
  assert.throws(
    () => buildContract({ bench: 'pool', results: [{ subject: 'hive', metric: 'm', value: 1, unit: '%' }] }),
    /say in `better`/,
  );
});

test('parseBenchArgs: common flags, quick implies one round, bad values are named', () => {
  assert.deepEqual(
    (({ json, quick, rounds, only, help }) => ({ json, quick, rounds, only, help }))(parseBenchArgs([])),
    { json: false, quick: false, rounds: 3, only: undefined, help: false },
  );
  assert.equal(parseBenchArgs(['--quick']).rounds, 1);
  assert.equal(parseBenchArgs(['--quick', '--rounds', '2']).rounds, 2);
  assert.equal(parseBenchArgs(['--json']).json, true);
  assert.deepEqual(parseBenchArgs(['--only', 'hive, piscina']).only, ['hive', 'piscina']);
  assert.equal(parseBenchArgs(['--x', '7'], { extra: { x: { type: 'string' } } }).values.x, '7');
  assert.throws(() => parseBenchArgs(['--rounds', '0']), /--rounds to be a positive integer, got `0`/);
  assert.throws(() => parseBenchArgs(['--nope']));
});

test('formatResults: one row per metric, Hive first, and Hive against its strongest peer', () => {
  const contract = buildContract({ bench: 'pool', results: sample, better: { offered: 'none' } });
  const text = formatResults(contract, { subjects: ['hive', 'piscina', 'tinypool'], metrics: ['p99'] });
  const lines = text.split('\n');
  assert.match(lines[0]!, /^metric\s+unit\s+hive\s+piscina\s+tinypool\s+hive vs best peer$/);
  assert.match(lines[2]!, /^p99\s/); // listed metrics first
  assert.match(text, /tiny\.c64\s+tasks\/s\s+400,000\s+20,000\s+16,000\s+20\.00x/);
  assert.match(text, /peer\.only\s+ms\s+-\s+1\.00\s+-\s+-/);
});

test('closedLoop and openLoop count every call; openLoop tolerates only the errors it is told to', async () => {
  const closed = await closedLoop({ inflight: 4, durationMs: 30, send: async () => {} });
  assert.ok(closed.completed > 0);
  assert.equal(closed.rate, (closed.completed * 1000) / 30);

  let calls = 0;
  const open = await openLoop({
    rate: 2000,
    durationMs: 20,
    send: async () => {
      if (calls++ % 2 === 1) throw Object.assign(new Error('full'), { code: 'FULL' });
    },
    tolerate: (error) => (error as { code?: string }).code === 'FULL',
  });
  assert.equal(open.sent, 40);
  assert.equal(open.failed, 20);
  assert.equal(open.latenciesMs.filter(Number.isNaN).length, 20);

  await assert.rejects(
    openLoop({
      rate: 1000,
      durationMs: 5,
      send: async () => {
        throw new Error('boom');
      },
    }),
    /boom/,
  );
  await assert.rejects(withTimeout(new Promise(() => {}), 10, 'never'), /never did not finish within 10 ms/);
});

test('openLoop gives up on calls that never finish, with the time they waited as a lower-bound latency', async () => {
  const run = await openLoop({ rate: 1000, durationMs: 10, maxDrainMs: 20, send: () => new Promise(() => {}) });
  assert.equal(run.unfinished, 10);
  assert.equal(run.failed, 0);
  for (const ms of run.latenciesMs) assert.ok(ms > 0);
});

test('Samples: medians over rounds as contract results, in the given subject and metric order', () => {
  const samples = new Samples();
  for (const v of [3, 1, 2]) samples.record('piscina', 'tiny.c1', v);
  for (const v of [30, 10]) samples.record('hive', 'tiny.c1', v);
  samples.record('hive', 'memory.rss', 20);
  assert.deepEqual(samples.values('piscina', 'tiny.c1'), [3, 1, 2]);
  assert.equal(samples.median('hive', 'tiny.c1'), 20);
  assert.ok(Number.isNaN(samples.median('piscina', 'memory.rss')));
  assert.deepEqual(samples.toResults(['hive', 'piscina'], { 'tiny.c1': 'tasks/s', 'memory.rss': 'MiB' }), [
    { subject: 'hive', metric: 'tiny.c1', value: 20, unit: 'tasks/s' },
    { subject: 'hive', metric: 'memory.rss', value: 20, unit: 'MiB' },
    { subject: 'piscina', metric: 'tiny.c1', value: 2, unit: 'tasks/s' },
  ]);
  assert.throws(() => samples.record('hive', 'tiny.c8', Number.NaN), /expected a finite number/);
});

test('createAttempts: a failed measurement is logged and counted, the next one still runs', async () => {
  const logged: string[] = [];
  const attempts = createAttempts({ log: (message) => logged.push(message) });
  assert.equal(await attempts.attempt('ok', async () => 7), 7);
  assert.equal(
    await attempts.attempt('bad', async () => {
      throw new Error('hung');
    }),
    undefined,
  );
  assert.equal(attempts.failures, 1);
  assert.equal(logged.length, 1);
  assert.match(logged[0]!, /^bad failed: Error: hung/);
});

test('formatMarkdown: the same cells as a Markdown table, labels with leading spaces kept whole', () => {
  const contract = buildContract({ bench: 'pool', results: sample, better: { offered: 'none' } });
  const md = formatMarkdown(contract, { subjects: ['hive', 'piscina', 'tinypool'], labels: { p99: '  latency p99' } });
  const lines = md.split('\n');
  assert.equal(lines[0], '| metric | unit | hive | piscina | tinypool | hive vs best peer |');
  assert.equal(lines[1], '| --- | --- | ---: | ---: | ---: | ---: |');
  assert.ok(lines.includes('| latency p99 | us | 100 | 300 | - | 3.00x |'));
});

test('treeCpuMs counts the CPU of a descendant process, not only of the root', {
  skip: process.platform !== 'linux',
}, async () => {
  // The root sleeps; its child burns 300 ms of CPU (by its own count), says so, and then idles until killed.
  const grandchild = `const t = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
    while (t() < 300) {} console.log('burnt'); setInterval(() => {}, 1000);`;
  const root = spawn(
    process.execPath,
    [
      '-e',
      `require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(grandchild)}], { stdio: 'inherit' }); setInterval(() => {}, 1000);`,
    ],
    // Its own process group, so that one kill ends the grandchild too.
    { stdio: ['ignore', 'pipe', 'inherit'], detached: true },
  );
  try {
    const [chunk] = (await once(root.stdout, 'data')) as [Buffer];
    assert.match(chunk.toString(), /burnt/);
    // /proc counts in 10 ms ticks; the root's own start-up only adds to the figure.
    assert.ok(treeCpuMs(root.pid as number) >= 250, `expected >= 250 ms, got ${treeCpuMs(root.pid as number)}`);
  } finally {
    process.kill(-(root.pid as number), 'SIGKILL');
  }
  assert.equal(treeCpuMs(2 ** 22 + 12345), 0, 'a pid that does not exist has used nothing');
});

test('parseWrkOutput reads req/s, the request count, p99 in ms and every error wrk reports', () => {
  const output = `Running 3s test @ http://127.0.0.1:8080/
  1 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.02ms  350.00us   9.50ms   90.00%
    Req/Sec    31.50k     2.10k   35.00k    70.00%
  Latency Distribution
     50%  950.00us
     75%    1.10ms
     90%    1.40ms
     99%  850.00us
  94500 requests in 3.00s, 11.20MB read
  Socket errors: connect 0, read 2, write 1, timeout 0
  Non-2xx or 3xx responses: 3
Requests/sec:  31497.33
Transfer/sec:      3.73MB
`;
  assert.deepEqual(parseWrkOutput(output), { rps: 31497.33, total: 94500, p99: 0.85, errors: 3, non2xx: 3 });
  const clean = output.replace(/ {2}Socket errors.*\n {2}Non-2xx.*\n/, '').replace('850.00us', '2.50s');
  assert.deepEqual(parseWrkOutput(clean), { rps: 31497.33, total: 94500, p99: 2500, errors: 0, non2xx: 0 });
  // Nothing measured (the server refused every connection): an error, never a zero that would pass for a figure.
  assert.throws(
    () => parseWrkOutput('unable to connect to 127.0.0.1:9 Connection refused\n'),
    /wrk printed no results/,
  );
});
