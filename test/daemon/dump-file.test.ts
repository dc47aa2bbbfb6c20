import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from './helpers.js';

const hive = tempHome();

test('hive save replaces dump.json whole (a new file renamed over it), mode 0600, no temporary left', async () => {
  const dump = join(hive.home, 'dump.json');
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  await hive.json(['save']);
  const first = statSync(dump);
  const firstText = readFileSync(dump, 'utf8');
  assert.deepEqual(
    readdirSync(hive.home).filter((name) => name.startsWith('dump.json')),
    ['dump.json'],
    'no dump before the first save: no backup',
  );
  await hive.json(['save']);
  const second = statSync(dump);
  // Rewriting in place (truncate, then write) keeps the inode, and a crash between the two leaves a cut file.
  assert.notEqual(second.ino, first.ino, 'the dump is a new file, renamed over the old one');
  assert.equal(second.mode & 0o777, 0o600);
  assert.deepEqual(
    (JSON.parse(readFileSync(dump, 'utf8')) as { apps: { name: string }[] }).apps.map((app) => app.name),
    ['tick'],
  );
  // The dump it replaced is kept as dump.json.bak (PM2's dump.pm2.bak), as private as the dump.
  assert.deepEqual(
    readdirSync(hive.home)
      .filter((name) => name.startsWith('dump.json'))
      .sort(),
    ['dump.json', 'dump.json.bak'],
  );
  assert.equal(readFileSync(`${dump}.bak`, 'utf8'), firstText);
  assert.equal(statSync(`${dump}.bak`).mode & 0o777, 0o600);
  await hive.json(['kill']);
});

test('hive resurrect of a damaged dump and no backup fails with ERR_HIVE_DUMP_INVALID naming the file and the cause', async () => {
  const dump = join(hive.home, 'dump.json');
  rmSync(`${dump}.bak`);
  const size = statSync(dump).size;
  const cases: [string, () => void, RegExp][] = [
    ['cut short', () => truncateSync(dump, Math.floor(size / 2)), /not JSON \(/],
    ['empty', () => writeFileSync(dump, ''), /not JSON \(/],
    ['not an app list', () => writeFileSync(dump, 'null'), /an `apps` array/],
    ['an app without its keys', () => writeFileSync(dump, '{"version":1,"apps":[{"name":"x"}]}'), /apps\[0\]\.script/],
  ];
  for (const [what, damage, cause] of cases) {
    damage();
    const result = await hive.run(['resurrect']);
    assert.equal(result.code, 1, what);
    assert.match(result.stderr, /ERR_HIVE_DUMP_INVALID/, what);
    assert.ok(result.stderr.includes(dump), `${what}: the message names ${dump}: ${result.stderr}`);
    assert.match(result.stderr, cause, what);
    // Its way out works with no app running (at boot): a plain `hive save` then keeps the file as it is.
    assert.ok(
      result.stderr.includes(
        'fix it, or run `hive save` with the apps running to write it again (`hive start` them first: a save with no app running keeps the file)',
      ),
      `${what}: ${result.stderr}`,
    );
    const save = await hive.run(['save']);
    assert.match(save.stderr, /no app runs; .* keeps the apps it holds/, what);
  }
  assert.deepEqual(await hive.json(['ls']), []);
});
