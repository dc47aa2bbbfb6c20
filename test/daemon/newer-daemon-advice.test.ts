// A daemon of a newer Hive told an older CLI to run `hive update`: a downgrade. The CLI now says the daemon is newer
// and to use the newer CLI (a PATH mix-up, an npx of another version).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';
import { olderBuild } from './older-build.js';

const hive = tempHome();

test('a CLI older than the daemon says the daemon is newer, not to run hive update', async () => {
  const into = join(hive.dir, 'newer');
  const newer = olderBuild(into);
  const pkg = JSON.parse(readFileSync(join(into, 'package.json'), 'utf8')) as { version: string };
  const [major, ...rest] = pkg.version.split('.');
  writeFileSync(
    join(into, 'package.json'),
    JSON.stringify({ ...pkg, version: [Number(major) + 1, ...rest].join('.') }),
  );
  const started = await hive.run(['start', daemonFixture('ticker.sh'), '--name', 'tick'], { bin: newer });
  assert.equal(started.code, 0, started.stderr);
  const version = JSON.parse((await hive.run(['version', '--json'], { bin: newer })).stdout) as { daemonPid: number };
  hive.pids.add(version.daemonPid);

  const ls = await hive.run(['ls']);
  assert.equal(ls.code, 1);
  assert.match(
    ls.stderr,
    /ERR_HIVE_DAEMON_VERSION: the daemon runs Hive \S+ but this CLI is Hive \S+; the daemon is newer: use the newer Hive CLI/,
  );
  assert.doesNotMatch(ls.stderr, /run `hive update`/);
});
