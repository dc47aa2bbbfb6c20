// `hive edge nginx --check` wrote its throw-away nginx.conf with `include <tmpdir>/site.conf` unquoted: with a TMPDIR
// holding a space, nginx -t failed on the include ("invalid number of arguments") and a good config was refused.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nginxBin, nginxSkip } from './nginx-harness.js';

const command = new URL('../../dist/cli/commands/edge.js', import.meta.url).href;
const dir = mkdtempSync(join(tmpdir(), 'hive-edge-check-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('--check works with a TMPDIR that holds a space', { skip: nginxSkip() }, () => {
  const spaced = join(dir, 'temp dir');
  mkdirSync(spaced);
  const out = join(dir, 'api.conf');
  const script = `const m = await import(${JSON.stringify(command)}); process.exitCode = await m.default(process.argv.slice(1));`;
  const argv = ['nginx', '--app', 'api', '--port', '3000', '--check', '--out', out];
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...argv], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, TMPDIR: spaced, HIVE_NGINX: nginxBin },
  });
  assert.equal(result.status, 0, result.stderr);
  assert.doesNotMatch(result.stderr, /ERR_HIVE_EDGE_NGINX_CHECK/);
});
