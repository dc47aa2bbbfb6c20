// `--static /static=/dir` was refused with `expected a URI prefix such as "/static/", without "\"`: it never said
// what was wrong with "/static" (the missing final "/", which keeps alias inside the directory). And `--user nobody`,
// which docs/edge.md offered, renders `user nobody;`, which nginx refuses on Debian (its group is nogroup): the
// documented `--user "nobody nogroup"` renders a user and a group that nginx, started as root, takes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runHiveEdge } from './edge-command.js';
import { nginxSkip, nginxTest } from './nginx-harness.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-edge-static-prefix-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a static prefix without its final "/" is refused saying so, and why', () => {
  const result = runHiveEdge(dir, ['nginx', '--port', '3000', '--static', '/static=/srv/public']);
  assert.equal(result.code, 2, result.stdout);
  assert.match(
    result.stderr,
    /^hive edge: ERR_HIVE_EDGE_INVALID_OPTION: --static \(static\.location\): expected a URI prefix that ends with "\/", such as "\/static\/": without it, nginx's alias would serve "<prefix>\.\.\/" from outside the directory, got "\/static"/,
  );
  const other = runHiveEdge(dir, ['nginx', '--port', '3000', '--static', 'static/=/srv/public']);
  assert.match(
    other.stderr,
    /--static \(static\.location\): expected a URI prefix such as "\/static\/": starting with "\/"/,
  );
  const good = runHiveEdge(dir, ['nginx', '--port', '3000', '--static', '/static/=/srv/public']);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /location \^~ \/static\/ \{\n\s+alias \/srv\/public\/;/);
});

// nginx resolves the user's group only when it starts as root; Debian names nobody's group nogroup.
const asRoot =
  process.getuid?.() !== 0
    ? 'nginx reads the user directive only as root'
    : !/^nogroup:/m.test(readFileSync('/etc/group', 'utf8')) && 'this system has no nogroup group (not Debian-like)';
test('--user "nobody nogroup" renders a user and group that nginx -t takes', { skip: nginxSkip() || asRoot }, () => {
  const flags = ['nginx', '--full', '--port', '3000', '--listen', '127.0.0.1:18080', '--access-log', 'off'];
  const main = ['--pid', join(dir, 'nginx.pid'), '--error-log', 'stderr', '--temp-dir', dir];
  const result = runHiveEdge(dir, [...flags, ...main, '--user', 'nobody nogroup']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^user nobody nogroup;$/m);
  writeFileSync(join(dir, 'nginx.conf'), result.stdout);
  const checked = nginxTest(dir, join(dir, 'nginx.conf'));
  assert.equal(checked.status, 0, checked.output);
});
