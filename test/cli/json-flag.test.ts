// README and docs/cli.md say which commands take --json: every one but `run`, `edge` and `deploy`, which refuse it
// (exit 2). This keeps that list true as commands come and go: each command's --help offers --json but those three's.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();
const commands = readdirSync(new URL('../../dist/cli/commands/', import.meta.url))
  .filter((file) => file.endsWith('.js'))
  .map((file) => file.slice(0, -3));
const withoutJson = ['deploy', 'edge', 'run'];
// PM2's list commands print JSON whatever the flags: --json is accepted and changes nothing.
const alwaysJson = ['jlist', 'prettylist'];

test('every command but run, edge and deploy offers --json in its --help', async () => {
  const lacking: string[] = [];
  for (const command of commands.filter((name) => !alwaysJson.includes(name))) {
    const help = await hive.run([command, '--help']);
    assert.equal(help.code, 0, `hive ${command} --help: ${help.stderr}`);
    if (!help.stdout.includes('--json')) lacking.push(command);
  }
  assert.deepEqual(lacking.sort(), withoutJson);
});

test('jlist and prettylist print JSON with or without --json', async () => {
  for (const command of alwaysJson) {
    for (const args of [[command], [command, '--json']]) {
      const listed = await hive.run(args);
      assert.equal(listed.code, 0, `hive ${args.join(' ')}: ${listed.stderr}`);
      assert.deepEqual(JSON.parse(listed.stdout), [], args.join(' '));
    }
  }
});

test('run, edge and deploy refuse --json with exit 2, and the docs name them', async () => {
  for (const command of withoutJson) {
    const refused = await hive.run([command, '--json']);
    assert.equal(refused.code, 2, `hive ${command} --json: ${refused.stdout}`);
    assert.ok(
      refused.stderr.includes(`unknown option --json for hive ${command}; see hive ${command} --help`),
      `hive ${command} --json: ${refused.stderr}`,
    );
  }
  const root = new URL('../../', import.meta.url);
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const cli = readFileSync(new URL('docs/cli.md', root), 'utf8');
  assert.match(readme.replace(/\s+/g, ' '), /Every command but `run`, `edge` and `deploy` takes `--json`/);
  assert.match(cli.replace(/\s+/g, ' '), /every one but `hive run`, `hive edge` and `hive deploy` takes `--json`/);
});
