// A bad HIVE_POOL_THREADS given as a variable (-e, a config file's env, the shell's) reached the app, whose first
// pool() threw: a crash loop rather than the exit 2 a bad --threads gets. hive run and hive start refuse it up front.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fixture, killAll, runHive } from './helpers.js';

after(killAll);

const script = fixture('app.js');

test('hive run refuses a bad HIVE_POOL_THREADS from -e or the environment, naming where it came from', async () => {
  const fromE = await runHive(['run', script, '-e', 'HIVE_POOL_THREADS=0']);
  assert.equal(fromE.code, 2, fromE.stderr);
  assert.match(fromE.stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected HIVE_POOL_THREADS \(from -e\) to be a positive/);
  const inherited = await runHive(['run', script], { HIVE_POOL_THREADS: 'abc' });
  assert.equal(inherited.code, 2, inherited.stderr);
  assert.match(inherited.stderr, /HIVE_POOL_THREADS \(from the environment\).*"abc"/);
  // --threads wins over the variable, as it does when the app runs.
  const overridden = await runHive(['run', script, '--threads', 'x'], { HIVE_POOL_THREADS: '0' });
  assert.match(overridden.stderr, /--threads/);
});

test('hive start refuses a bad HIVE_POOL_THREADS from --env, a config file or the shell, before any daemon', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'hive-pool-threads-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const env = { HIVE_HOME: home, HIVE_POOL_THREADS: '' };
  const fromEnv = await runHive(['start', script, '--env', 'HIVE_POOL_THREADS=0'], env);
  assert.equal(fromEnv.code, 2, fromEnv.stderr);
  assert.match(fromEnv.stderr, /HIVE_POOL_THREADS \(from --env\) to be a positive integer/);

  const config = join(home, 'hive.config.json');
  writeFileSync(config, JSON.stringify({ apps: [{ name: 'api', script, env: { HIVE_POOL_THREADS: '-1' } }] }));
  const fromFile = await runHive(['start', config], env);
  assert.equal(fromFile.code, 2, fromFile.stderr);
  assert.match(fromFile.stderr, /HIVE_POOL_THREADS \(from the env of "api" in .*hive\.config\.json\)/);

  const fromShell = await runHive(['start', script], { ...env, HIVE_POOL_THREADS: '1.5' });
  assert.equal(fromShell.code, 2, fromShell.stderr);
  assert.match(fromShell.stderr, /HIVE_POOL_THREADS \(from this shell's environment\)/);
  assert.deepEqual(
    readdirSync(home).filter((name) => name.endsWith('.sock')),
    [],
    'no daemon was started',
  );
});
