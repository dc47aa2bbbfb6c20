#!/usr/bin/env node
// HTTP bench: hello-world req/s and p99 (autocannon, keep-alive, same client settings for all) for one process, a raw
// node cluster script, `hive run -i 2` in each balance mode, and PM2 cluster mode `-i 2` (pm2-runtime, killed after);
// subjects alternate round by round, medians reported. Then the api example's light route p99 while heavy fib() load
// runs, on the pool (/compute, subject hive) vs on the event loop (/compute-inline, subject inline).
// `--json` prints the bench contract of shared/DESIGN.md.
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { supportsReusePort } from '../dist/cluster/index.js';
import { startSubject } from './http/subjects.js';
import { parseBenchArgs } from './lib/args.js';
import { createAttempts } from './lib/attempt.js';
import { buildContract } from './lib/contract.js';
import { createProgress } from './lib/progress.js';
import { roundOrder } from './lib/rounds.js';
import { Samples } from './lib/samples.js';
import { formatMarkdown, formatResults } from './lib/table.js';

const HELLO_SUBJECTS = [
  'hive',
  'hive-os',
  ...(supportsReusePort() ? ['hive-reuseport'] : []),
  'raw-cluster',
  'pm2',
  'single',
];
const SUBJECTS = [...HELLO_SUBJECTS, 'inline'];
const USAGE = `usage: node bench/http.js [--json | --markdown] [--from FILE] [--quick] [--rounds N] [--only hive,pm2,...]
  --json     print only the contract JSON object (one line)
  --markdown print the results table as Markdown (for docs/benchmarks.md)
  --from F   run nothing: print the table of a saved --json output (file F, last line)
  --quick    ~30 s smoke run: 1 round, short measurements
  --rounds   rounds (default 2; 1 with --quick); figures are medians over rounds
  --only     subjects, comma-separated (${SUBJECTS.join(', ')})`;

// Seconds per measurement. Default: the whole run stays under about 90 s on 2 cores.
const DURATIONS = { default: { hello: 4, light: 4 }, quick: { hello: 2, light: 2 } };
const CONNECTIONS = 32;
const HEAVY_N = 32;
const UNITS = { 'hello.rps': 'req/s', 'hello.p99': 'ms', 'light.rps': 'req/s', 'light.p99': 'ms' };
const LABELS = {
  'hello.rps': `hello world, ${CONNECTIONS} keep-alive connections`,
  'hello.p99': '  latency p99',
  'light.rps': `GET / while fib(${HEAVY_N}) runs on 2 connections`,
  'light.p99': '  latency p99',
};

function load(url, connections, seconds) {
  return autocannon({ url, connections, duration: seconds, pipelining: 1 });
}

async function main() {
  let args;
  try {
    args = parseBenchArgs(process.argv.slice(2), { defaultRounds: 2, extra: { from: { type: 'string' } } });
  } catch (error) {
    console.error(`${error.message}\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const format = args.markdown ? formatMarkdown : formatResults;
  if (typeof args.values.from === 'string') {
    const saved = JSON.parse(readFileSync(args.values.from, 'utf8').trimEnd().split('\n').pop());
    const present = SUBJECTS.filter((s) => saved.results.some((r) => r.subject === s));
    console.log(format(saved, { subjects: present, metrics: Object.keys(UNITS), labels: LABELS }));
    return 0;
  }
  const unknown = (args.only ?? []).filter((s) => !SUBJECTS.includes(s));
  if (unknown.length > 0) {
    console.error(`Unknown subject(s) in --only: ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const loadBefore = loadavg()[0];
  const d = args.quick ? DURATIONS.quick : DURATIONS.default;
  const pick = (list) => list.filter((s) => args.only === undefined || args.only.includes(s));
  const progress = createProgress({ quiet: args.json });
  const { attempt, ...attempts } = createAttempts({ progress });
  const samples = new Samples();

  const helloSubjects = pick(HELLO_SUBJECTS);
  for (let round = 0; round < args.rounds; round++) {
    for (const subject of roundOrder(helloSubjects, round)) {
      await attempt(`round ${round + 1}: ${subject} hello world`, async () => {
        const server = await startSubject(subject);
        try {
          const result = await load(`http://127.0.0.1:${server.port}/`, CONNECTIONS, d.hello);
          if (result.errors > 0 || result.non2xx > 0) {
            throw new Error(`${result.errors} errors, ${result.non2xx} non-2xx responses`);
          }
          samples.record(subject, 'hello.rps', result.requests.average);
          samples.record(subject, 'hello.p99', result.latency.p99);
        } finally {
          await server.stop();
        }
      });
    }
  }

  const heavySubjects = pick(['hive', 'inline']);
  if (heavySubjects.length > 0) {
    await attempt('light route under heavy load', async () => {
      const api = await startSubject('api', {
        argv: (port) => ['dist/cli/hive.js', 'run', 'examples/api/server.ts', '-i', '2', '--port', String(port)],
      });
      try {
        const base = `http://127.0.0.1:${api.port}`;
        // Warm the pools' threads (and tsx) before measuring.
        await load(`${base}/compute?n=20`, 4, 1);
        for (let round = 0; round < args.rounds; round++) {
          for (const subject of roundOrder(heavySubjects, round)) {
            const route = subject === 'hive' ? 'compute' : 'compute-inline';
            const heavy = load(`${base}/${route}?n=${HEAVY_N}`, 2, d.light + 1);
            const light = await load(`${base}/`, 4, d.light);
            await heavy;
            samples.record(subject, 'light.rps', light.requests.average);
            samples.record(subject, 'light.p99', light.latency.p99);
          }
        }
      } finally {
        await api.stop();
      }
    });
  }
  progress.done();

  const present = SUBJECTS.filter((s) => samples.values(s, 'hello.rps').length + samples.values(s, 'light.p99').length);
  const results = samples.toResults(present, UNITS);
  const contract = buildContract({ bench: 'http', results });
  if (args.json) {
    console.log(JSON.stringify(contract));
  } else {
    console.log(
      `HTTP bench (${args.quick ? 'quick run' : 'full run'}): node ${contract.node}, ${contract.cpus} cpus, ` +
        `${args.rounds} round(s), median of rounds, load average ${loadBefore.toFixed(2)} before / ` +
        `${loadavg()[0].toFixed(2)} after`,
    );
    console.log(format(contract, { subjects: present, metrics: Object.keys(UNITS), labels: LABELS }));
    if (attempts.failures > 0) console.log(`${attempts.failures} measurement(s) failed, see stderr`);
  }
  return attempts.failures > 0 ? 1 : 0;
}

process.exitCode = await main();
