import { createRequire } from 'node:module';

interface PromClient {
  register?: { getMetricsAsJSON(): Promise<unknown[]> | unknown[] };
}

interface MetricJson {
  values?: { value?: unknown }[];
}

const PROM_CLIENT_ENTRY = /[\\/]node_modules[\\/]prom-client[\\/]index\.js$/;

/**
 * The app's own prom-client default-registry metrics as JSON (`register.getMetricsAsJSON()`), or null when the app
 * has not loaded prom-client. The runtime never loads it itself: it looks for the app's copy in the CommonJS module
 * cache (an ESM `import` of prom-client, a CommonJS package, lands there too), and only when the primary asks.
 * A value that JSON cannot carry (NaN, ±Infinity, which the IPC channel would turn into null) is sent as its string
 * (`'NaN'`, `'Infinity'`, `'-Infinity'`), for the primary to read back with `Number()`.
 */
export async function appPromMetrics(): Promise<unknown[] | null> {
  const cache = createRequire(import.meta.url).cache;
  for (const [path, module] of Object.entries(cache)) {
    if (!PROM_CLIENT_ENTRY.test(path)) continue;
    const register = (module?.exports as PromClient | undefined)?.register;
    if (register && typeof register.getMetricsAsJSON === 'function') {
      return (await register.getMetricsAsJSON()).map(withNonFiniteAsStrings);
    }
  }
  return null;
}

/**
 * A family of `getMetricsAsJSON()` with NaN and ±Infinity values as strings, for an IPC channel. prom-client hands out
 * its own value objects (a gauge's live entries): copied where changed, never written to.
 */
export function withNonFiniteAsStrings(metric: unknown): unknown {
  const values = (metric as MetricJson).values;
  if (!Array.isArray(values) || values.every((v) => typeof v.value !== 'number' || Number.isFinite(v.value))) {
    return metric;
  }
  return {
    ...(metric as object),
    values: values.map((v) =>
      typeof v.value === 'number' && !Number.isFinite(v.value) ? { ...v, value: String(v.value) } : v,
    ),
  };
}
