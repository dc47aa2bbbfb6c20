import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Worker } from 'node:worker_threads';

/**
 * Where hive/runtime's preload (runtime/register.ts, which a Hive primary loads into every app process with
 * `--import`) records its own URL. A `Symbol.for` key: the preload may be another copy of Hive than this pool's (the
 * primary's install, the app's node_modules).
 */
export const RUNTIME_PRELOAD = Symbol.for('hive.runtime.preload');

/**
 * The parent's Node flags as a pool worker gets them when the pool is given no `execArgv`, or undefined to leave them
 * to Node's own inheritance (when nothing is to be dropped: Node passes on silently flags that an explicit list may
 * not hold, see {@link startThread}). Dropped:
 * - `--input-type`, which every thread refuses (`node --input-type=module -e ...`);
 * - the `--import` of hive/runtime's preload: the runtime is inert in a worker (it serves the app process its
 *   primary started), and would only cost each thread or child its start-up time and memory. The app's other flags
 *   (a tsx loader, its own `--import` or `--require`, `--conditions`...) are kept.
 */
export function inheritedExecArgv(flags: readonly string[] = process.execArgv): string[] | undefined {
  const preload = (globalThis as { [RUNTIME_PRELOAD]?: unknown })[RUNTIME_PRELOAD];
  const kept: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (flag.startsWith('--input-type')) continue;
    if (typeof preload === 'string') {
      if (flag === '--import' && isPreload(flags[i + 1], preload)) {
        i++;
        continue;
      }
      if (flag.startsWith('--import=') && isPreload(flag.slice('--import='.length), preload)) continue;
    }
    kept.push(flag);
  }
  return kept.length === flags.length ? undefined : kept;
}

// The primary gives the preload as a file: URL (cluster/supervisor.ts); a path names it too (relative: to the
// current directory, as Node resolves it).
function isPreload(specifier: string | undefined, preload: string): boolean {
  if (specifier === undefined) return false;
  if (specifier === preload) return true;
  const path = isAbsolute(specifier) || /^\.\.?\//.test(specifier);
  return path && pathToFileURL(resolve(specifier)).href === preload;
}

/**
 * Node flags that make node run something other than the script it is given: code of its own (`-e`, `--eval`, `-p`,
 * `--print`, `-pe`), the test runner (`--test` and its `--test-*` options; with `--test-isolation=none` the test file's
 * own process has them, and a child would run the pool's entry as a test file, its report in the parent's output), a
 * watcher that runs the script in a child of its own (`--watch`, `--watch-path`...), a syntax check (`-c`, `--check`),
 * the REPL (`-i`, `--interactive`). Matched on the flag's name, before any `=`.
 */
const RUNS_SOMETHING_ELSE =
  /^(?:-e|--eval|-p|--print|-pe|-ep|--test|--test-[\w-]+|--experimental-test-(?:coverage|isolation)|--watch|--watch-[\w-]+|-c|--check|-i|--interactive)$/;

/**
 * The flags of a child process under `isolation: 'process'` when the pool is given no `execArgv`: the
 * {@link inheritedExecArgv} ones (all of the parent's when none is dropped), without those that say what the parent
 * runs ({@link RUNS_SOMETHING_ELSE}), which the child would run instead of the pool's entry, or around it: the code of
 * a `node -e` parent starts a pool in turn, and so on, a child per level. A thread runs its own entry whatever these
 * say.
 */
export function childExecArgv(): string[] {
  const flags = inheritedExecArgv() ?? process.execArgv;
  return withoutFlags(flags, (flag) => RUNS_SOMETHING_ELSE.test(flag.split('=', 1)[0]!));
}

/**
 * `flags` without those `drop` matches, each with its value when that is the next entry (`-e <code>`,
 * `--test-reporter spec`, `--title x`) rather than after an `=`: execArgv ends before the script, so an entry that is
 * not a flag is the value of the one before it.
 */
function withoutFlags(flags: readonly string[], drop: (flag: string) => boolean): string[] {
  const kept: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    if (!drop(flag)) {
      kept.push(flag);
      continue;
    }
    const next = flags[i + 1];
    if (!flag.includes('=') && next !== undefined && !next.startsWith('-')) i++;
  }
  return kept;
}

// The flags a thread was started with in the end, per list the pool would have given: a pool starts many threads, and
// a list Node refused once it refuses again.
const accepted = new Map<string, string[] | undefined>();

/**
 * Starts a thread (`start` is `new Worker` with the flags given) with the {@link inheritedExecArgv} flags. Node refuses
 * in an explicit list the flags that belong to the process rather than a thread (V8's `--max-old-space-size` or
 * `--stack-size`, `--title`, `--openssl-legacy-provider`...: ERR_WORKER_INVALID_EXEC_ARGV, at `new Worker`), which its
 * inheritance passes on without a word. They act process-wide anyway, so the thread loses nothing without them: they
 * are dropped. Should Node refuse the list still, or its refusal not name the flags as expected, the thread inherits
 * as Node does, preload included.
 */
export function startThread(start: (execArgv: string[] | undefined) => Worker): Worker {
  const flags = inheritedExecArgv();
  if (flags === undefined) return start(undefined);
  const key = JSON.stringify(flags);
  if (accepted.has(key)) return start(accepted.get(key));
  const startWith = (execArgv: string[] | undefined): Worker => {
    const worker = start(execArgv);
    accepted.set(key, execArgv);
    return worker;
  };
  try {
    return startWith(flags);
  } catch (error) {
    if ((error as { code?: unknown }).code !== INVALID_FLAGS) throw error;
    const kept = withoutRefused(flags, String((error as Error).message));
    if (kept !== undefined) {
      try {
        return startWith(kept);
      } catch (again) {
        if ((again as { code?: unknown }).code !== INVALID_FLAGS) throw again;
      }
    }
  }
  return startWith(undefined);
}

const INVALID_FLAGS = 'ERR_WORKER_INVALID_EXEC_ARGV';

/**
 * `flags` without those Node's refusal names
 * (`Initiated Worker with invalid execArgv flags: --title, --stack-size=900`), and the value that follows a refused
 * flag given apart from it (`--title x`: Node names `--title` alone); undefined when the message names none of them as
 * expected.
 */
function withoutRefused(flags: readonly string[], message: string): string[] | undefined {
  const named = message.slice(message.lastIndexOf(': ') + 2).split(', ');
  if (!named.every((flag) => flags.includes(flag))) return undefined;
  const refused = new Set(named);
  return withoutFlags(flags, (flag) => refused.has(flag));
}
