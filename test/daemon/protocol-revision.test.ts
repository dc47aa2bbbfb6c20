import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { isAlive, tempHome, waitFor } from './helpers.js';
import { olderBuild } from './older-build.js';

const hive = tempHome();
const runWith = (bin: string, args: string[]) => hive.run(args, { bin });

test('a daemon of an older build of the same version is told apart by its protocol revision, not as bad input', async () => {
  const olderHive = olderBuild(join(hive.dir, 'older'));
  // The older build's CLI starts its daemon, and they agree.
  const started = await runWith(olderHive, ['ls', '--json']);
  assert.equal(started.code, 0, started.stderr);
  const olderVersion = JSON.parse((await runWith(olderHive, ['version', '--json'])).stdout) as {
    protocol: string;
    daemonPid: number;
    mismatch: boolean;
  };
  assert.equal(olderVersion.mismatch, false);
  hive.pids.add(olderVersion.daemonPid);

  // This build's CLI: a request the older daemon's schema would refuse (an unknown command), and one it knows.
  for (const args of [['flush'], ['ls']]) {
    const result = await hive.run(args);
    assert.equal(result.code, 1, `hive ${args[0]}: ${result.stderr}`);
    assert.match(
      result.stderr,
      new RegExp(
        `^hive ${args[0]}: ERR_HIVE_DAEMON_VERSION: the daemon runs another build of Hive \\d+\\.\\d+\\.\\d+, whose control protocol differs \\(revision ${olderVersion.protocol}; .*run \`hive update\``,
      ),
    );
  }
  const version = await hive.run(['version', '--json']);
  assert.equal(version.code, 1);
  const mine = JSON.parse(version.stdout) as { protocol: string; daemonProtocol: string; mismatch: boolean };
  assert.equal(mine.mismatch, true);
  assert.equal(mine.daemonProtocol, olderVersion.protocol);
  assert.notEqual(mine.protocol, olderVersion.protocol);
  const text = await hive.run(['version']);
  assert.match(text.stdout, /another build than this CLI whose control protocol differs/);

  // `hive kill` of this build replaces it: the older daemon stops, and the next command starts this build's.
  const killed = await hive.run(['kill']);
  assert.equal(killed.code, 0, killed.stderr);
  await waitFor(() => !isAlive(olderVersion.daemonPid), 'the older daemon to exit');
  const flushed = await hive.json<{ apps: unknown[] }>(['flush']);
  assert.deepEqual(flushed.apps, []);
});
