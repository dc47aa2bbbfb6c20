import { createRequire } from 'node:module';

const cache = createRequire(import.meta.url).cache;

/**
 * Runs `load` and then drops from the CommonJS require cache every module it brought in (a config file, the `.json`
 * and `.js` or `.ts` files it requires), so that the next load of the file reads them all again. What was cached
 * before stays: a module the process itself uses is not loaded twice. ES modules have no such cache to drop.
 */
export async function withFreshRequires<T>(load: () => Promise<T>): Promise<T> {
  const before = new Set(Object.keys(cache));
  try {
    return await load();
  } finally {
    for (const key of Object.keys(cache)) if (!before.has(key)) delete cache[key];
  }
}
