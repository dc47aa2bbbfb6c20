// `hive edge nginx --out <file>` and `hive deploy --out <dir>` wrote each file to `<file>.<pid>.tmp` and renamed it
// into place. The pid is no secret: anyone who can write the folder (a sticky /tmp, a deploy folder shared with a
// group) could plant a link at that name, and `sudo hive edge nginx --out` wrote through it, to the file it points to;
// a folder planted there made `hive deploy` fail. The temp is now named at random and opened exclusively, never
// through a link.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeApp } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-out-temp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// The command module in a node of its own, which first plants `plant` (a script's body) where its own pid names
// the temp.
function runPlanted(module: string, plant: string, argv: string[], cwd: string) {
  const command = new URL(`../../dist/cli/commands/${module}.js`, import.meta.url).href;
  const script = `
    import { mkdirSync, symlinkSync } from 'node:fs';
    ${plant}
    const m = await import(${JSON.stringify(command)});
    process.exitCode = await m.default(process.argv.slice(1));`;
  return spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...argv], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, HIVE_HOME: join(dir, 'no-daemon') },
  });
}

// The mode a plain new file gets here (0666 under the umask): what --out wrote before, kept.
function plainMode(): string {
  const probe = join(dir, 'probe');
  writeFileSync(probe, '');
  return (statSync(probe).mode & 0o777).toString(8);
}

test('hive edge nginx --out never writes through a link planted at a temp name guessed from its pid', () => {
  const victim = join(dir, 'victim');
  writeFileSync(victim, 'keep me\n');
  const out = join(dir, 'api.conf');
  const plant = `symlinkSync(${JSON.stringify(victim)}, ${JSON.stringify(out)} + '.' + process.pid + '.tmp');`;
  const result = runPlanted('edge', plant, ['nginx', '--app', 'api', '--port', '3000', '--out', out], dir);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'keep me\n');
  assert.ok(lstatSync(out).isFile());
  assert.match(readFileSync(out, 'utf8'), /upstream/);
  assert.equal((statSync(out).mode & 0o777).toString(8), plainMode());
});

test('hive deploy --out neither writes through nor stops at a name planted where its pid names a temp', () => {
  const app = writeApp(join(dir, 'app'), { main: 'server.js' });
  const victim = join(dir, 'deploy-victim');
  writeFileSync(victim, 'keep me\n');
  const plant = `
    mkdirSync('out');
    symlinkSync(${JSON.stringify(victim)}, 'out/Dockerfile.' + process.pid + '.tmp');
    mkdirSync('out/compose.yaml.' + process.pid + '.tmp');`;
  const result = runPlanted('deploy', plant, ['compose', '--app', 'api', '--out', 'out'], app);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(readFileSync(victim, 'utf8'), 'keep me\n');
  for (const file of ['Dockerfile', 'compose.yaml']) assert.ok(lstatSync(join(app, 'out', file)).isFile(), file);
  assert.equal((statSync(join(app, 'out', 'compose.yaml')).mode & 0o777).toString(8), plainMode());
});
