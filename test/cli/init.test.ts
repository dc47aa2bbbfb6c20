// PM2's `pm2 init`: a starter config file in the current folder, which `hive start` then runs as it is.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { appFixture, HiveHome } from '../daemon/helpers.js';

const hive = new HiveHome();
const dir = mkdtempSync(join(tmpdir(), 'hi-'));
after(async () => {
  await hive.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

interface App {
  name: string;
  mode: string;
  status: string;
  total: number;
  script: string;
}

test('hive init writes hive.config.ts, refuses to overwrite it without --force, and hive start runs it', async () => {
  const first = await hive.run(['init'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const file = join(dir, 'hive.config.ts');
  assert.match(first.stdout, new RegExp(`^wrote ${file}\\n`));
  assert.match(readFileSync(file, 'utf8'), /import type \{ HiveConfig \} from 'hive\/config';/);

  writeFileSync(file, '// mine\n');
  const again = await hive.run(['init'], { cwd: dir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^hive init: ERR_HIVE_INVALID_ARGUMENT: \S*hive\.config\.ts is there already; --force/m);
  assert.equal(readFileSync(file, 'utf8'), '// mine\n', 'left alone');
  assert.deepEqual(await hive.json(['init', '--force'], { cwd: dir }), { file });
  assert.match(readFileSync(file, 'utf8'), /satisfies HiveConfig/);

  // The starter's script, and nothing else: the file as written starts (no daemon asked by init itself).
  copyFileSync(appFixture, join(dir, 'server.js'));
  const [app] = await hive.json<App[]>(['start', 'hive.config.ts'], { cwd: dir });
  assert.deepEqual([app!.name, app!.mode, app!.status], ['api', 'cluster', 'online']);
  assert.ok(app!.total >= 1);
});

test('hive init --pm2 writes an ecosystem.config.js that hive start runs too', async () => {
  const written = await hive.json<{ file: string }>(['init', '--pm2'], { cwd: dir });
  assert.equal(written.file, join(dir, 'ecosystem.config.js'));
  assert.match(readFileSync(written.file, 'utf8'), /^module\.exports = \{$/m);
  const again = await hive.run(['init', '--pm2'], { cwd: dir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /ecosystem\.config\.js is there already/);
  // Its app is named as the other file's: started again from this file, as `hive start <config>` restarts an app.
  const [app] = await hive.json<App[]>(['start', 'ecosystem.config.js', '--env', 'production'], { cwd: dir });
  assert.deepEqual([app!.name, app!.mode, app!.status], ['api', 'cluster', 'online']);
  const extra = await hive.run(['init', 'simple'], { cwd: dir });
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /ERR_HIVE_INVALID_ARGUMENT: unexpected argument "simple"/);
});
