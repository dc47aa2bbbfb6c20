// A bad config file exits 2 whichever command reads it. stop and delete are bundled with their own copy of
// ConfigError, so instanceof missed the error the unbundled load-config.js throws and they exited 1; and restart
// reported its error as `hive start:`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('hive stop, delete, reload and restart of a bad config file exit 2 with ERR_HIVE_CONFIG under their own name', async () => {
  // stop and delete need only the names (config-target-names.test.ts): a file they cannot read at all.
  const broken = join(dir, 'broken.json');
  writeFileSync(broken, '{ "apps": [ }');
  const file = hive.writeConfig([{ name: 'x', script: 'app.js', bogus: 1 }], 'hive.config.json');
  for (const [command, target, problem] of [
    ['stop', broken, 'not valid JSON'],
    ['delete', broken, 'not valid JSON'],
    ['reload', file, 'bogus: unknown key'],
    ['restart', file, 'bogus: unknown key'],
  ] as const) {
    const result = await hive.run([command, target]);
    assert.equal(result.code, 2, `${command}: ${result.stderr}`);
    assert.match(result.stderr, new RegExp(`^hive ${command}: ERR_HIVE_CONFIG: .*${problem}`));
  }
});
