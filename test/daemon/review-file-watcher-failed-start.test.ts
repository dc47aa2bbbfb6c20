import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const root = mkdtempSync(join(tmpdir(), 'hive-fw-start-'));
after(() => rmSync(root, { recursive: true, force: true }));

// Run in a child: it counts the fs.watch watchers FileWatcher opens and closes (fs.watch wrapped before the module is
// loaded), and it drops root, for which a folder of mode 000 is still watchable: as anyone else, watching it fails
// with EACCES while it is there to stat, which is what makes the constructor throw.
const child = `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
const watch = fs.watch;
let open = 0;
fs.watch = (...args) => {
  const watcher = watch(...args);
  open += 1;
  const close = watcher.close.bind(watcher);
  let closed = false;
  watcher.close = () => {
    if (!closed) open -= 1;
    closed = true;
    close();
  };
  return watcher;
};
syncBuiltinESMExports();
const { FileWatcher } = await import(process.argv[2]);
if (process.getuid() === 0) process.setuid('nobody');
const [src, locked] = process.argv.slice(3);
let thrown;
try {
  new FileWatcher([src, locked], [], () => {});
} catch (error) {
  thrown = error.code;
}
process.stdout.write(JSON.stringify({ thrown, open }));
process.exit(0);
`;

test('a FileWatcher whose second path cannot be watched throws, leaving no watcher of the first running', () => {
  chmodSync(root, 0o755);
  const src = join(root, 'src');
  mkdirSync(join(src, 'sub'), { recursive: true });
  const locked = join(root, 'lib');
  mkdirSync(locked, { mode: 0o000 });
  chmodSync(locked, 0o000);
  const script = join(root, 'child.mjs');
  writeFileSync(script, child);
  const module = new URL('../../dist/daemon/file-watcher.js', import.meta.url).href;
  const printed = execFileSync(process.execPath, [script, module, src, locked], { encoding: 'utf8' });
  // src and src/sub were watched (and src's parent) before lib failed: none of them may be left open.
  assert.deepEqual(JSON.parse(printed), { thrown: 'EACCES', open: 0 });
});
