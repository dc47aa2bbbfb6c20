// What a PM2 ecosystem file means where it says nothing, as PM2 reads it: the exec mode, env values that are not
// strings, PM2's monitoring switches, `disable_logs`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { writeJson: write } = configFiles();

test('no exec_mode: fork without instances, cluster with them (PM2 determineExecMode); a given mode stays', async () => {
  const file = write('ecosystem.config.json', {
    apps: [
      { name: 'worker', script: 'worker.js' },
      { name: 'web', script: 'web.js', instances: 2 },
      { name: 'max', script: 'web.js', instances: 'max' },
      { name: 'one', script: 'web.js', exec_mode: 'cluster' },
      { name: 'plain', script: 'web.js', instances: 2, exec_mode: 'fork_mode' },
    ],
  });
  const { apps } = await loadConfig(file);
  assert.deepEqual(
    apps.map((app) => [app.name, app.execMode ?? 'cluster', app.instances]),
    [
      ['worker', 'fork', 1],
      ['web', 'cluster', 2],
      ['max', 'cluster', 'max'],
      ['one', 'cluster', 1],
      ['plain', 'fork', 2],
    ],
  );
  // A Hive config keeps Hive's defaults: cluster mode.
  const hive = write('hive.config.json', { apps: [{ name: 'api', script: 'api.js' }] });
  assert.equal((await loadConfig(hive)).apps[0]!.execMode, undefined);
});

test('env objects, arrays and null are set as their JSON, as PM2 sets them', async () => {
  const file = write('ecosystem.config.json', {
    apps: [{ name: 'a', script: 'a.js', env: { OBJ: { a: 1 }, LIST: [1, 'x'], NUL: null, S: 's', N: 3 } }],
  });
  const config = await loadConfig(file);
  assert.deepEqual(config.apps[0]!.env, { OBJ: '{"a":1}', LIST: '[1,"x"]', NUL: 'null', S: 's', N: 3 });
  assert.deepEqual(config.warnings, []);
});

test("PM2's monitoring and platform switches are warnings naming the key, not errors", async () => {
  const keys = {
    trace: true,
    disable_trace: false,
    deep_monitoring: true,
    windowsHide: true,
    kill_retry_time: 100,
    disable_source_map_support: false,
  };
  const file = write('ecosystem.config.json', { apps: [{ name: 'a', script: 'a.js', ...keys }] });
  const config = await loadConfig(file);
  assert.deepEqual(
    config.warnings.map((warning) => warning.replace(/: ignored: .*/, '')),
    Object.keys(keys).map((key) => `${file}: apps[0] (a).${key}`),
  );
});

// `source_map_support: false` warned "ignored: pass --enable-source-maps in nodeArgs", advice against what it asked for.
test('an ignored PM2 key set to what Hive does anyway (no source maps, no pm2.io) is no warning', async () => {
  // Written out again, not pm2-compat's pm2IgnoredAsHive imported: this is the statement of what each key asks of PM2,
  // so that a wrong entry in that table fails here rather than agreeing with itself.
  const keys = {
    source_map_support: false,
    disable_source_map_support: true,
    vizion: false,
    automation: false,
    trace: false,
    disable_trace: true,
    deep_monitoring: false,
    v8: false,
    event_loop_inspector: false,
    force: false,
  };
  const file = write('ecosystem.config.json', { apps: [{ name: 'a', script: 'a.js', ...keys }] });
  assert.deepEqual((await loadConfig(file)).warnings, []);
  // The other value still is: Hive does not do what it asks.
  const on = write('ecosystem.config.json', { apps: [{ name: 'a', script: 'a.js', source_map_support: true }] });
  assert.match((await loadConfig(on)).warnings.join('\n'), /source_map_support: ignored: pass --enable-source-maps/);
});

test('disable_logs: true writes the output nowhere (/dev/null), unless the file names log files itself', async () => {
  const file = write('ecosystem.config.json', {
    apps: [
      { name: 'quiet', script: 'a.js', disable_logs: true },
      { name: 'own', script: 'a.js', disable_logs: true, out_file: 'out.log' },
      { name: 'loud', script: 'a.js', disable_logs: false },
    ],
  });
  const { apps, warnings } = await loadConfig(file);
  assert.deepEqual(
    apps.map((app) => [app.name, app.outFile, app.errorFile]),
    [
      ['quiet', '/dev/null', '/dev/null'],
      ['own', 'out.log', '/dev/null'],
      ['loud', undefined, undefined],
    ],
  );
  assert.deepEqual(warnings, []);
});

test('kill_signal is killSignal, a signal name; in cluster mode a warning (Hive drains the process)', async () => {
  const file = write('ecosystem.config.json', {
    apps: [
      { name: 'f', script: 'f.js', kill_signal: 'SIGTERM' },
      { name: 'c', script: 'c.js', instances: 2, kill_signal: 'SIGTERM' },
    ],
  });
  const config = await loadConfig(file);
  assert.deepEqual(
    config.apps.map((app) => app.killSignal),
    ['SIGTERM', 'SIGTERM'],
  );
  assert.deepEqual(
    config.warnings.map((warning) => warning.replace(/: ignored: .*/, '')),
    [`${file}: apps[1] (c).kill_signal`],
  );
  write('ecosystem.config.json', { apps: [{ name: 'f', script: 'f.js', kill_signal: 'TERM' }] });
  await assert.rejects(loadConfig(file), (error: Error & { key?: string }) => {
    assert.equal(error.key, 'apps[0] (f).kill_signal');
    assert.match(error.message, /expected a signal name such as SIGTERM/);
    return true;
  });
});
