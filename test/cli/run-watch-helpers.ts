// What the `hive run --watch` test files share: the served app, the run's flags, reading the app's answer over HTTP.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'undici';
import { type HiveRecord, isEvent, type startHive, until } from '../cluster/helpers.js';

/** The app's answer to `GET /`. */
export async function body(port: number): Promise<string> {
  const { body } = await request(`http://127.0.0.1:${port}/`, { reset: true });
  return body.text();
}

/** Each of the app's `count` processes answers `version` (the cluster deals requests round robin). */
export async function allServe(port: number, version: string, count: number): Promise<void> {
  let inARow = 0;
  await until(
    async () => {
      inARow = (await body(port).catch(() => '')) === version ? inARow + 1 : 0;
      return inARow >= 2 * count;
    },
    `every process serving ${version}`,
    60_000,
  );
}

/** Watcher quiet time for a negative check: a change the watcher saw would have reloaded by then (delay 200 ms). */
export const QUIET_MS = 2_000;

/** An app that answers `version` to every request, on $PORT. */
export const serving = (version: string) =>
  `import http from 'node:http';\nhttp.createServer((req, res) => res.end('${version}')).listen(process.env.PORT);\n`;

/** `hive run --watch` on `port`, with a short quiet time. */
export const watchArgs = (port: number) => ['--port', String(port), '--watch', '--watch-delay', '200ms'];

/**
 * Writes a change to `app` that still throws at load: its reload aborts, and the run says `waiting` (a second time)
 * after that reload's own report, not before it.
 */
export async function brokenChangeWaitsAgain(
  hive: ReturnType<typeof startHive>,
  app: string,
  waiting: (record: HiveRecord) => boolean,
): Promise<void> {
  writeFileSync(app, "throw new Error('still broken');\n");
  await hive.waitFor(isEvent('reload', { phase: 'aborted' }), 'the aborted reload', 60_000);
  await hive.waitFor(() => hive.records.filter(waiting).length === 2, 'the second wait', 60_000);
  const aborted = hive.records.findIndex(isEvent('reload', { phase: 'aborted' }));
  assert.ok(hive.records.findLastIndex(waiting) > aborted);
}
