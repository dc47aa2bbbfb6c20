import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jsModuleType } from './package-type.js';
import { withFreshRequires } from './require-cache-scope.js';

/**
 * Loads a TypeScript file Hive loads itself (a config file, a pool task module) through tsx, resolving to what
 * `import()` of it would give (`default` holds a CommonJS module's `module.exports`).
 *
 * An ES module (`.mts`, or a `.ts` in a package of `"type": "module"`) goes through tsx's ESM API. A CommonJS one
 * (`.cts`, or a `.ts` elsewhere) goes through tsx's CommonJS API: through the ESM API, where tsx's hooks run off the
 * thread (tsx 4.23 keeps them on it from Node 22.22.3 and 24.11.1), Node 20 and 22.0 got the compiled code as a `data:`
 * module, whose `__dirname` is `data:text` and whose errors' stacks name no line, and 22.12 the compiled code's lines.
 * Its `import()` is left to Node (tsx's ESM hooks are not registered for it).
 *
 * `fresh` (a config file, read at each load): the file and the TypeScript files it requires are read again each call,
 * and tsx's hooks are gone after it. Otherwise (a pool task module, loaded once per worker) the hooks stay, for the
 * `require` calls its functions make later.
 */
export async function loadTypeScript(file: string, parentURL: string, fresh: boolean): Promise<unknown> {
  if (!isCommonJs(file)) {
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(pathToFileURL(file).href, parentURL).catch((error: unknown) => {
      throw withSourceNames(error, file);
    });
  }
  const { register } = await import('tsx/cjs/api');
  // A namespace of its own: tsx compiles only what this load requires, and caches it under `<path>?namespace=`.
  const namespace = `hive-${randomUUID()}`;
  const extensions = { ...moduleRequire.extensions };
  const api = register({ namespace });
  const load = async () => {
    try {
      return { default: api.require(file, parentURL) };
    } catch (error) {
      // Node maps a stack to the TypeScript source when it is first read, while tsx has source maps on.
      void (error as Error | undefined)?.stack;
      throw withSourceNames(error, file);
    } finally {
      if (fresh) {
        api.unregister();
        // tsx's unregister deletes the `.ts`, `.tsx` and `.jsx` handlers it set: one this process had (ts-node's) is
        // put back.
        for (const [ext, handler] of Object.entries(extensions)) moduleRequire.extensions[ext] ??= handler;
      }
    }
  };
  return fresh ? withFreshRequires(load) : load();
}

const moduleRequire = createRequire(import.meta.url);

/**
 * esbuild's syntax errors name the file tsx handed it, which for a `.cts` or `.mts` file is its name with `.ts`
 * (`/app/bad.ts:3:14: ERROR: Unexpected ";"` for bad.cts): a file that is not there. Named as it is on disk.
 */
function withSourceNames(error: unknown, loaded: string): unknown {
  if (!(error instanceof Error) || !error.message.includes(': ERROR: ')) return error;
  const rename = (text: string) =>
    text.replace(/(\S+)\.ts(:\d+:\d+: ERROR: )/g, (whole, base: string, rest: string) => {
      if (existsSync(`${base}.ts`)) return whole;
      const candidates = ['.cts', '.mts'].map((ext) => `${base}${ext}`).filter((name) => existsSync(name));
      // Both there: the one being loaded, if it is one of them; else no telling which.
      const real = candidates.includes(loaded) ? loaded : candidates.length === 1 ? candidates[0] : undefined;
      return real === undefined ? whole : `${real}${rest}`;
    });
  error.message = rename(error.message);
  if (typeof error.stack === 'string') error.stack = rename(error.stack);
  return error;
}

/** Whether tsx runs a file as CommonJS: a `.cts`, or a `.ts` or `.tsx` outside a `"type": "module"` package. */
function isCommonJs(file: string): boolean {
  const ext = extname(file);
  if (ext === '.cts') return true;
  if (ext === '.mts') return false;
  return jsModuleType(dirname(file)) === 'commonjs';
}
