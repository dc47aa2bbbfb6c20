// An app whose start failed has no process: monit's detail pane says why (the daemon's last error) instead of only
// `no processes`, as `hive describe` does.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { HiveSnapshot } from '../../dist/metrics/snapshot.js';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('hive monit: an app errored at its start shows its last error in the instances pane, and in --json', async () => {
  const script = join(hive.dir, 'deaf.cjs');
  writeFileSync(script, 'setInterval(() => {}, 1000);\n');
  const started = await hive.run(['start', script, '-i', '1', '--name', 'deaf', '--listen-timeout', '1s']);
  assert.equal(started.code, 1, started.stderr);

  const snapshot = await hive.json<HiveSnapshot>(['monit']);
  const [app] = snapshot.apps;
  assert.deepEqual([app?.state, app?.instances.length], ['errored', 0]);
  assert.match(app?.lastError ?? '', /did not listen within 1000 ms/);

  // 80 columns: the error's reason comes after its code, past the first line's width; it goes on over the next lines.
  const frame = await hive.run(['monit', '--once'], { env: { COLUMNS: '80' } });
  assert.equal(frame.code, 0, frame.stderr);
  assert.match(frame.stdout, /^> deaf +errored /m);
  const pane = frame.stdout.slice(frame.stdout.indexOf('INSTANCES of deaf'), frame.stdout.indexOf('EVENTS of deaf'));
  const [, none, ...error] = pane.trimEnd().split('\n');
  assert.equal(none, '  no processes');
  assert.ok(error.length > 1 && error.every((l) => l.startsWith('  ') && l.length <= 80), pane);
  assert.match(error.map((l) => l.trim()).join(' '), /^last error: .*did not listen within 1000 ms/);
  await hive.json(['delete', 'deaf']);
});
