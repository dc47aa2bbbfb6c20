import { fileURLToPath, pathToFileURL } from 'node:url';
import { isPromise } from 'node:util/types';
import { loadTypeScript } from '../load-typescript.js';
import { TaskModuleError } from './errors.js';

export type TaskFunction = (input: unknown, context: TaskContext) => unknown;

/** The second argument every task function receives. */
export interface TaskContext {
  /** Sends a progress value to the caller's `onProgress` (ignored when the caller passed none). */
  progress(value: unknown): void;
}

const typescript = /\.(c|m)?tsx?$/;

/**
 * Imports a task module inside a worker and returns its function exports by name (`default` included). TypeScript
 * modules load through tsx's scoped loaders (load-typescript.ts), so no build step and no process-wide loader hook is
 * needed.
 *
 * An export that is a Promise (piscina's idiom for an async init: `export default (async () => { await init();
 * return handler; })()`) is awaited here, once per worker, before the worker takes a task; `initialising` is called
 * first when there is one, so the pool knows that the wait is the module's own. Its value counts if it is a function.
 * A rejection fails the load with a TaskModuleError naming the export. Only native Promises: awaiting any thenable
 * would run a lazy one (a query builder) that a module merely exports.
 */
export async function loadTaskModule(
  filename: string,
  initialising: () => void = () => {},
): Promise<Map<string, TaskFunction>> {
  const url = filename.startsWith('file:') ? filename : pathToFileURL(filename).href;
  let mod: Record<string, unknown>;
  if (typescript.test(new URL(url).pathname)) {
    mod = (await loadTypeScript(fileURLToPath(url), import.meta.url, false)) as Record<string, unknown>;
  } else {
    mod = (await import(url)) as Record<string, unknown>;
  }
  const candidates = exportCandidates(mod);
  const promised = [...candidates].filter((entry): entry is [string, Promise<unknown>] => isPromise(entry[1]));
  if (promised.length > 0) {
    initialising();
    // All at once, each awaited: a second rejection must not go unhandled (it would end the worker).
    await Promise.all(
      promised.map(async ([name, promise]) => {
        try {
          candidates.set(name, await promise);
        } catch (reason) {
          throw new TaskModuleError(filename, reason, name);
        }
      }),
    );
  }
  const fns = new Map<string, TaskFunction>();
  for (const [name, value] of candidates) if (typeof value === 'function') fns.set(name, value as TaskFunction);
  return fns;
}

/** The exports that may be tasks, by name: functions, and Promises that may resolve to one. */
function exportCandidates(mod: Record<string, unknown>): Map<string, unknown> {
  const candidates = new Map<string, unknown>();
  const usable = (value: unknown) => typeof value === 'function' || isPromise(value);
  const addAll = (source: unknown) => {
    if (typeof source !== 'object' && typeof source !== 'function') return;
    if (source === null) return;
    for (const [key, value] of Object.entries(source)) {
      if (usable(value) && !candidates.has(key)) candidates.set(key, value);
    }
  };
  addAll(mod);
  const fallback = mod.default;
  // CommonJS `module.exports = { a, b }` and transpiled `exports.default = fn` both land under `default`; a CommonJS
  // `module.exports = promise` lands there too, and is the default export itself.
  if (typeof fallback === 'object' && fallback !== null && !isPromise(fallback)) {
    addAll(fallback);
    const inner = (fallback as Record<string, unknown>).default;
    if (usable(inner)) candidates.set('default', inner);
  }
  return candidates;
}
