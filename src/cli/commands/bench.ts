import { HiveError } from '../../errors.js';
import { helpHint } from '../../parse-args-message.js';
import { type AppBenchReport, runAppBench } from '../bench/app-bench.js';
import { type BenchArgs, benchUsage, parseBenchArgs } from '../bench/bench-args.js';
import { writeReport } from '../bench/bench-report.js';
import { BenchSkippedError } from '../bench/errors.js';
import { formatReportText } from '../bench/result-table.js';
import { StatusLine } from '../bench/status-line.js';
import { formatUrlReport, runUrlBench, unsuccessfulRun } from '../bench/url-bench.js';
import { errorLine } from '../error-line.js';
import { shellQuote } from '../shell-quote.js';

/** The signals that end a bench run, its servers stopped first. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `hive bench [url] [options]`: without a URL, examples/api in each configuration (single process or cluster, heavy
 * work inline or on the pool, nginx in front) under a mixed light/heavy load; with one, autocannon against that URL.
 * Exit codes: 0 measured, 1 a configuration or the URL could not be measured (for a URL: no response was 2xx or 3xx;
 * without one: every configuration --only named was skipped), 2 bad input.
 */
export default async function bench(argv: string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error) {
    printError(error, helpHint(error, 'bench'));
    return 2;
  }
  if (args.mode === 'help') {
    process.stdout.write(`${benchUsage}\n`);
    return 0;
  }
  const status = new StatusLine({ quiet: args.json });
  // Ctrl-C ends the load in progress; the servers the bench started are stopped before it exits. A second signal
  // changes nothing (`on`, not `once`): ending the bench then, before it has stopped its servers (it may be waiting for
  // one to start, or for the load to end), left them running, orphaned. A server slow to stop gets SIGKILL after 10 s.
  // SIGHUP (the terminal closed) too: by default it ended the bench at once, and its servers, which take SIGHUP as a
  // reload (hive run, nginx), ran on, orphaned.
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  // The listeners stay until the process exits (hive.ts exits once stdout and stderr have drained, after this returns):
  // removed at the return, a second Ctrl-C in that wait ended the process by the signal (130), not with the exit code
  // documented.
  for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
  try {
    if (args.mode === 'url') {
      const report = await runUrlBench(args, status, abort.signal);
      status.clear();
      process.stdout.write(`${args.json ? JSON.stringify(report) : formatUrlReport(report)}\n`);
      // A run whose every answer was an error (a 500 from a broken deploy) measured no working service: a failed run
      // for a script or CI, as one with no response at all, the figures printed all the same.
      const unsuccessful = unsuccessfulRun(report);
      if (unsuccessful !== undefined) process.stderr.write(`hive bench: ${unsuccessful}: the run failed\n`);
      // Interrupted, the figures are of part of the run: exit 1, as an interrupted bench of the demo app does.
      return unsuccessful === undefined && !report.interrupted ? 0 : 1;
    }
    const report = await runAppBench({ ...args, status, signal: abort.signal });
    status.clear();
    process.stdout.write(`${args.json ? JSON.stringify(report) : formatReportText(report)}\n`);
    if (args.report !== undefined) {
      // Shell-quoted, so that the report's rerun line works as pasted (a path with a space, say).
      const command = ['hive bench', ...argv.filter((arg) => arg !== '--json').map(shellQuote)].join(' ');
      const [markdown, svg] = await writeReport(args.report, report, command);
      if (!args.json) process.stderr.write(`hive bench: wrote ${markdown} and ${svg}\n`);
    }
    // `--only` naming nothing that could run (nginx-cluster-pool without nginx) measured nothing: a failed run for CI,
    // the report printed all the same. Some of them skipped, the others measured: 0, the skip listed under the table.
    const skipped = args.only?.map((name) => report.skipped.find((s) => s.name === name));
    if (skipped?.every((s): s is AppBenchReport['skipped'][number] => s !== undefined) && !report.interrupted) {
      printError(new BenchSkippedError(skipped));
      return 1;
    }
    // Interrupted only if the signal cut or skipped a configuration: one during the last "stopping ..." cut nothing.
    return report.failed.length > 0 || report.interrupted ? 1 : 0;
  } catch (error) {
    status.clear();
    printError(error);
    return 1;
  }
}

/** Writes `hive bench: CODE: message` and, for a usage error, `hint` at its end (`; see hive bench --help`). */
function printError(error: unknown, hint = ''): void {
  process.stderr.write(errorLine('bench', error, undefined, error instanceof HiveError ? hint : ''));
}
