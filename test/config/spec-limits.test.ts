import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadConfig } from 'hive/config';
import { appSpecSchema } from '../../dist/daemon/protocol.js';

// The daemon's protocol caps what an app's spec holds (daemon/protocol.ts). A config value over a cap must be a config
// error naming its key and file, not the daemon's refusal of the start; the caps must be the same, or a value the
// config takes would still reach the daemon's refusal.
const dir = mkdtempSync(join(tmpdir(), 'hive-limits-'));
const hiveBin = new URL('../../dist/cli/hive.js', import.meta.url).pathname;
const home = join(dir, 'home');
after(() => {
  // A start that reached the daemon (the bug) started one: it goes with the test.
  if (existsSync(join(home, 'daemon.sock')))
    spawnSync(process.execPath, [hiveBin, 'kill'], { env: { ...process.env, HIVE_HOME: home } });
  rmSync(dir, { recursive: true, force: true });
});

const x = (n: number) => 'x'.repeat(n);
const list = (n: number, item = 'A') => Array.from({ length: n }, () => item);
const base = { name: 'a', script: 'a.js' };
const spec = { name: 'a', script: 'a.js', cwd: '/srv', runArgs: ['a.js', '--'], env: {}, instances: '1' };

// [config key, the spec field it becomes, a value at the daemon's cap, one over it (as the spec holds it)]
const cases: [string, string, unknown, unknown][] = [
  ['filterEnv', 'filterEnv', x(256), x(257)],
  ['filterEnv', 'filterEnv', list(1000), list(1001)],
  ['filterEnv', 'filterEnv', [x(256)], [x(257)]],
  ['logDateFormat', 'logDateFormat', x(256), x(257)],
  ['cronRestart', 'cronRestart', x(256), x(257)],
  ['script', 'script', `/${x(4095)}`, `/${x(4096)}`],
  ['outFile', 'outFile', `/${x(4095)}`, `/${x(4096)}`],
  ['errorFile', 'errorFile', `/${x(4095)}`, `/${x(4096)}`],
  ['logFile', 'logFile', `/${x(4095)}`, `/${x(4096)}`],
  ['watch', 'watch', list(100, '/w'), list(101, '/w')],
  ['watch', 'watch', [`/${x(4095)}`], [`/${x(4096)}`]],
  ['ignoreWatch', 'ignoreWatch', list(100, 'w'), list(101, 'w')],
  ['instances', 'instances', Number.MAX_SAFE_INTEGER, 2 ** 60],
];

test('each spec field the daemon caps is capped alike in a config, the error naming the key and the file', async () => {
  for (const [key, field, atCap, overCap] of cases) {
    const what = `${key}: ${JSON.stringify(overCap).slice(0, 40)}`;
    const asSpec = (value: unknown) => (field === 'instances' ? String(value) : value);
    assert.ok(
      appSpecSchema.safeParse({ ...spec, [field]: asSpec(atCap) }).success,
      `the daemon takes ${key} at its cap`,
    );
    assert.ok(!appSpecSchema.safeParse({ ...spec, [field]: asSpec(overCap) }).success, `the daemon refuses ${what}`);
    // A cron expression or a file name this long is not a valid one anyway: the cap is what is checked here.
    if (key !== 'cronRestart') {
      const file = join(dir, 'at-cap.config.json');
      writeFileSync(file, JSON.stringify({ apps: [{ ...base, [key]: atCap }] }));
      await loadConfig(file);
    }
    const file = join(dir, 'over-cap.config.json');
    writeFileSync(file, JSON.stringify({ apps: [{ ...base, [key]: overCap }] }));
    await assert.rejects(
      loadConfig(file),
      (error: Error & Record<string, unknown>) => {
        assert.equal(error.code, 'ERR_HIVE_CONFIG', what);
        assert.match(String(error.key), new RegExp(`^apps\\[0\\] \\(a\\)\\.${key}(\\[\\d+\\])?$`), what);
        assert.equal(error.file, file, what);
        return true;
      },
      what,
    );
  }
});

test("args and nodeArgs stay within what hive run's arguments and a fork-mode command line may hold", async () => {
  const over: [string, unknown][] = [
    ['args', list(901, '-v')],
    ['args', [x(65537)]],
    ['nodeArgs', list(65, '--trace-warnings')],
    ['nodeArgs', [x(4097)]],
    ['nodeArgs', list(20, `--title=${x(4000)}`)],
  ];
  for (const [key, value] of over) {
    const file = join(dir, 'args.config.json');
    writeFileSync(file, JSON.stringify({ apps: [{ ...base, [key]: value }] }));
    await assert.rejects(loadConfig(file), { code: 'ERR_HIVE_CONFIG', key: new RegExp(`\\(a\\)\\.${key}`) } as never);
  }
});

test('hive start: a fork-mode app whose killTimeout the daemon refuses is a config error, before any daemon', () => {
  const file = join(dir, 'fork.config.json');
  // The daemon takes a fork-mode killTimeout of at most 1 h; hive run (cluster mode) takes longer ones.
  writeFileSync(file, JSON.stringify({ apps: [{ name: 'job', script: 'sleep', args: '9', killTimeout: '2h' }] }));
  const result = spawnSync(process.execPath, [hiveBin, 'start', file], {
    env: { ...process.env, HIVE_HOME: home },
    encoding: 'utf8',
  });
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_CONFIG/);
  assert.match(result.stderr, /apps\[0\] \(job\)\.killTimeout/);
  assert.ok(result.stderr.includes(file), result.stderr);
  assert.ok(!existsSync(join(home, 'daemon.sock')), 'no daemon was started for it');
});

test("hive start's --log-date-format and --filter-env are bounded as the daemon bounds them, the flag named", () => {
  const script = join(dir, 'app.js');
  writeFileSync(script, '');
  const start = (flags: string[]) =>
    spawnSync(process.execPath, [hiveBin, 'start', script, ...flags], {
      env: { ...process.env, HIVE_HOME: home },
      encoding: 'utf8',
    });
  for (const [flags, flag] of [
    [['--log-date-format', x(257)], '--log-date-format'],
    [['--filter-env', x(257)], '--filter-env'],
  ] as const) {
    const result = start([...flags]);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`${flag}.*at most 256 characters`));
  }
  assert.ok(!existsSync(join(home, 'daemon.sock')), 'no daemon was started for them');
});
