// PM2's `pm2 init`: a starter config file in the current folder, which `hive start` then runs as it is.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const root = hive.dir;

/**
 * A project folder: its package.json (`type`), and the starter's `server.js` (the fixture, an ES module, so in a
 * package of "type": "module" only: module syntax detection is not relied on).
 */
function project(name: string, type: 'module' | 'commonjs'): string {
  const dir = join(root, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, type }));
  copyFileSync(appFixture, join(dir, type === 'module' ? 'server.js' : 'server.mjs'));
  return dir;
}

// Two processes, not one per core, on a machine the suite shares; and the script the project has.
function trim(file: string, script = 'server.js'): void {
  const text = readFileSync(file, 'utf8');
  assert.match(text, /instances: 'max',/);
  writeFileSync(file, text.replace("instances: 'max',", 'instances: 2,').replace("'server.js'", `'${script}'`));
}

test('hive init writes hive.config.ts, refuses to overwrite it without --force, and hive start runs it', async () => {
  const dir = project('ts', 'module');
  const first = await hive.run(['init'], { cwd: dir });
  assert.equal(first.code, 0, first.stderr);
  const file = join(dir, 'hive.config.ts');
  assert.match(first.stdout, new RegExp(`^wrote ${file}\\n`));
  assert.match(readFileSync(file, 'utf8'), /import type \{ HiveConfig \} from 'hive\/config';/);
  // What to do when a global install leaves the project's tsc without 'hive/config', said next to the import.
  assert.match(readFileSync(file, 'utf8'), /with only a global Hive, `tsc` cannot find 'hive\/config'/);

  writeFileSync(file, '// mine\n');
  const again = await hive.run(['init'], { cwd: dir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /^hive init: ERR_HIVE_INVALID_ARGUMENT: \S*hive\.config\.ts is there already; --force/m);
  assert.equal(readFileSync(file, 'utf8'), '// mine\n', 'left alone');
  assert.deepEqual(await hive.json(['init', '--force'], { cwd: dir }), { file });
  assert.match(readFileSync(file, 'utf8'), /satisfies HiveConfig/);

  // The starter's script, and nothing else: the file as written starts (no daemon asked by init itself).
  trim(file);
  const [app] = await hive.json<App[]>(['start', 'hive.config.ts'], { cwd: dir });
  // Named after the project's package, not `api` in every project.
  assert.deepEqual([app!.name, app!.mode, app!.status, app!.total], ['ts', 'cluster', 'online', 2]);
});

test('hive init --pm2 writes an ecosystem.config.js that hive start runs too', async () => {
  const dir = project('cjs', 'commonjs');
  const written = await hive.json<{ file: string }>(['init', '--pm2'], { cwd: dir });
  assert.equal(written.file, join(dir, 'ecosystem.config.js'));
  assert.match(readFileSync(written.file, 'utf8'), /^module\.exports = \{$/m);
  const again = await hive.run(['init', '--pm2'], { cwd: dir });
  assert.equal(again.code, 2);
  assert.match(again.stderr, /ecosystem\.config\.js is there already/);
  trim(written.file, 'server.mjs');
  const [app] = await hive.json<App[]>(['start', 'ecosystem.config.js', '--env', 'production'], { cwd: dir });
  assert.deepEqual([app!.name, app!.mode, app!.status, app!.total], ['cjs', 'cluster', 'online', 2]);
  const extra = await hive.run(['init', 'simple'], { cwd: dir });
  assert.equal(extra.code, 2);
  assert.match(extra.stderr, /ERR_HIVE_INVALID_ARGUMENT: unexpected argument "simple"/);
});

test('hive init --pm2 in a package of "type": "module" writes ecosystem.config.cjs, which loads and starts', async () => {
  const dir = project('esm', 'module');
  const written = await hive.json<{ file: string }>(['init', '--pm2'], { cwd: dir });
  assert.equal(written.file, join(dir, 'ecosystem.config.cjs'));
  const text = readFileSync(written.file, 'utf8');
  assert.match(text, /^module\.exports = \{$/m);
  assert.match(text, /`hive start ecosystem\.config\.cjs`/);
  trim(written.file);
  const [app] = await hive.json<App[]>(['start', 'ecosystem.config.cjs'], { cwd: dir });
  assert.deepEqual([app!.name, app!.status, app!.total], ['esm', 'online', 2]);

  // A folder below takes the package's type, and an ecosystem file of either name there is left alone.
  const below = join(dir, 'deploy');
  mkdirSync(below);
  writeFileSync(join(below, 'ecosystem.config.js'), 'export default { apps: [] };\n');
  const refused = await hive.run(['init', '--pm2'], { cwd: below });
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr,
    /^hive init: ERR_HIVE_INVALID_ARGUMENT: \S*deploy\/ecosystem\.config\.js is there already; --force writes ecosystem\.config\.cjs/m,
  );
  const forced = await hive.json<{ file: string }>(['init', '--pm2', '--force'], { cwd: below });
  assert.equal(forced.file, join(below, 'ecosystem.config.cjs'));
  assert.equal(readFileSync(join(below, 'ecosystem.config.js'), 'utf8'), 'export default { apps: [] };\n');
});

test('both starters have the port and watch there commented out (docs/cli.md), in their own keys: uncommented, they load', async () => {
  for (const [name, args] of [
    ['starter-ts', ['init']],
    ['starter-pm2', ['init', '--pm2']],
  ] as const) {
    const dir = project(name, 'commonjs');
    const { file } = await hive.json<{ file: string }>([...args], { cwd: dir });
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^ {6}\/\/ port: 3000,$/m, name);
    assert.match(text, /^ {6}\/\/ watch: true,$/m, name);
    writeFileSync(file, text.replace('// port: 3000,', 'port: 3000,').replace('// watch: true,', 'watch: true,'));
    const config = await loadConfig(file);
    assert.deepEqual([config.apps[0]!.port, config.apps[0]!.watch, config.warnings], [3000, true, []], name);
  }
});

// Every starter named its app `api`: a second project's `hive start` took over the first project's app. The name is
// the project's package name, else its folder's, as both the daemon and `hive edge` take it.
test("hive init names the app after the project's package, else its folder; api where neither makes a name", async () => {
  const named = async (dir: string, packageJson?: object): Promise<string> => {
    mkdirSync(dir, { recursive: true });
    if (packageJson) writeFileSync(join(dir, 'package.json'), JSON.stringify(packageJson));
    await hive.json(['init', '--force'], { cwd: dir });
    const config = await loadConfig(join(dir, 'hive.config.ts'));
    return config.apps[0]!.name;
  };
  assert.equal(await named(join(root, 'scoped'), { name: '@acme/billing.api', type: 'module' }), 'billing-api');
  // A package.json without a name: the folder's.
  assert.equal(await named(join(root, 'shop front'), { type: 'module' }), 'shop-front');
  assert.equal(await named(join(root, '2024'), { name: '42' }), 'api');
});
