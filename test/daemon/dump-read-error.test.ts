// A dump.json the daemon cannot read (mode 000, another user's) stopped `hive resurrect` (the unit's, at boot) with
// `ERR_HIVE_DAEMON_INTERNAL: EACCES: permission denied, open '.../dump.json'`: a bug's code, in Node's words, and no
// way out; `hive startup` warned in Node's words too. Every reader of the dump now says it as `hive update` does:
// ERR_HIVE_DUMP_READ, naming the dump, what to do, and what was left as it was.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, eaccesSkip, tempHome, unprivileged } from './helpers.js';

const hive = tempHome();
const dump = join(hive.home, 'dump.json');

const skip = eaccesSkip();

test('hive resurrect (a daemon started for it) of a dump.json it cannot read: ERR_HIVE_DUMP_READ', {
  skip,
}, async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  await hive.json(['save']);
  await hive.run(['kill']);
  chmodSync(dump, 0o000);
  try {
    const resurrected = unprivileged(hive, ['resurrect']);
    assert.equal(resurrected.status, 1, resurrected.stderr);
    assert.equal(
      resurrected.stderr,
      `hive resurrect: ERR_HIVE_DUMP_READ: cannot read the dump ${dump}: permission denied (EACCES); let your user read it, then run \`hive resurrect\` again (the dump is unchanged; no app was started)\n`,
    );
    // A backup that does not read either is named in what was left as it was; the code stays the dump's.
    writeFileSync(`${dump}.bak`, '{');
    const neither = unprivileged(hive, ['resurrect']);
    assert.equal(neither.status, 1, neither.stderr);
    assert.match(
      neither.stderr,
      /^hive resurrect: ERR_HIVE_DUMP_READ: cannot read the dump .*dump\.json: permission denied \(EACCES\); .*\(nor can its backup .*dump\.json\.bak \(the dump before the last save\) be read: not JSON /,
    );
  } finally {
    chmodSync(dump, 0o600);
  }
  assert.deepEqual(await hive.json<unknown[]>(['ls']), [], 'no app was started');
  await hive.run(['kill']);
});

test('hive startup with a dump.json it cannot read warns ERR_HIVE_DUMP_READ, naming the dump', { skip }, () => {
  assert.ok(existsSync(dump));
  rmSync(`${dump}.bak`, { force: true });
  chmodSync(dump, 0o000);
  try {
    const startup = unprivileged(hive, ['startup']);
    assert.equal(startup.status, 0, startup.stderr);
    assert.match(
      startup.stderr,
      /^hive startup: warning: ERR_HIVE_DUMP_READ: cannot read the dump .*dump\.json: permission denied \(EACCES\); let your user read it, then run `hive startup` again \(the unit is written for apps of the default timeouts/m,
    );
    assert.ok(startup.stderr.includes(dump), startup.stderr);
  } finally {
    chmodSync(dump, 0o600);
  }
});

test('hive save with no app running keeps a dump.json it cannot read, as one that holds apps', { skip }, async () => {
  // A daemon with no app: the guard of `hive save` (PM2's) reads the dump to see whether it holds any.
  await hive.json(['ls']);
  const before = readFileSync(dump, 'utf8');
  chmodSync(dump, 0o000);
  try {
    const save = unprivileged(hive, ['save', '--json']);
    assert.equal(save.status, 0, save.stderr);
    assert.deepEqual(JSON.parse(save.stdout), {
      saved: false,
      reason: 'no-app-running',
      file: dump,
      apps: [],
      kept: null,
    });
  } finally {
    chmodSync(dump, 0o600);
  }
  assert.equal(readFileSync(dump, 'utf8'), before, 'the dump is as it was');
  await hive.run(['kill']);
});
