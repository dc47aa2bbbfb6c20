// Every long flag a command's --help offers is documented: in docs/cli.md, or in the page of that command's own
// (cluster.md for `hive run`, edge.md and deploy.md for theirs). `hive deploy --publish` and `hive logs --follow`
// were in --help and nowhere in docs/, so a reader of the docs could not know them.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const root = new URL('../../', import.meta.url);
const hive = tempHome();
const commands = readdirSync(new URL('dist/cli/commands/', root))
  .filter((file) => file.endsWith('.js'))
  .map((file) => file.slice(0, -3));
const page = (name: string): string => readFileSync(new URL(`docs/${name}`, root), 'utf8');
const ownPage: Record<string, string> = { run: 'cluster.md', edge: 'edge.md', deploy: 'deploy.md' };

/** The long flags a help text names (`--lines`, `--no-build`, `--timestamp` of `--timestamp[=format]`). */
function longFlags(text: string): string[] {
  return [...new Set(text.match(/--[a-z][a-z0-9-]*[a-z0-9]/g) ?? [])];
}

/** Whether `flag` occurs in `text` as itself, not as the start of a longer flag (`--max` in `--max-restarts`). */
function mentions(text: string, flag: string): boolean {
  return new RegExp(`${flag}(?![a-z0-9-])`).test(text);
}

test('longFlags and mentions read flags whole', () => {
  assert.deepEqual(longFlags('  -f, --follow  keep\n  --timestamp[=format] --no-build --max <n>'), [
    '--follow',
    '--timestamp',
    '--no-build',
    '--max',
  ]);
  assert.equal(mentions('`--max-restarts <n>`', '--max'), false);
  assert.equal(mentions('`--min <n> --max <n>`', '--max'), true);
});

test("every --flag of a command's --help is in docs/cli.md or the command's own page", async () => {
  const cli = page('cli.md');
  const missing: string[] = [];
  for (const command of commands) {
    const help = await hive.run([command, '--help']);
    assert.equal(help.code, 0, `hive ${command} --help: ${help.stderr}`);
    const docs = ownPage[command] === undefined ? cli : `${cli}\n${page(ownPage[command])}`;
    for (const flag of longFlags(help.stdout)) {
      if (!mentions(docs, flag)) missing.push(`hive ${command} ${flag}`);
    }
  }
  assert.ok(commands.length > 20, 'found the commands in dist/cli/commands');
  assert.deepEqual(missing, []);
});

test("edge.md's synopsis of `hive edge nginx` lists every flag of its --help", async () => {
  // The synopsis is the one place a reader sees every flag at once: --connect-timeout was left out of it.
  const help = await hive.run(['edge', 'nginx', '--help']);
  assert.equal(help.code, 0, help.stderr);
  const synopsis = /```text\n(hive edge nginx [^`]*)```/.exec(page('edge.md'))?.[1];
  assert.ok(synopsis, 'found the synopsis in edge.md');
  const documented = new Set(longFlags(synopsis));
  assert.deepEqual(
    longFlags(help.stdout).filter((flag) => flag !== '--help' && !documented.has(flag)),
    [],
  );
});

test("cli.md's tables of `hive start` options list every flag of its --help", async () => {
  // --namespace was in --help and in the prose, but not in the table a reader scans for the options.
  const help = await hive.run(['start', '--help']);
  assert.equal(help.code, 0, help.stderr);
  const section = /\n### `hive start [^\n]*\n([\s\S]*?)\n### /.exec(page('cli.md'))?.[1];
  assert.ok(section, 'found the hive start section');
  const tables = section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((line) => line.split(' | ')[0]!)
    .join('\n');
  // The flags each option line starts with (not those its meaning names); --help and --json are every command's.
  const offered = help.stdout
    .split('\n')
    .map((line) => /^ {2}(?:-\w, | {4})(--\S+)/.exec(line)?.[1])
    .filter((flag) => flag !== undefined)
    .flatMap((flag) => longFlags(flag));
  assert.ok(offered.length > 30, `read the options of --help: ${offered.join(' ')}`);
  assert.deepEqual(
    offered.filter((flag) => flag !== '--help' && flag !== '--json' && !mentions(tables, flag)),
    [],
  );
});
