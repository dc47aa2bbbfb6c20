// `hive deploy --out` at a file printed node's raw EEXIST (or ENOTDIR under it), `--out /proc/nope` hung forever
// (node's recursive mkdir loops where the kernel answers ENOENT for a parent that exists), and a package.json that is
// not valid JSON was reported as "no package.json name found". Each is now a typed error saying what and where.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hiveDeploy } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-out-dir-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// A bound on each run: the /proc case used to hang; a hang is reported as a failure, not waited for.
const bounded = (cwd: string) => ({ cwd, timeout: 60_000 });

test('--out at a file, or under one: ERR_HIVE_DEPLOY_OUT_DIR naming --out and the file', () => {
  writeFileSync(join(dir, 'afile'), 'mine\n');
  for (const out of ['afile', 'afile/sub']) {
    const result = hiveDeploy(bounded(dir), 'k8s', '--app', 'api', '--out', out);
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /ERR_HIVE_DEPLOY_OUT_DIR: --out: .*afile is a file, not a directory/);
    assert.doesNotMatch(result.stderr, /EEXIST|ENOTDIR/);
  }
});

test('--out where no directory can be made (under /proc) fails at once, naming --out', {
  skip: !existsSync('/proc/self'),
}, () => {
  const result = hiveDeploy(bounded(dir), 'k8s', '--app', 'api', '--out', '/proc/hive-nope/deploy');
  assert.equal(result.signal, null, 'hive deploy hung');
  assert.equal(result.status, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_DEPLOY_OUT_DIR: --out: cannot create \/proc\/hive-nope/);
});

test('--out missing several levels down is still made', () => {
  const result = hiveDeploy(bounded(dir), 'compose', '--app', 'api', '--out', 'a/b/c');
  assert.equal(result.status, 0, result.stderr);
  assert.ok(readdirSync(join(dir, 'a', 'b', 'c')).includes('compose.yaml'));
});

test('a package.json that is not valid JSON is named, with where it breaks', () => {
  const app = join(dir, 'broken');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), '{\n  "name": "api",\n}\n');
  for (const argv of [['k8s'], ['k8s', '--app', 'api']]) {
    const result = hiveDeploy(bounded(app), ...argv, '--out', 'deploy');
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /ERR_HIVE_DEPLOY_PACKAGE_JSON: .*package\.json is not valid JSON \(.*position \d+/);
    assert.doesNotMatch(result.stderr, /no package\.json name found/);
    assert.equal(existsSync(join(app, 'deploy')), false);
  }
});
