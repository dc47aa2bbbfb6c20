// A --kill-timeout that a drain of one idle kept-alive connection can use up (two --drain-idle-graces, the second
// earned by bytes that are not yet a request, and a second more for a close the client never answers) SIGKILLs the
// process before its onShutdown hooks run. The cluster primary says so as it starts, whichever way the options came:
// `hive run`'s flags, or a config file's killTimeout through `hive start` (its primary is a `hive run`).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { killTimeoutWarning } from '../../dist/cluster/option-checks.js';
import { appFixture, readOrEmpty, tempHome, waitFor } from '../daemon/helpers.js';
import { fixture, freePort, type HiveRecord, isEvent, killAll, startHive } from './helpers.js';

after(() => killAll());

const warned = (r: HiveRecord) => isEvent('warning')(r) && /^--kill-timeout \(killTimeout\) /.test(String(r.message));

test('killTimeoutWarning: at most twice the grace plus 1s warns, naming both options; above it, none', () => {
  assert.equal(killTimeoutWarning(5_000, 1_000), undefined);
  assert.equal(killTimeoutWarning(3_001, 1_000), undefined);
  assert.equal(
    killTimeoutWarning(3_000, 1_000),
    '--kill-timeout (killTimeout) 3s is not above twice --drain-idle-grace (drainIdleGrace) 1s plus 1s: a kept-alive ' +
      'connection that a client keeps idle holds a draining process that long, and its SIGKILL would come before the ' +
      'onShutdown hooks run; give --kill-timeout more than 3s, plus the time the hooks take',
  );
  assert.match(killTimeoutWarning(5_000, 2_000)!, / 5s is not above twice --drain-idle-grace \(drainIdleGrace\) 2s /);
  assert.match(killTimeoutWarning(800, 0)!, / 800ms is not above .* 0ms plus 1s: .* more than 1s,/);
  assert.equal(killTimeoutWarning(1_500, 0), undefined);
});

test('hive run warns at start of a --kill-timeout at most twice --drain-idle-grace plus 1s; the defaults say nothing', async () => {
  const cases: [string[], boolean][] = [
    [['--kill-timeout', '3s'], true],
    [['--drain-idle-grace', '2s'], true],
    [['--kill-timeout', '3s', '--drain-idle-grace', '900ms'], false],
    [[], false],
  ];
  for (const [flags, warns] of cases) {
    const hive = startHive([fixture('app.js'), '-i', '1', ...flags]);
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    assert.equal(hive.records.filter(warned).length, warns ? 1 : 0, flags.join(' '));
    hive.kill('SIGTERM');
    assert.equal((await hive.exited).code, 0);
  }
});

test("a config file's kill_timeout too short for the drain is warned of in daemon.log and on hive start's stderr", async () => {
  const hive = tempHome();
  const config = hive.writeConfig(
    [
      {
        name: 'short-kill',
        script: appFixture,
        exec_mode: 'cluster',
        instances: 1,
        kill_timeout: 2000,
        env: { PORT: String(await freePort()) },
      },
    ],
    'ecosystem.config.cjs',
  );
  const result = await hive.run(['start', config]);
  assert.equal(result.code, 0, result.stderr);
  // The start waits for the workers, which the primary starts after it warned: the warning is there by then.
  assert.match(
    result.stderr,
    /^hive start: warning: app "short-kill": --kill-timeout \(killTimeout\) 2s is not above twice /m,
  );
  const log = join(hive.home, 'daemon.log');
  await waitFor(
    () => /short-kill: warning: --kill-timeout \(killTimeout\) 2s is not above twice/.test(readOrEmpty(log)),
    'the warning in daemon.log',
  );
});

test("hive start <script> --kill-timeout says the primary's warning on stderr, --json or not, once", async () => {
  const hive = tempHome();
  for (const json of [[], ['--json']]) {
    const name = `short-${json.length}`;
    const result = await hive.run(['start', appFixture, '--name', name, '-i', '1', '--kill-timeout', '2s', ...json], {
      env: { PORT: String(await freePort()) },
    });
    assert.equal(result.code, 0, result.stderr);
    const warnings = result.stderr.match(
      /^hive start: warning: app "short-\d": --kill-timeout \(killTimeout\) 2s is not above /gm,
    );
    assert.equal(warnings?.length, 1, result.stderr);
    if (json.length > 0)
      assert.deepEqual(
        (JSON.parse(result.stdout) as { name: string }[]).map((app) => app.name),
        [name],
      );
  }
  // A start with nothing to warn of says nothing.
  const quiet = await hive.run(['start', appFixture, '--name', 'quiet', '-i', '1'], {
    env: { PORT: String(await freePort()) },
  });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /warning/);
});

test("hive restart, hive start of an app the daemon has, and hive resurrect say its primary's warning on stderr too", async () => {
  const hive = tempHome();
  const env = { PORT: String(await freePort()) };
  const started = await hive.run(['start', appFixture, '--name', 'short', '-i', '1', '--kill-timeout', '2s'], { env });
  assert.equal(started.code, 0, started.stderr);
  const warning = (command: string) =>
    new RegExp(`^hive ${command}: warning: app "short": --kill-timeout \\(killTimeout\\) 2s is not above `, 'gm');
  for (const [command, args] of [
    ['restart', ['restart', 'short']],
    ['restart', ['restart', 'short', '--json']],
    ['start', ['start', 'short']],
  ] as const) {
    const result = await hive.run([...args], { env });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr.match(warning(command))?.length, 1, `${args.join(' ')}:\n${result.stderr}`);
  }
  assert.equal((await hive.run(['save'])).code, 0);
  assert.equal((await hive.run(['kill'])).code, 0);
  const resurrected = await hive.run(['resurrect'], { env });
  assert.equal(resurrected.code, 0, resurrected.stderr);
  assert.equal(resurrected.stderr.match(warning('resurrect'))?.length, 1, resurrected.stderr);
  // A restart with nothing to warn of says nothing.
  assert.equal(
    (await hive.run(['start', appFixture, '--name', 'quiet', '-i', '1'], { env: { PORT: String(await freePort()) } }))
      .code,
    0,
  );
  const quiet = await hive.run(['restart', 'quiet']);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /warning/);
});
