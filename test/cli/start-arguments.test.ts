// `hive start <config>` with a flag that only a script's app takes: exit 2 naming it, before any app starts.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appFixture, HiveHome } from '../daemon/helpers.js';

const hive = new HiveHome();
after(() => hive.cleanup());

const dir = mkdtempSync(join(tmpdir(), 'hive-start-args-'));
const config = join(dir, 'hive.config.json');
writeFileSync(config, JSON.stringify({ apps: [{ name: 'cfg', script: appFixture, instances: 1 }] }));

test('a script-only flag with a config file is refused, not silently dropped', async () => {
  for (const args of [
    ['--port', '4000'],
    ['--wait-ready'],
    ['--node-args=--max-old-space-size=100'],
    ['--max-memory-restart', '300M'],
    ['--watch'],
    ['--watch=src'],
    ['--metrics-port', '9100'],
  ]) {
    const result = await hive.run(['start', config, ...args]);
    assert.equal(result.code, 2, `hive start <config> ${args.join(' ')}: ${result.stderr}`);
    const flag = args[0]!.replace(/=.*/, '');
    assert.match(result.stderr, new RegExp(`${flag} applies to a script`), args.join(' '));
  }
});

test('script arguments after -- with a config file are refused, not dropped', async () => {
  const result = await hive.run(['start', config, '--', '--verbose']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /arguments after -- go to a script/);
});

test('--env names one env_<name> of a config file; two are refused', async () => {
  const result = await hive.run(['start', config, '--env', 'production', '--env', 'staging']);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /--env picks one.*production, staging/);
});
