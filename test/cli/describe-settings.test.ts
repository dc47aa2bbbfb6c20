// `hive describe` shows what an app runs with, as PM2's describe shows its settings (exec mode, watch & reload,
// restart delay, autorestart...): watch, maxMemoryRestart and killTimeout were nowhere to be seen.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { appFixture, daemonFixture, tempHome } from '../daemon/helpers.js';
import { appSettings } from './app-info.js';

const hive = tempHome();

test('hive describe shows the settings, defaults filled in, in text and --json, for both modes', async () => {
  const file = hive.writeConfig([
    {
      name: 'web',
      script: appFixture,
      instances: 2,
      max_memory_restart: '300M',
      kill_timeout: 3000,
      watch: ['.'],
      ignore_watch: ['logs'],
      watch_delay: 2000,
      args: '--greeting "hi there"',
      autostart: false,
    },
    {
      name: 'job',
      script: daemonFixture('ticker.sh'),
      restart_delay: 2500,
      autorestart: false,
      kill_signal: 'SIGTERM',
      autostart: false,
    },
  ]);
  // No PORT of the test runner's shell: the apps have no port then.
  await hive.json(['start', file], { env: { PORT: '' } });

  const web = await hive.json<AppInfo>(['describe', 'web']);
  assert.deepEqual(
    web.settings,
    appSettings({
      instances: '2',
      args: ['--greeting', 'hi there'],
      // describe-port-balance.test.ts has apps with a port.
      port: null,
      expBackoffRestartDelay: 100,
      killTimeout: 3000,
      ignoreWatch: ['logs'],
      watchDelay: 2000,
    }),
  );
  assert.deepEqual(web.watch, [hive.dir]);
  const job = await hive.json<AppInfo>(['describe', 'job']);
  assert.deepEqual(
    {
      command: job.settings.command,
      autorestart: job.settings.autorestart,
      restartDelay: job.settings.restartDelay,
      expBackoffRestartDelay: job.settings.expBackoffRestartDelay,
      maxMemoryRestart: job.settings.maxMemoryRestart,
      killTimeout: job.settings.killTimeout,
      killSignal: job.settings.killSignal,
      memoryReportInterval: job.settings.memoryReportInterval,
      watchDelay: job.settings.watchDelay,
    },
    {
      command: daemonFixture('ticker.sh'),
      autorestart: false,
      restartDelay: 2500,
      expBackoffRestartDelay: 0,
      maxMemoryRestart: null,
      killTimeout: 5000,
      killSignal: 'SIGTERM',
      // Fork mode: no reports.
      memoryReportInterval: null,
      watchDelay: null,
    },
  );

  const text = (await hive.run(['describe', 'web'])).stdout;
  for (const line of [
    /^instances asked {2,}2$/m,
    /^args {2,}--greeting "hi there"$/m,
    /^autorestart {2,}yes$/m,
    /^max memory {2,}300\.0 MiB$/m,
    /^kill timeout {2,}3s$/m,
    /^memory reports {2,}every 1s$/m,
    new RegExp(`^watch {2,}${hive.dir}$`, 'm'),
    /^watch delay {2,}2s$/m,
    /^ignore watch {2,}logs$/m,
  ]) {
    assert.match(text, line);
  }
  const jobText = (await hive.run(['describe', 'job'])).stdout;
  for (const line of [
    /^mode {2,}fork$/m,
    /^autorestart {2,}no$/m,
    /^restart delay {2,}2\.5s$/m,
    /^exp backoff {2,}off$/m,
    /^max memory {2,}no limit$/m,
    /^kill timeout {2,}5s$/m,
    /^kill signal {2,}SIGTERM$/m,
    /^watch {2,}no$/m,
  ]) {
    assert.match(jobText, line);
  }
  assert.doesNotMatch(jobText, /^memory reports/m);
});

test("hive describe shows a cluster app's memory report interval, from the flag and from a config, 0 as off", async () => {
  await hive.json(['start', appFixture, '--name', 'flagged', '--memory-report-interval', '250ms'], {
    env: { PORT: '' },
  });
  const app = { name: 'quiet', script: appFixture, instances: 1, memoryReportInterval: 0, autostart: false };
  const file = hive.writeConfig([app], 'interval.config.json');
  await hive.json(['start', file], { env: { PORT: '' } });

  assert.equal((await hive.json<AppInfo>(['describe', 'flagged'])).settings.memoryReportInterval, 250);
  assert.match((await hive.run(['describe', 'flagged'])).stdout, /^memory reports {2,}every 250ms$/m);
  assert.equal((await hive.json<AppInfo>(['describe', 'quiet'])).settings.memoryReportInterval, 0);
  assert.match((await hive.run(['describe', 'quiet'])).stdout, /^memory reports {2,}off$/m);
});
