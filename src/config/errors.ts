import { HiveError } from '../errors.js';

/** One problem of a config file: the key at fault (undefined for the file itself) and what is wrong with it. */
export interface ConfigIssue {
  /** A path like `apps[0] (api).instances`, as {@link ConfigError.key}. */
  readonly key: string | undefined;
  /** What is wrong, without the file and the key: `unknown key: not a Hive or PM2 app option`. */
  readonly message: string;
}

/** How many problems the message lists; {@link ConfigError.issues} has them all. */
const kListed = 20;

/**
 * A config file could not be read, or a value in it is wrong. `file` and `key` (a path like `apps[0].instances`) name
 * it.
 */
export class ConfigError extends HiveError {
  readonly file: string;
  readonly key: string | undefined;
  /**
   * Every problem found in the one read, the first being `key`'s (at least that one): a 40-app file with three bad apps
   * named only the first, one run per mistake. The message's first line is the first's, as it was before others were
   * collected; each other is a line of its own in the same form (`<file>: <key>: <message>`), up to 20 in all, then
   * "and N more". Checks that need the file to parse first (a name used twice, a `cwd` that is not there) add theirs
   * only once the rest pass.
   */
  readonly issues: readonly ConfigIssue[];
  /**
   * What the file held, as read (before any translation), when it was read and then refused: `hive stop <config>`
   * takes the names from it (cli/config-app-names.ts) rather than running a JavaScript or TypeScript file twice.
   */
  content?: unknown;

  constructor(
    file: string,
    key: string | undefined,
    message: string,
    options?: { cause?: unknown; more?: readonly ConfigIssue[] },
  ) {
    const issues = [{ key, message }, ...(options?.more ?? [])];
    const lines = issues.slice(0, kListed).map((issue) => issueLine(file, issue));
    if (issues.length > kListed) lines.push(`and ${issues.length - kListed} more`);
    super('ERR_HIVE_CONFIG', lines.join('\n'), options?.cause === undefined ? undefined : { cause: options.cause });
    this.file = file;
    this.key = key;
    this.issues = issues;
  }

  /** The error of `issues` (at least one), found in one read of `file`. */
  static of(file: string, issues: readonly ConfigIssue[]): ConfigError {
    const [first, ...more] = issues as [ConfigIssue, ...ConfigIssue[]];
    return new ConfigError(file, first.key, first.message, { more });
  }
}

function issueLine(file: string, { key, message }: ConfigIssue): string {
  return key === undefined ? `${file}: ${message}` : `${file}: ${key}: ${message}`;
}
