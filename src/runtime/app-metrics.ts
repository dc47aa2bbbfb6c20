import { createRequire } from 'node:module';

interface PromClient {
  register?: { getMetricsAsJSON(): Promise<unknown[]> | unknown[] };
}

const PROM_CLIENT_ENTRY = /[\\/]node_modules[\\/]prom-client[\\/]index\.js$/;

/**
 * The app's own prom-client default-registry metrics as JSON (`register.getMetricsAsJSON()`), or null when the app
 * has not loaded prom-client. The runtime never loads it itself: it looks for the app's copy in the CommonJS module
 * cache (an ESM `import` of prom-client, a CommonJS package, lands there too), and only when the primary asks.
 */
export async function appPromMetrics(): Promise<unknown[] | null> {
  const cache = createRequire(import.meta.url).cache;
  for (const [path, module] of Object.entries(cache)) {
    if (!PROM_CLIENT_ENTRY.test(path)) continue;
    const register = (module?.exports as PromClient | undefined)?.register;
    if (register && typeof register.getMetricsAsJSON === 'function') return await register.getMetricsAsJSON();
  }
  return null;
}
