import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixture, freePort, type HiveRecord, isEvent, killAll, startHive } from './helpers.js';

after(() => killAll());

const ignored = (r: HiveRecord) => /--balance \w+ is ignored with --sticky/.test(String(r.message));

test('--balance with --sticky is said to be ignored at start (a warning event); --sticky alone says nothing', async () => {
  // reuseport too on a Node.js without it (20): ignored as the others are, not refused as "needs Node.js >= 22.12".
  for (const balance of [['--balance', 'os'], ['--balance', 'reuseport'], []]) {
    const port = await freePort();
    const hive = startHive([fixture('app.js'), '-i', '1', '--port', String(port), '--sticky', 'ip', ...balance]);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    const warnings = hive.records.filter((r) => isEvent('warning')(r) && ignored(r));
    assert.equal(warnings.length, balance.length === 0 ? 0 : 1, balance.join(' '));
    if (balance.length > 0) {
      assert.match(String(warnings[0]!.message), new RegExp(`^--balance ${balance[1]} is ignored with --sticky: `));
    }
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  }
});
