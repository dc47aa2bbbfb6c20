// A bad config file is bad input, as a bad flag is: `hive start` exits 2, as `hive edge nginx --config` does.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const dir = hive.dir;

test('hive start of a config file with a bad key exits 2 with ERR_HIVE_CONFIG naming it, and starts nothing', async () => {
  const cases: [string, unknown, RegExp][] = [
    ['hive.config.json', { apps: [{ name: 'x', script: 'app.js', bogus: 1 }] }, /apps\[0\] \(x\)\.bogus: unknown key/],
    ['ecosystem.config.json', { apps: [{ name: 'y', script: 'app.js', instances: 'lots' }] }, /\(y\)\.instances/],
    ['hive.config.json', '{ not json', /hive\.config\.json/],
  ];
  for (const [name, content, message] of cases) {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    for (const json of [[], ['--json']]) {
      const result = await hive.run(['start', file, ...json]);
      assert.equal(result.code, 2, `${name} ${JSON.stringify(content)}: ${result.stderr}`);
      assert.match(result.stderr, /^hive start: ERR_HIVE_CONFIG: /);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '');
    }
  }
  // Found once the apps are read (the check a fork-mode app gets in start): the same code and exit status.
  const fork = hive.writeConfig(
    [{ name: 'f', script: daemonFixture('ticker.sh'), interpreter: 'none', metricsPort: 9 }],
    'hive.config.json',
  );
  const late = await hive.run(['start', fork]);
  assert.equal(late.code, 2, late.stderr);
  assert.match(late.stderr, /^hive start: ERR_HIVE_CONFIG: .*\(f\)\.metricsPort/);
  assert.deepEqual(await hive.json(['ls']), [], 'no app was added');
});
