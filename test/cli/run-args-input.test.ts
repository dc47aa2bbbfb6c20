// `hive run` with bad arguments: exit 2 before anything is forked, with a typed error naming the flag and the value.
// The script does not exist, so an argument wrongly taken would fail later, with ERR_HIVE_SCRIPT_NOT_FOUND instead.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

async function refused(args: string[], message: RegExp): Promise<void> {
  const result = await hive.run(['run', 'no-such-app.js', ...args]);
  assert.equal(result.code, 2, `hive run ${args.join(' ')}: ${result.stderr}`);
  assert.match(result.stderr, message, `hive run ${args.join(' ')}`);
}

test('parseArgs refusals (unknown flag, missing value, value to a boolean) carry ERR_HIVE_INVALID_ARGUMENT', async () => {
  await refused(
    ['--bogus'],
    /hive run: ERR_HIVE_INVALID_ARGUMENT: unknown option --bogus for hive run; see hive run --help/,
  );
  await refused(['--port'], /hive run: ERR_HIVE_INVALID_ARGUMENT: Option '-p, --port <value>' argument missing/);
  await refused(['--wait-ready=no'], /hive run: ERR_HIVE_INVALID_ARGUMENT: Option '--wait-ready' does not take/);
});

test('a value flag given twice is refused with both values, not last-one-wins', async () => {
  await refused(
    ['--port', '3000', '-p', '4000'],
    /ERR_HIVE_INVALID_ARGUMENT: --port is given twice \("3000", then "4000"\)/,
  );
  await refused(['-i', '2', '--instances=-1'], /--instances is given twice \("2", then "-1"\)/);
  await refused(['--kill-timeout=1s', '--kill-timeout=2s'], /--kill-timeout is given twice/);
  // Repeatable: each --env adds a variable. Script arguments after -- are the script's, repeated or not.
  const result = await hive.run([
    'run',
    'no-such-app.js',
    '-e',
    'A=1',
    '-e',
    'B=2',
    '--',
    '--port',
    '1',
    '--port',
    '2',
  ]);
  assert.equal(result.code, 2, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_SCRIPT_NOT_FOUND/);
});

test('a script that is a directory is refused before anything is forked', async () => {
  const folder = new URL('../fixtures/', import.meta.url).pathname;
  const run = await hive.run(['run', folder]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /ERR_HIVE_SCRIPT_NOT_FOUND: The script .*fixtures is a directory, not a file/);
  const start = await hive.run(['start', folder]);
  assert.equal(start.code, 2, start.stderr);
  assert.match(start.stderr, /ERR_HIVE_SCRIPT_NOT_FOUND: The script .*fixtures is a directory, not a file/);
  const missing = await hive.run(['start', 'no-such-app.js']);
  assert.equal(missing.code, 2, missing.stderr);
  assert.match(missing.stderr, /ERR_HIVE_SCRIPT_NOT_FOUND: The script .*no-such-app\.js does not exist/);
});

test('an empty --name is refused, not used as an empty log prefix', async () => {
  await refused(['--name', ''], /ERR_HIVE_INVALID_ARGUMENT: --name "": expected letters, digits/);
  await refused(['--name= '], /--name " ": expected letters, digits/);
});

test('the help says --restart-delay given alone turns the backoff off, as it does', async () => {
  const help = await hive.run(['run', '--help']);
  assert.equal(help.code, 0, help.stderr);
  assert.doesNotMatch(help.stdout, /when backoff is 0/);
  assert.match(help.stdout, /--restart-delay <duration> +fixed delay .*; given alone it turns the backoff\n +off/);
  assert.match(help.stdout, /default 100ms, 0 with\n +--restart-delay; 0 = off/);
});

test('the help lists every option of the hive run table in docs/cluster.md (--memory-report-interval was missing)', async () => {
  const help = await hive.run(['run', '--help']);
  assert.equal(help.code, 0, help.stderr);
  const doc = readFileSync(new URL('../../docs/cluster.md', import.meta.url), 'utf8');
  const table = doc.slice(doc.indexOf('## Options'), doc.indexOf('\n## ', doc.indexOf('## Options') + 1));
  const flags = [...table.matchAll(/^\| `(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!);
  assert.ok(flags.length > 30, `the table's flags: ${flags.join(' ')}`);
  assert.deepEqual(
    flags.filter((flag) => !new RegExp(`^ +(-\\w, )?${flag}\\b`, 'm').test(help.stdout)),
    [],
  );
  assert.match(help.stdout, /--memory-report-interval <duration> +how often processes report/);
});

test('a config file is refused as the script at once, pointing to hive start (it failed 10 s later, not ready)', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'hive-run-config-'));
  try {
    // `hive init`'s file, and PM2's and Hive's other names: present, as a newcomer has them.
    for (const name of ['hive.config.ts', 'ecosystem.config.js', 'ecosystem.config.cjs', 'ecosystem.config.json']) {
      writeFileSync(join(folder, name), name.endsWith('.json') ? '{"apps":[]}' : 'export default { apps: [] };\n');
      const result = await hive.run(['run', name], { cwd: folder });
      assert.equal(result.code, 2, `${name}: ${result.stderr}`);
      assert.match(
        result.stderr,
        /hive run: ERR_HIVE_INVALID_ARGUMENT: hive run takes a script; to run a config file use hive start <config>/,
      );
      assert.doesNotMatch(result.stderr, /ready/, name);
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('--threads takes a positive integer, as hive start --threads does', async () => {
  for (const value of ['0', 'two', '-1', '1.5']) {
    await refused([`--threads=${value}`], /ERR_HIVE_INVALID_ARGUMENT: Expected --threads to be a positive integer/);
  }
  await refused(['--threads', '2', '--threads', '3'], /--threads is given twice/);
});
