#!/usr/bin/env node
// HTTP cost bench: CPU instructions per hello-world request, counted by valgrind's callgrind, for one app process under
// each manager: plain node (single), the raw cluster script, `hive run -i 1` and PM2 (`pm2-runtime -i 1`). A count is
// the same on a busy machine as on an idle one, where req/s on 2 shared cores swings by 10-20% between identical runs:
// this bench tells apart what each manager adds per request, a few percent, which bench/http.js cannot.
// Counted: user-space instructions of every process of the subject (app process, and the manager as its own row), timer
// work taken out (measured over an idle window first). Not counted: the kernel's share (system calls, the same for
// every subject serving the same bytes). Needs valgrind (apt-get install -y valgrind); about 2 minutes per subject and round.
// `--close`: each request on a new connection (`Connection: close`), so that the counts include what the app process
// does per connection (accept, socket set-up, the runtime's per-connection tracking), which keep-alive hides.
// `--json` prints the bench contract of shared/DESIGN.md.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { freePort, subjectCommand } from './http/subjects.js';
import { benchCommand } from './lib/args.js';
import { callgrindMissing, instructionsPerRequest } from './lib/callgrind.js';
import { buildContract } from './lib/contract.js';
import { tempDir } from './lib/interrupt.js';
import { createProgress } from './lib/progress.js';
import { runRounds } from './lib/rounds.js';
import { median } from './lib/stats.js';
import { formatMarkdown, formatResults } from './lib/table.js';

const SUBJECTS = ['hive', 'raw-cluster', 'pm2', 'single'];
// Run only when named in --only: `hive run --no-http-metrics`, whose difference from hive is what the runtime's request
// counting costs per request.
const OPT_IN_SUBJECTS = ['hive-bare'];
const USAGE = `usage: node bench/http-cost.js [--json | --markdown] [--from FILE] [--quick] [--rounds N] [--only hive,pm2,...] [--close]
  --json     print only the contract JSON object (one line)
  --markdown print the results table as Markdown (for docs/benchmarks.md)
  --from F   run nothing: print the table of a saved --json output (file F, last line)
  --quick    smoke run: fewer requests (figures then include more of the JIT's warm-up), 1 round
  --rounds   rounds (default 2); figures are medians over rounds
  --only     subjects, comma-separated (${[...SUBJECTS, ...OPT_IN_SUBJECTS].join(', ')}; hive-bare only when named)
  --close    a new connection per request (Connection: close) instead of 10 keep-alive connections`;
// Under valgrind node serves about 1,000 requests a second: the warm-up lets V8 optimize the request path first.
// A new connection per request is about 3 times slower there: fewer of them, still enough for the JIT to settle.
const COUNTS = {
  default: { warm: 30_000, requests: 10_000 },
  quick: { warm: 2_000, requests: 2_000 },
  close: { warm: 10_000, requests: 5_000 },
  closeQuick: { warm: 2_000, requests: 1_000 },
};
const CONNECTIONS = 10;
const CLOSE_REQUEST = 'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n';
// The manager row gets no ratio: under valgrind a manager's timers run against a 50 times slower clock, and what is
// left after the idle window is taken out is not always per-request work (PM2's daemon shows thousands of instructions
// per request here and none on /proc in a native run); the app process is the figure to compare.
const BETTER = {
  'hello.instr': 'lower',
  'hello.instr.manager': 'none',
  'close.instr': 'lower',
  'close.instr.manager': 'none',
};
const LABELS = {
  'hello.instr': 'instructions per request, app process',
  'hello.instr.manager': '  manager process (no ratio, see docs)',
  'close.instr': 'instructions per request on a new connection, app process',
  'close.instr.manager': '  manager process (no ratio, see docs)',
};

function printTable(contract, format) {
  console.log(format(contract, { subjects: [...SUBJECTS, ...OPT_IN_SUBJECTS], labels: LABELS }));
}

async function serves(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

// One request on a new connection, which the server closes after its response: resolves to the response's status line.
function requestOnNewConnection(port) {
  return new Promise((resolve, reject) => {
    let head = '';
    const socket = connect(port, '127.0.0.1', () => socket.write(CLOSE_REQUEST));
    socket.setEncoding('latin1');
    socket.on('data', (chunk) => {
      if (head.length < 64) head += chunk;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(head.slice(0, head.indexOf('\r\n'))));
  });
}

// Exactly `amount` requests, each on its own connection, CONNECTIONS at a time. Not autocannon: with `Connection: close`
// it sends about half of `amount`, and the counts must divide by the number of requests the server really answered.
async function sendClosing(port, amount) {
  let started = 0;
  let failed = 0;
  const lane = async () => {
    while (started < amount) {
      started++;
      const status = await requestOnNewConnection(port);
      if (!status.startsWith('HTTP/1.1 200')) failed++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, lane));
  if (failed > 0) throw new Error(`${failed} of ${amount} requests on new connections were not answered 200`);
}

async function send(port, amount, close) {
  if (close) return sendClosing(port, amount);
  const result = await autocannon({ url: `http://127.0.0.1:${port}/`, connections: CONNECTIONS, amount });
  if (result.errors > 0 || result.non2xx > 0) {
    throw new Error(`${result.errors} errors and ${result.non2xx} non-2xx responses in ${amount} requests`);
  }
}

/** One subject under callgrind: its argv is bench/http's, with one app process. */
async function measure(subject, counts, close) {
  const port = await freePort();
  const command = subjectCommand(subject, port, 1);
  // Valgrind slows start-up about 50 times: Hive's default 10 s listen timeout would fail a healthy app.
  const args = subject.startsWith('hive')
    ? [...command.argv, '--listen-timeout', '5m', '--kill-timeout', '30s']
    : command.argv;
  const pm2Home = tempDir('hive-bench-pm2-');
  try {
    return await instructionsPerRequest({
      command: process.execPath,
      args,
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, PORT: String(port), WORKERS: '1', PM2_HOME: pm2Home.path },
      stopSignal: command.stop,
      ready: () => serves(port),
      warm: () => send(port, counts.warm, close),
      load: () => send(port, counts.requests, close),
      requests: counts.requests,
    });
  } finally {
    pm2Home.remove();
  }
}

async function main() {
  const args = benchCommand(process.argv.slice(2), {
    bench: 'http-cost',
    usage: USAGE,
    subjects: [...SUBJECTS, ...OPT_IN_SUBJECTS],
    printSaved: (saved, { markdown }) => printTable(saved, markdown ? formatMarkdown : formatResults),
    defaultRounds: 2,
    extra: { close: { type: 'boolean', default: false } },
  });
  if (typeof args === 'number') return args;
  const missing = await callgrindMissing();
  if (missing !== undefined) {
    console.error(missing);
    return 0;
  }
  const close = args.values.close === true;
  const counts = close ? (args.quick ? COUNTS.closeQuick : COUNTS.close) : args.quick ? COUNTS.quick : COUNTS.default;
  const metric = close ? 'close.instr' : 'hello.instr';
  const how = close ? 'a new connection each' : 'keep-alive';
  const subjects =
    args.only === undefined ? SUBJECTS : [...SUBJECTS, ...OPT_IN_SUBJECTS].filter((s) => args.only.includes(s));
  const progress = createProgress({ quiet: args.json });
  const bySubject = await runRounds({
    subjects,
    rounds: args.rounds,
    measure: (subject, round) => {
      progress.update(
        `round ${round + 1}/${args.rounds}, ${subject}: under callgrind (${counts.warm} + ${counts.requests} requests, ${how})`,
      );
      return measure(subject, counts, close);
    },
  });
  progress.done();
  const results = [];
  for (const [subject, runs] of bySubject) {
    // single: the root is the app; the others: the root is the manager, its one child the app.
    const app = runs.map((r) => (subject === 'single' ? r.root : r.children.reduce((sum, x) => sum + x, 0)));
    results.push({ subject, metric, value: median(app), unit: 'instr' });
    if (subject !== 'single') {
      results.push({ subject, metric: `${metric}.manager`, value: median(runs.map((r) => r.root)), unit: 'instr' });
    }
  }
  const contract = buildContract({ bench: 'http-cost', results, better: BETTER });
  if (args.json) console.log(JSON.stringify(contract));
  else printTable(contract, args.markdown ? formatMarkdown : formatResults);
  return 0;
}

process.exitCode = await main();
