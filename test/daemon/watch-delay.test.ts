// PM2's `watch_delay`: how long the watched files must stay quiet after a change before the reload. Two apps watch
// one folder, one with an hour's delay: the other's reload (after a second) comes, the first's does not.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

test('watch_delay sets the quiet time before a watch reload, per app', async () => {
  const watched = join(hive.dir, 'src');
  mkdirSync(watched);
  const ticker = daemonFixture('ticker.sh');
  const apps = [
    { name: 'slow', script: ticker, watch: [watched], watch_delay: 3_600_000 },
    { name: 'quick', script: ticker, watch: [watched], watch_delay: 1000 },
  ];
  const config = hive.writeConfig(apps, 'ecosystem.config.js');
  const started = await hive.json<{ name: string }[]>(['start', config]);
  assert.deepEqual(
    started.map((app) => app.name),
    ['slow', 'quick'],
  );
  const daemonLog = () => hive.readLog('../daemon.log');
  writeFileSync(join(watched, 'a.js'), '1');
  await waitFor(() => daemonLog().includes('quick: a.js changed'), "quick's reload, a second after the change");
  assert.doesNotMatch(daemonLog(), /slow: .* changed/, 'slow waits an hour of quiet');
});

test('a watchDelay that is not a duration is a config error naming the key', async () => {
  const config = hive.writeConfig(
    [{ name: 'x', script: daemonFixture('ticker.sh'), watch: true, watchDelay: 'soon' }],
    'hive.config.json',
  );
  const result = await hive.run(['start', config]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /apps\[0\] \(x\)\.watchDelay: expected a duration/);
});

test('--watch-delay reads seconds, as PM2s flag does, or a duration; it needs --watch, and a script', async () => {
  const watched = join(hive.dir, 'flagged');
  mkdirSync(watched);
  const ticker = daemonFixture('ticker.sh');
  await hive.json(['start', ticker, '--name', 'slow2', `--watch=${watched}`, '--watch-delay', '3600']);
  await hive.json(['start', ticker, '--name', 'quick2', `--watch=${watched}`, '--watch-delay', '1000ms']);
  const daemonLog = () => hive.readLog('../daemon.log');
  writeFileSync(join(watched, 'b.js'), '1');
  await waitFor(() => daemonLog().includes('quick2: b.js changed'), "quick2's reload, a second after the change");
  assert.doesNotMatch(daemonLog(), /slow2: .* changed/, 'slow2 waits an hour of quiet');

  for (const [args, message] of [
    [[ticker, '--name', 'x', '--watch-delay', '2'], /--watch-delay needs --watch/],
    [[ticker, '--name', 'x', '--watch', '--watch-delay', 'soon'], /expected --watch-delay to be seconds or a duration/],
    [[join(hive.dir, 'ecosystem.config.js'), '--watch-delay', '2'], /--watch-delay applies to a script/],
  ] as const) {
    const result = await hive.run(['start', ...args]);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
  }
});
