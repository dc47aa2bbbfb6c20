// Type checks of the Supervisor's options at the door: each names the key and what it expected, as the other checks do.
import { assertEnvValues } from '../env-values.js';
import { envKeySuffix, envVariableProblem } from '../env-variable.js';
import { describeValue, InvalidArgumentError } from '../errors.js';

/**
 * Refuses a key that is not in `known`: a misspelt option (`instancez`, `killtimeout`) would otherwise be dropped
 * without a word, and the app run without what was asked for.
 */
export function assertKnownKeys(value: object, known: ReadonlySet<string>, what: string): void {
  for (const key of Object.keys(value)) {
    if (!known.has(key)) {
      throw new InvalidArgumentError(`Unknown ${what} option \`${key}\` (known: ${[...known].join(', ')})`);
    }
  }
}

/**
 * An array of strings, copied; `[]` when not given. A string is refused rather than split: `'--a --b'` is not a
 * list of two, and each of its characters spread as a flag starts a process that hangs.
 */
export function stringList(value: unknown, key: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(`Expected \`${key}\` to be an array of strings, got ${describeValue(value)}`);
  }
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string') {
      throw new InvalidArgumentError(`Expected \`${key}[${index}]\` to be a string, got ${describeValue(item)}`);
    }
  });
  return [...(value as string[])];
}

/**
 * An app's environment (`key`: `env`; `context`: `reload ` for a reload's, said before it), copied: an object of
 * strings (or undefined: unset) whose every variable can reach the app (env-variable.ts, the rule of the config file,
 * `--env`, the daemon and deploy: no empty name, no `=` or NUL in a name, no NUL in a value, not `__proto__`). Refused
 * here, at construction, rather than by child_process at the first fork, or dropped or renamed on the way.
 */
export function envRecord(value: unknown, key: string, context = ''): Record<string, string | undefined> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidArgumentError(
      `Expected ${context}\`${key}\` to be an object of strings, got ${describeValue(value)}`,
    );
  }
  // A value undefined unsets the variable, as child_process leaves it out (`{ ...process.env, DEBUG: undefined }`);
  // kept as undefined, so that it is laid over the primary's own environment too.
  assertEnvValues(value, (name) => `${context}\`${key}${envKeySuffix(name)}\``);
  const copy: Record<string, string | undefined> = {};
  for (const [name, item] of Object.entries(value)) copy[name] = item as string | undefined;
  // The given object's own keys: the copy cannot hold an own `__proto__` (assigning it sets the prototype).
  for (const [name, item] of Object.entries(value as object)) {
    const problem = envVariableProblem(name, item);
    if (problem !== undefined) {
      throw new InvalidArgumentError(`Invalid ${context}\`${key}${envKeySuffix(name)}\`: ${problem}`);
    }
  }
  return copy;
}

/**
 * The one rule of an app given both a port and a PORT in its own env (`hive run` and `hive start` flags, a config
 * file's app, the Supervisor's options): the processes get the port as PORT, so another PORT would be dropped without
 * a word, and which of the two was meant is not guessed. The same value twice is no conflict. Undefined when they
 * agree or either is missing; else why, for the caller to put after the two keys it names (`port` 3000 and `env`
 * PORT=4000, as the caller's input has them).
 */
export function portEnvConflict(port: number | undefined, envPort: string | undefined): string | undefined {
  if (port === undefined || envPort === undefined || envPort === String(port)) return undefined;
  return `name two ports for the app: give one (its processes would get PORT=${port}, and ${envPort} be dropped)`;
}

/** A boolean, `fallback` when not given. */
export function booleanOption(value: unknown, key: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  throw new InvalidArgumentError(`Expected \`${key}\` to be a boolean, got ${describeValue(value)}`);
}

/** A non-empty string, or undefined when not given. */
export function textOption(value: unknown, key: string, expected = 'a non-empty string'): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  throw new InvalidArgumentError(`Expected \`${key}\` to be ${expected}, got ${describeValue(value)}`);
}

/**
 * `nodeArgs` as given, unless one turns on node's watch mode (`--watch`, `--watch-path`): that runs the script in a
 * child of its own, which is no cluster worker (it takes the port by itself and its parent never becomes ready), so
 * the start failed only at `listenTimeout`, naming the port.
 */
export function clusterNodeArgs(value: unknown): string[] {
  const nodeArgs = stringList(value, 'nodeArgs');
  const watch = nodeArgs.find((flag) => /^--watch(?:-path)?(?:=|$)/.test(flag));
  if (watch !== undefined) {
    throw new InvalidArgumentError(
      `\`nodeArgs\` may not hold ${watch}: node's watch mode runs the app in a child that is no cluster worker; ` +
        "Hive watches the files itself: `hive start --watch` (a config's `watch`), which reloads without downtime",
    );
  }
  return nodeArgs;
}

// A peer that never answers a drain's close of its idle connection is destroyed this long after it (server-tracker.ts).
const UNANSWERED_CLOSE_MS = 1_000;

/**
 * The warning for a `killTimeout` that a drain of one idle kept-alive connection can use up, or undefined: such a
 * connection holds the drain for up to two `drainIdleGrace`s (bytes that are not yet a whole request head earn it the
 * second: runtime/server-tracker.ts) and a second more if the client never answers the close, and only then do the
 * `onShutdown` hooks run. The SIGKILL at killTimeout would come first. Checked where every way in meets (a `hive run`
 * flag, `hive start`, a config file's `killTimeout`, which reach the cluster primary as `--kill-timeout`).
 */
/**
 * Refuses `maxMemoryRestart` with `memoryReportInterval` 0: the memory guard reads the RSS the reports carry, so
 * without them the limit would silently never apply. Sizes in bytes, the interval in ms.
 */
export function assertMemoryReports(maxMemoryRestart: number | undefined, memoryReportInterval: number): void {
  if (maxMemoryRestart !== undefined && memoryReportInterval === 0) {
    throw new InvalidArgumentError(
      '`maxMemoryRestart` needs memory reports, and `memoryReportInterval` 0 turns them off: give an interval (1s)',
    );
  }
}

export function killTimeoutWarning(killTimeout: number, drainIdleGrace: number): string | undefined {
  const drain = 2 * drainIdleGrace + UNANSWERED_CLOSE_MS;
  if (killTimeout > drain) return undefined;
  return (
    `--kill-timeout (killTimeout) ${durationText(killTimeout)} is not above twice --drain-idle-grace ` +
    `(drainIdleGrace) ${durationText(drainIdleGrace)} plus 1s: a kept-alive connection that a client keeps idle ` +
    'holds a draining process that long, and its SIGKILL would come before the onShutdown hooks run; ' +
    `give --kill-timeout more than ${durationText(drain)}, plus the time the hooks take`
  );
}

/** Whole seconds as `3s`, else milliseconds (`1500ms`), as the flags take them: for messages that name a duration. */
export function durationText(ms: number): string {
  return ms % 1_000 === 0 && ms > 0 ? `${ms / 1_000}s` : `${ms}ms`;
}
