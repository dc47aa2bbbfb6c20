import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { describeValue, InvalidArgumentError } from '../../errors.js';
import { parseArgsWithNegatives } from '../../negative-numbers.js';
import { parseArgsMessage } from '../../parse-args-message.js';
import { repeatedFlag, repeatedFlagMessage } from '../../repeated-flag.js';
import { reportPaths } from './bench-report.js';
import { CONFIGURATIONS } from './configurations.js';

export const benchUsage = `Usage: hive bench [options]          examples/api in each configuration, mixed light and heavy load
       hive bench <url> [options]    load-test any URL with autocannon

Without a URL, examples/api runs under hive run as: ${CONFIGURATIONS.map((c) => c.name).join(', ')}
(nginx-cluster-pool only where nginx is installed). Light requests (GET /) and heavy ones (fib on /compute-inline or
/compute) run at the same time on separate connections, and each route's req/s, p50 and p99 are reported.

Options:
  -d, --duration <s>       whole seconds of load (per configuration without a URL), 1-2147483; default 10
  -c, --connections <n>    connections in all, at most 10000; default 20 without a URL, 10 with one
      --json               print one JSON object on stdout, no progress
Without a URL:
      --heavy-share <x>    share of the connections on the heavy route, 0-1 (default 0.1, at least one connection)
      --heavy-n <n>        the heavy request computes fib(n), 1-42 (default 30, about 10 ms)
      --only <names>       configurations to run, comma-separated
      --report <file>      also write a Markdown report with the table, and an SVG chart beside it
      --port <n>           examples/api listens on n in each configuration (one runs at a time), nginx on n + 1;
                           default: free ports picked at random
With a URL (autocannon's options):
  -m, --method <method>    default GET; not HEAD (autocannon waits for a body that never comes)
  -H, --header <K: V>      request header, repeatable (K=V works too)
  -b, --body <body>        request body
  -p, --pipelining <n>     requests in flight per connection (default 1)
  -t, --timeout <s>        seconds before a request counts as timed out, 1-2147483 (default 10)
  -R, --rate <n>           at most n requests per second in all
  -a, --amount <n>         stop after n requests instead of after --duration (at least --connections)
  -h, --help               this help`;

/** `hive bench` without a URL: the configurations of examples/api. */
export interface AppModeArgs {
  mode: 'app';
  json: boolean;
  duration: number;
  connections: number;
  heavyConnections: number;
  heavyN: number;
  only: string[] | undefined;
  report: string | undefined;
  /** `--port`: the app's port (nginx's is the next one); undefined: free ports picked at random. */
  port: number | undefined;
}

/** `hive bench <url>`: autocannon against any URL. */
export interface UrlModeArgs {
  mode: 'url';
  json: boolean;
  url: string;
  duration: number;
  connections: number;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  pipelining: number;
  timeout: number;
  rate: number | undefined;
  amount: number | undefined;
}

export type BenchArgs = AppModeArgs | UrlModeArgs | { mode: 'help' };

/**
 * The longest --duration and --timeout, in seconds: autocannon arms Node timers with them, and a timer longer than
 * 2^31 - 1 ms fires after 1 ms (a run of one tick, every request timed out), with only a warning.
 */
const MAX_TIMER_SECONDS = 2_147_483;
// Each connection is a socket (and the table's figures per connection): past some thousands a run measures the client
// (-c 1000000 took 5 minutes of a 1 s run and ran out of memory), not the server.
const MAX_CONNECTIONS = 10_000;

const APP_ONLY = ['heavy-share', 'heavy-n', 'only', 'report', 'port'] as const;
const URL_ONLY = ['method', 'header', 'body', 'pipelining', 'timeout', 'rate', 'amount'] as const;

const benchOptions = {
  duration: { type: 'string', short: 'd' },
  connections: { type: 'string', short: 'c' },
  json: { type: 'boolean' },
  'heavy-share': { type: 'string' },
  'heavy-n': { type: 'string' },
  only: { type: 'string' },
  report: { type: 'string' },
  port: { type: 'string' },
  method: { type: 'string', short: 'm' },
  header: { type: 'string', short: 'H', multiple: true },
  body: { type: 'string', short: 'b' },
  pipelining: { type: 'string', short: 'p' },
  timeout: { type: 'string', short: 't' },
  rate: { type: 'string', short: 'R' },
  amount: { type: 'string', short: 'a' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

// The one flag `hive bench` takes more than once.
const REPEATABLE = new Set(['header']);

// parseArgs' own refusals are bare TypeErrors; an unknown flag is named with `hive bench --help`.
function parseOwnArgs(args: string[]) {
  const parsed = (() => {
    try {
      return parseArgsWithNegatives({
        args,
        allowPositionals: true,
        strict: true,
        tokens: true,
        options: benchOptions,
      });
    } catch (error) {
      throw new InvalidArgumentError(parseArgsMessage(error, 'bench', Object.keys(benchOptions)), { cause: error });
    }
  })();
  const repeated = repeatedFlag(parsed.tokens, REPEATABLE);
  if (repeated !== undefined) throw new InvalidArgumentError(repeatedFlagMessage(repeated));
  return parsed;
}

/** Parses `hive bench`'s arguments; throws InvalidArgumentError naming the culprit. */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const { values, positionals } = parseOwnArgs(argv);
  if (values.help) return { mode: 'help' };
  if (positionals.length > 1) {
    throw new InvalidArgumentError(
      `Expected at most one URL, got ${positionals.map((p) => JSON.stringify(p)).join(' ')}`,
    );
  }
  const json = values.json === true;
  // Whole seconds, as autocannon's own -d: it stops on its once-a-second sample tick, so 0.5 loaded for 1 s and 1.5
  // for 2 s while the report said 0.5 and 1.5.
  const duration = number(values.duration, '--duration', {
    min: 1,
    max: MAX_TIMER_SECONDS,
    integer: true,
    fallback: 10,
  });
  const url = positionals[0];
  if (url === undefined) {
    const urlFlag = URL_ONLY.find((flag) => values[flag] !== undefined);
    if (urlFlag) throw new InvalidArgumentError(`--${urlFlag} applies to hive bench <url>: give a URL`);
    const connections = number(values.connections, '--connections', {
      min: 2,
      max: MAX_CONNECTIONS,
      integer: true,
      fallback: 20,
    });
    const share = number(values['heavy-share'], '--heavy-share', { min: 0, max: 1, fallback: 0.1 });
    const heavyConnections = Math.min(connections - 1, Math.max(1, Math.round(connections * share)));
    const heavyN = number(values['heavy-n'], '--heavy-n', { min: 1, max: 42, integer: true, fallback: 30 });
    return {
      mode: 'app',
      json,
      duration,
      connections,
      heavyConnections,
      heavyN,
      only: parseOnly(values.only),
      report: parseReport(values.report),
      // Up to 65534: nginx takes the next port.
      port:
        values.port === undefined ? undefined : number(values.port, '--port', { min: 1, max: 65534, integer: true }),
    };
  }
  const appFlag = APP_ONLY.find((flag) => values[flag] !== undefined);
  if (appFlag) throw new InvalidArgumentError(`--${appFlag} applies to hive bench without a URL, not to ${url}`);
  const connections = number(values.connections, '--connections', {
    min: 1,
    max: MAX_CONNECTIONS,
    integer: true,
    fallback: 10,
  });
  const amount = values.amount === undefined ? undefined : number(values.amount, '--amount', { min: 1, integer: true });
  // autocannon shares --amount among the connections and throws, after the reachability check, when one would get none.
  if (amount !== undefined && amount < connections) {
    throw new InvalidArgumentError(
      `Expected --amount to be at least --connections (${connections}), got ${describeValue(values.amount)}`,
    );
  }
  return {
    mode: 'url',
    json,
    url: parseUrl(url),
    duration,
    connections,
    method: parseMethod(values.method),
    headers: parseHeaders(values.header ?? []),
    body: values.body,
    pipelining: number(values.pipelining, '--pipelining', { min: 1, integer: true, fallback: 1 }),
    // autocannon refuses a timeout under 1 s ("timeout must be greater than 0"), after the reachability check.
    timeout: number(values.timeout, '--timeout', { min: 1, max: MAX_TIMER_SECONDS, fallback: 10 }),
    rate: values.rate === undefined ? undefined : number(values.rate, '--rate', { min: 1, integer: true }),
    amount,
  };
}

function number(
  raw: string | undefined,
  flag: string,
  {
    min,
    max = Number.POSITIVE_INFINITY,
    integer = false,
    fallback,
  }: { min: number; max?: number; integer?: boolean; fallback?: number },
): number {
  if (raw === undefined && fallback !== undefined) return fallback;
  const value = Number(raw);
  if (
    raw === undefined ||
    raw.trim() === '' ||
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const range = max === Number.POSITIVE_INFINITY ? `>= ${min}` : `${min}-${max}`;
    throw new InvalidArgumentError(
      `Expected ${flag} to be ${integer ? 'an integer' : 'a number'} ${range}, got ${describeValue(raw)}`,
    );
  }
  return value;
}

function parseOnly(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = CONFIGURATIONS.map((c) => c.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (names.length === 0 || unknown.length > 0) {
    throw new InvalidArgumentError(
      `Expected --only to list configurations (${known.join(', ')}), got ${describeValue(raw)}`,
    );
  }
  return names;
}

/**
 * `--report`: a file. A folder (`--report docs/`, or `''`: the current one) is refused before the run, which would
 * otherwise end in EISDIR after all its load, with the chart written beside the folder (`docs.svg`). So is a path that
 * cannot be written (its parent a file, a folder not writable, the file or its `.svg` read-only). The parent folder
 * is not created here but by the report, once written (bench-report.ts): a run refused for another argument, or one
 * that fails before its report, leaves no empty folder. Its nearest folder that exists is checked for writing instead.
 */
function parseReport(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const [markdown, svg] = reportPaths(raw);
  try {
    if (raw === '' || statSync(raw, { throwIfNoEntry: false })?.isDirectory() === true) {
      throw new InvalidArgumentError(`Expected --report to be a file, got the folder ${describeValue(raw)}`);
    }
    // `--report x.svg` named the chart's own path: the Markdown overwrote the chart. Compared without case, as on a
    // case-insensitive disk (macOS, Windows) `X.SVG` and `X.svg` are one file.
    if (markdown.toLowerCase() === svg.toLowerCase()) {
      throw new InvalidArgumentError(
        `Expected --report to be the Markdown file, its chart written beside it as <name>.svg, got ${describeValue(raw)}`,
      );
    }
    checkCreatable(dirname(markdown));
    for (const file of [markdown, svg]) {
      const stats = statSync(file, { throwIfNoEntry: false });
      if (stats?.isDirectory()) throw Object.assign(new Error(`${file} is a folder`), { code: 'EISDIR' });
      if (stats !== undefined) accessSync(file, constants.W_OK);
    }
  } catch (error) {
    if (error instanceof InvalidArgumentError) throw error;
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new InvalidArgumentError(
      `Expected --report to be a file that can be written, got ${describeValue(raw)} (${reason})`,
      { cause: error },
    );
  }
  return raw;
}

// Throws, with the system's code, unless `mkdir -p folder` could make it (or it is there) and files can be created in
// it: the folder itself or its nearest ancestor that exists must be a folder, writable and searchable. A file on the
// way is ENOTDIR on every Node (statSync below it says so; Node 24's recursive mkdir said EEXIST, as if the report
// were there).
function checkCreatable(folder: string): void {
  for (let path = resolve(folder); ; path = dirname(path)) {
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats === undefined && dirname(path) !== path) continue;
    if (stats?.isDirectory() !== true) throw Object.assign(new Error(`${path} is not a folder`), { code: 'ENOTDIR' });
    accessSync(path, constants.W_OK | constants.X_OK);
    const kernel = KERNEL_FILE_SYSTEMS.get(statfsSync(path).type);
    if (kernel !== undefined) throw new Error(`${path} is on ${kernel}, the kernel's, where no file can be made`);
    return;
  }
}

// The kernel's own file systems, by statfs magic: root passes the access check there, and Node's recursive mkdir of a
// missing folder in /proc never settles (the report, written after the run, hung the bench at 100% CPU).
const KERNEL_FILE_SYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x27e0eb, 'cgroup'],
  [0x63677270, 'cgroup2'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0xcafe4a11, 'bpf'],
  [0x1cd1, 'devpts'],
  [0x6165676c, 'pstore'],
  [0x62656570, 'configfs'],
  [0xde5e81e4, 'efivarfs'],
]);

function parseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidArgumentError(`Expected an http:// or https:// URL, got ${describeValue(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`Expected an http:// or https:// URL, got ${describeValue(raw)}`);
  }
  return url.href;
}

function parseMethod(raw: string | undefined): string {
  if (raw === undefined) return 'GET';
  if (!/^[A-Za-z]+$/.test(raw))
    throw new InvalidArgumentError(`Expected --method to be an HTTP method, got ${describeValue(raw)}`);
  // autocannon's parser is not told a HEAD answer has no body: it waits for the body the headers announce (or for the
  // connection to close), so every request timed out against a server that answered them all.
  if (raw.toUpperCase() === 'HEAD') {
    throw new InvalidArgumentError(
      `Expected --method to be a method whose answers autocannon can read, got ${describeValue(raw)} (it waits for a HEAD answer's body: every request would time out)`,
    );
  }
  return raw.toUpperCase();
}

function parseHeaders(raw: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const entry of raw) {
    // `K: V` as curl writes it, or `K=V` as autocannon does.
    const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*[:=]\s?(.*)$/.exec(entry);
    if (!match) throw new InvalidArgumentError(`Expected --header to be "Name: value", got ${describeValue(entry)}`);
    headers[match[1]!] = match[2]!;
  }
  return headers;
}
