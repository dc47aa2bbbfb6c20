// The live views (dashboard, `hive monit`) during a rolling reload: while the replacement of a slot starts (it has sent
// no report yet), the slot's row stays on the old process, which still serves, with its figures; it moves to the new
// process with the new one's first report.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { hivePaths } from '../../dist/daemon/paths.js';
import { daemonSnapshotSource } from '../../dist/daemon/snapshot-source.js';
import type { AppSnapshot } from '../../dist/metrics/snapshot.js';
import { tempApp } from '../cluster/helpers.js';
import { tempHome, waitFor } from '../daemon/helpers.js';

// The first process listens at once; a later one (the reload's replacement) only once the file `gate` exists.
const { dir, app } = tempApp(
  'hive-reload-row-',
  `import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
const here = new URL('.', import.meta.url).pathname;
const started = here + 'started';
const later = existsSync(started);
writeFileSync(started, '');
const listen = () => createServer((req, res) => res.end('ok')).listen(0);
if (!later) listen();
else {
  const timer = setInterval(() => {
    if (!existsSync(here + 'gate')) return;
    clearInterval(timer);
    listen();
  }, 50);
}
`,
);
const hive = tempHome();

test("a reload's replacement that has not reported yet does not take the slot's row from the serving old process", async () => {
  // Reports every 10 s: the replacement's first one comes that long after its fork, so that the check below reads the
  // snapshot before it on a loaded machine too (with the default 1 s, describe and the snapshot could come after it).
  await hive.json([
    'start',
    app,
    '-i',
    '1',
    '--name',
    'web',
    '--listen-timeout',
    '120s',
    '--memory-report-interval',
    '10s',
  ]);
  const source = daemonSnapshotSource({ paths: hivePaths({ HIVE_HOME: hive.home }) });
  const web = async (): Promise<AppSnapshot> => (await source.snapshot()).apps.find((a) => a.name === 'web')!;
  const before = await waitFor(async () => {
    const snapshot = await web();
    const row = snapshot.instances[0];
    return snapshot.state === 'online' && row?.state === 'ready' && row.rss !== null ? row : undefined;
  }, 'the first process ready and reporting');

  const reload = hive.json(['reload', 'web']);
  try {
    // The replacement is forked and waits for the gate: the daemon lists it beside the old process.
    await waitFor(async () => {
      const described = await hive.json<{ processes: { role: string }[] }>(['describe', 'web']);
      return described.processes.filter((p) => p.role === 'worker').length === 2;
    }, 'the replacement started');
    const during = await web();
    assert.equal(during.state, 'reloading');
    const row = during.instances[0]!;
    assert.deepEqual([row.pid, row.state], [before.pid, 'ready'], 'the old process, still serving');
    assert.ok(row.rss !== null && row.cpu !== null, 'with its figures');
  } finally {
    writeFileSync(join(dir, 'gate'), '');
    await reload;
  }
  const after = await waitFor(async () => {
    const row = (await web()).instances[0];
    return row && row.pid !== before.pid && row.rss !== null ? row : undefined;
  }, "the replacement's row once it reported");
  assert.equal(after.state, 'ready');
});
