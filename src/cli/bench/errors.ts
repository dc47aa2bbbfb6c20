import { HiveError } from '../../errors.js';

/** `hive bench <url>`: the URL's host did not accept a TCP connection (refused, unknown host, timed out). */
export class BenchUnreachableError extends HiveError {
  readonly url: string;

  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_HIVE_BENCH_UNREACHABLE', `Cannot reach ${url}: ${reason}`, options);
    this.url = url;
  }
}

/**
 * `hive bench`: a server of one configuration (`hive run` of examples/api, or nginx in front of it) exited, did not
 * answer `GET /` in time, or answered a warm-up request with an error. The message ends with the tail of its stderr.
 */
export class BenchServerError extends HiveError {
  readonly configuration: string;
  /** The message without the configuration's name, to say it again of another configuration sharing the server. */
  readonly reason: string;

  constructor(configuration: string, reason: string, options?: { cause?: unknown }) {
    super('ERR_HIVE_BENCH_SERVER', `${configuration}: ${reason}`, options);
    this.configuration = configuration;
    this.reason = reason;
  }
}

/**
 * `hive bench --only <names>`: every configuration named was skipped (nginx-cluster-pool where nginx is missing), so
 * nothing was measured. A CI job that asked for exactly those configurations would otherwise pass on no figures.
 */
export class BenchSkippedError extends HiveError {
  readonly skipped: readonly { name: string; reason: string }[];

  constructor(skipped: readonly { name: string; reason: string }[]) {
    super(
      'ERR_HIVE_BENCH_SKIPPED',
      `nothing measured: every configuration --only asked for was skipped (${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')})`,
    );
    this.skipped = skipped;
  }
}
