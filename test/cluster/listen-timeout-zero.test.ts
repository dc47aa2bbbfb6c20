// A listen timeout of 0 failed every start ("did not listen ... within 0 ms"), after forking: refused up front now,
// naming the key, by every way in (the Supervisor, hive run, a config file, hive start of a fork-mode app).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fillOptions } from '../../dist/cluster/options.js';
import { loadConfig } from '../../dist/config/index.js';
import { fixture, runHive } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-listen-timeout-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const refused = /`listenTimeout` to be a duration of more than 0 \(on 0 every process fails to become ready at once\)/;

test('listenTimeout 0 is refused by the Supervisor and hive run, naming the key; 1ms is taken', async () => {
  const script = fixture('app.js');
  assert.throws(() => fillOptions({ script, listenTimeout: 0 }), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: refused,
  });
  assert.throws(() => fillOptions({ script, listenTimeout: '0s' }), refused);
  assert.equal(fillOptions({ script, listenTimeout: '1ms' }).listenTimeout, 1);
  const run = await runHive(['run', script, '--listen-timeout', '0']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, refused);
});

test('listen_timeout 0 in a config file is ERR_HIVE_CONFIG naming the file and the key', async () => {
  const file = join(dir, 'ecosystem.config.json');
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'a', script: 'a.js', listen_timeout: 0 }] }));
  await assert.rejects(loadConfig(file), {
    code: 'ERR_HIVE_CONFIG',
    message: /ecosystem\.config\.json: apps\[0\] \(a\)\.listen_timeout: expected a duration of more than 0/,
  });
});

test('hive start of a fork-mode app with --listen-timeout 0 is refused before the daemon is asked', async () => {
  const home = join(dir, 'home');
  try {
    const start = await runHive(['start', fixture('app.js'), '-x', '--wait-ready', '--listen-timeout', '0'], {
      HIVE_HOME: home,
    });
    assert.equal(start.code, 2, start.stderr);
    assert.match(start.stderr, refused);
  } finally {
    // A daemon started by a failing run (the start taken) must not outlive the test.
    await runHive(['kill'], { HIVE_HOME: home });
  }
});
