// A gzipped rotation on a full disk: rotating-file-stream left each failed gzip's copy behind (empty, or cut short),
// unlisted in its history, so retention never removed it; and the daemon, opening the file again every second, rotated
// it again each time: one invalid `.gz` a second for as long as the disk stayed full. Now a failed rotation's copy is
// removed, and it is tried again later and later. On a real full filesystem (a 2 MiB tmpfs; skipped where this process
// may not mount one).
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, statfsSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { readOrEmpty, tempHome, waitFor } from './helpers.js';
import { tmpfsDisk } from './tmpfs-disk.js';

const hive = tempHome();
// After the daemon's kill (tempHome's after, registered first, runs first): no file is open on it then.
const { disk, skip } = tmpfsDisk('hive-gz-full-', 'size=2m');

const LIMIT = 300 * 1024;

test('a gzipped rotation that fails on a full disk leaves no copy behind, and logging resumes once there is room', {
  skip,
}, async () => {
  const logs = join(disk, 'logs');
  mkdirSync(logs);
  const out = join(logs, 'fl-out.log');
  // Numbered lines of random (incompressible) text, ~200 KB/s, while the file `run` is there; `tail` now and then
  // after: a gzipped copy of 300K needs far more than the room left.
  const run = join(hive.dir, 'run');
  const writer = join(hive.dir, 'flood.js');
  writeFileSync(
    writer,
    `const { existsSync } = require('node:fs');
const { randomBytes } = require('node:crypto');
let n = 0;
setInterval(() => {
  if (!existsSync(${JSON.stringify(run)})) return void (n > 0 && console.log('tail'));
  for (let i = 0; i < 10; i++) console.log('n ' + ++n + ' ' + randomBytes(750).toString('base64'));
}, 50);
`,
  );
  const config = hive.writeConfig([
    {
      name: 'fl',
      script: writer,
      exec_mode: 'fork',
      out_file: out,
      error_file: join(logs, 'fl-error.log'),
      logRotation: { maxSize: '300K', retain: 2, compress: true },
    },
  ]);
  await hive.json(['start', config]);
  await waitFor(() => statSync(out, { throwIfNoEntry: false }), 'the log file');

  // Every copy name the daemon makes, even for a moment (a failed one's is removed at once).
  const seen = new Set<string>();
  const watcher = watch(logs, (_, name) => {
    if (name?.endsWith('.gz')) seen.add(name);
  });
  try {
    // Room for the file to reach its limit and some, not for its gzipped copy.
    const { bavail, bsize } = statfsSync(disk);
    const room = LIMIT + 100 * 1024 - statSync(out).size;
    writeFileSync(join(disk, 'fill'), Buffer.alloc(bavail * bsize - room));
    writeFileSync(run, '');
    // The rotation failed, and was tried again twice (each a copy of its own: a new time in its name).
    await waitFor(() => seen.size >= 3, 'three rotations of the full log', 60_000);
    assert.match(readOrEmpty(out), /^\[fl(:\d+)?\] n 1 /, 'the log keeps its lines while it cannot be rotated');

    rmSync(join(disk, 'fill'));
    const copies = () => readdirSync(logs).filter((name) => name.endsWith('.gz'));
    const first = (name: string) => {
      try {
        return /^\[fl(:\d+)?\] n 1 /.test(gunzipSync(readFileSync(join(logs, name))).toString('utf8'));
      } catch {
        return false;
      }
    };
    await waitFor(() => copies().some(first), 'the full log gzipped once there is room', 90_000);
    rmSync(run);
    // The app's `tail` in the current file: every rotation of its flood is over.
    await waitFor(() => /\] tail$/m.test(readOrEmpty(out)), 'logging to resume after the flood', 60_000);
  } finally {
    watcher.close();
  }

  const left = readdirSync(logs).filter((name) => name.endsWith('.gz'));
  const invalid = left.filter((name) => {
    try {
      gunzipSync(readFileSync(join(logs, name)));
      return false;
    } catch {
      return true;
    }
  });
  assert.deepEqual(invalid, [], `invalid copies left: ${invalid.join(' ')} (of ${left.join(' ')})`);
  assert.ok(left.length >= 1 && left.length <= 2, `copies left: ${left.join(' ')}`);
  // Each listed where retention finds it.
  const listed = readOrEmpty(`${out}.txt`);
  for (const name of left) assert.ok(listed.includes(join(logs, name)), `${name} listed in ${listed}`);
  // Every other copy made was one of a failed rotation, said removed in daemon.log.
  const said = readOrEmpty(join(hive.home, 'daemon.log'));
  const failed = [...seen].filter((name) => !left.includes(name) && !listed.includes(name));
  assert.ok(failed.length >= 2, `failed rotations seen: ${[...seen].join(' ')}`);
  for (const name of failed) assert.match(said, new RegExp(`rotation failed \\(.*\\); its copy ${name} removed`));
});
