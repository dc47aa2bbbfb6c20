import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { freePort, isEvent, killAll, startHive } from '../cluster/helpers.js';

after(killAll);

const fixture = (name: string): string => new URL(`../fixtures/runtime-review/${name}`, import.meta.url).pathname;

test('onShutdown: a hook that unregisters itself while it runs does not make the next hook be skipped; one registered meanwhile runs last', async () => {
  const port = await freePort();
  const hive = startHive([fixture('hooks.js'), '-i', '1', '--port', String(port)]);
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  hive.kill('SIGTERM');
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
  const ran = hive.records.filter((r) => r.kind === 'log' && String(r.line).startsWith('hook ')).map((r) => r.line);
  assert.deepEqual(ran, ['hook first ran', 'hook second ran', 'hook third ran', 'hook late ran']);
});
