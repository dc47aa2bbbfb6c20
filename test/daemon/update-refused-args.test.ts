// `hive update` stopped an app whose arguments the new build's `hive run` refuses (`--keep-alive-timeout 65`, taken by
// an older build, now wants a duration such as 65s), the app errored after its retries, and update exited 0. It is
// refused before anything is stopped, naming the app and the option, by the same parser `hive run` reads it with.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../ports.js';
import { appFixture, type Described, tempHome } from './helpers.js';
import { olderBuild } from './older-build.js';

const hive = tempHome();

test("hive update refuses an app whose arguments this build's hive run refuses, leaving it and its daemon running", async () => {
  // An older build that took a bare number of milliseconds for --keep-alive-timeout.
  const older = olderBuild(join(hive.dir, 'older'), (dist) => {
    const options = join(dist, 'cluster/options.js');
    const text = readFileSync(options, 'utf8');
    assert.ok(text.includes('if (slip !== undefined) {'), 'the built options module refuses a bare number');
    writeFileSync(options, text.replace('if (slip !== undefined) {', 'if (false) {'));
  });
  const port = await freePort();
  const started = await hive.run(['start', appFixture, '--name', 'ka', '-i', '1', '--keep-alive-timeout', '65'], {
    bin: older,
    env: { PORT: String(port) },
  });
  assert.equal(started.code, 0, started.stderr);
  const version = await hive.run(['version', '--json'], { bin: older });
  const daemon = (JSON.parse(version.stdout) as { daemonPid: number }).daemonPid;
  hive.pids.add(daemon);

  const updated = await hive.run(['update']);
  assert.equal(updated.code, 1, updated.stdout);
  assert.match(
    updated.stderr,
    new RegExp(
      `^hive update: ERR_HIVE_UPDATE_APP_REFUSED: app "ka": Expected \`keepAliveTimeout\` to be a duration such as 65s, got "65" .*; this build's \`hive run\` refuses it, so it would not start after the update: the daemon \\(pid ${daemon}\\) and its apps are left running`,
      'm',
    ),
  );
  const after = await hive.run(['version', '--json'], { bin: older });
  assert.equal((JSON.parse(after.stdout) as { daemonPid: number }).daemonPid, daemon, 'the old daemon still runs');
  const ls = await hive.run(['ls', '--json'], { bin: older });
  const [app] = JSON.parse(ls.stdout) as Described[];
  assert.deepEqual([app?.name, app?.status, app?.ready], ['ka', 'online', 1]);
});
