import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freePort, type Hive, isEvent, startHive } from '../cluster/helpers.js';

/** The metrics fixture app that counts its requests with prom-client (app_served_total). */
export const promApp = new URL('../fixtures/metrics/prom-app.js', import.meta.url).pathname;
/** This checkout's prom-client, as the fixture app requires it: one module-cache entry for the app and a preload. */
export const promClient = new URL('../../node_modules/prom-client/index.js', import.meta.url).pathname;

/** A foreground Hive with a metrics endpoint; see startWithMetrics. */
export interface MetricsHive {
  hive: Hive;
  /** The metrics endpoint's base URL (`http://127.0.0.1:<port>`). */
  base: string;
  /** The app's port. */
  port: number;
}

/**
 * Starts `app` under `hive run`: `instances` processes on a free port, the metrics endpoint on port 0, then `extra`
 * flags, with `env` over the environment. Resolves once the endpoint listens and the app is online.
 */
export async function startWithMetrics(
  app: string,
  instances: number,
  extra: string[] = [],
  env: Record<string, string> = {},
): Promise<MetricsHive> {
  const port = await freePort();
  const hive = startHive([app, '-i', String(instances), '--port', String(port), '--metrics-port', '0', ...extra], env);
  const listening = await hive.waitFor(isEvent('metrics'), 'the metrics port');
  await hive.waitFor(isEvent('state', { state: 'online' }), 'the app online', 60_000);
  return { hive, base: listening.url as string, port };
}

/**
 * The node args of a preload that runs `source` with prom-client (promClient) as `client`: `--node-args=--require=<file>`,
 * the file in a temporary folder removed after `t`.
 */
export function promClientPreload(t: TestContext, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'hive-preload-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const preload = join(dir, 'preload.cjs');
  writeFileSync(preload, `const client = require(${JSON.stringify(promClient)});\n${source}`);
  return `--node-args=--require=${preload}`;
}
