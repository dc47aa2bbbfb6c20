import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const bundled = JSON.parse(
  readFileSync(new URL('../../scripts/bundled-files.json', import.meta.url), 'utf8'),
) as string[];

// A relative import left in a bundled file means the build step did not run (or lost a file): every pool thread and
// every `hive ls` would load the module graph again.
test('npm run build bundles the worker entries and the daemon commands into one module each', () => {
  assert.ok(bundled.includes('pool/thread-entry.js') && bundled.includes('cli/commands/ls.js'));
  for (const file of bundled) {
    const source = readFileSync(join(dist, file), 'utf8');
    const relative = /\bfrom\s*["']\.{1,2}\/|\bimport\(\s*["']\.{1,2}\//.exec(source);
    assert.equal(relative, null, `${file} still imports ${relative?.[0]}`);
    assert.match(source, /\/\/# sourceMappingURL=/, `${file} has no source map`);
  }
});

// The commands bundle-entries.js leaves out on purpose (they load their own modules lazily); every other command is
// a daemon command that starts often, and one left off the list (as flush was) starts slower for nothing.
const unbundledCommands = new Set(['run', 'start', 'bench', 'dashboard', 'edge', 'deploy', 'startup']);

test('every command but those that load their modules lazily is in the bundled list', () => {
  const commands = readdirSync(join(dist, 'cli/commands'))
    .filter((file) => file.endsWith('.js'))
    .map((file) => file.slice(0, -3));
  assert.ok(commands.includes('ls'));
  const missing = commands.filter(
    (name) => !unbundledCommands.has(name) && !bundled.includes(`cli/commands/${name}.js`),
  );
  assert.deepEqual(missing, [], 'add them to scripts/bundled-files.json (or to unbundledCommands, saying why)');
});

test('a bundled command still finds what it locates from its own module (package.json, the daemon entry)', () => {
  const home = mkdtempSync(join(tmpdir(), 'hive-bundle-'));
  try {
    const hive = join(dist, 'cli/hive.js');
    const env = { ...process.env, HIVE_HOME: home };
    // ls starts a daemon (daemon/main.js, found from the client's own location) and sends the version read from
    // package.json (found from version.js's location): a wrong path would fail either.
    const ls = spawnSync(process.execPath, [hive, 'ls', '--json'], { env, encoding: 'utf8' });
    assert.equal(ls.status, 0, ls.stderr);
    assert.deepEqual(JSON.parse(ls.stdout), []);
    const version = spawnSync(process.execPath, [hive, 'version', '--json'], { env, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    assert.match(version.stdout, new RegExp(pkg.version.replaceAll('.', '\\.')));
    const kill = spawnSync(process.execPath, [hive, 'kill'], { env, encoding: 'utf8' });
    assert.equal(kill.status, 0, kill.stderr);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
