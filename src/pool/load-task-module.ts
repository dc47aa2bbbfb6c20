import { pathToFileURL } from 'node:url';

export type TaskFunction = (input: unknown, context: TaskContext) => unknown;

/** The second argument every task function receives. */
export interface TaskContext {
  /** Sends a progress value to the caller's `onProgress` (ignored when the caller passed none). */
  progress(value: unknown): void;
}

const typescript = /\.(c|m)?tsx?$/;

/**
 * Imports a task module inside a worker and returns its function exports by name (`default` included). TypeScript
 * modules load through tsx's scoped loader, so no build step and no process-wide loader hook is needed.
 */
export async function loadTaskModule(filename: string): Promise<Map<string, TaskFunction>> {
  const url = filename.startsWith('file:') ? filename : pathToFileURL(filename).href;
  let mod: Record<string, unknown>;
  if (typescript.test(new URL(url).pathname)) {
    const { tsImport } = await import('tsx/esm/api');
    mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  } else {
    mod = (await import(url)) as Record<string, unknown>;
  }
  return functionExports(mod);
}

function functionExports(mod: Record<string, unknown>): Map<string, TaskFunction> {
  const fns = new Map<string, TaskFunction>();
  const addAll = (source: unknown) => {
    if (typeof source !== 'object' && typeof source !== 'function') return;
    if (source === null) return;
    for (const [key, value] of Object.entries(source)) {
      if (typeof value === 'function' && !fns.has(key)) fns.set(key, value as TaskFunction);
    }
  };
  addAll(mod);
  const fallback = mod.default;
  // CommonJS `module.exports = { a, b }` and transpiled `exports.default = fn` both land under `default`.
  if (typeof fallback === 'object' && fallback !== null) {
    addAll(fallback);
    const inner = (fallback as Record<string, unknown>).default;
    if (typeof inner === 'function') fns.set('default', inner as TaskFunction);
  }
  return fns;
}
