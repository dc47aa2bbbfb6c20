// A negative number after a value flag is that flag's value, for its own check to name the range: parseArgs called
// `--port -5` "ambiguous" in three lines of advice about `--port=-XYZ`, in every command but edge and `-i -1`.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseArgsWithNegatives } from '../../dist/negative-numbers.js';
import { fixture } from '../cluster/helpers.js';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('every command reads a negative number as the flag value and refuses it by its range, in one line (exit 2)', async () => {
  const cwd = join(hive.dir, 'empty');
  mkdirSync(cwd);
  const cases: [string[], RegExp][] = [
    [
      ['run', fixture('app.js'), '--port', '-5'],
      /^hive run: ERR_HIVE_INVALID_ARGUMENT: Expected --port to be an integer 0-65535, got "-5"/,
    ],
    [
      ['run', fixture('app.js'), '-i', '-2'],
      /^hive run: ERR_HIVE_INVALID_ARGUMENT: Expected `instances` to be a positive integer, "max" or 0 \(every core\), or -1 \(one fewer\), got "-2"/,
    ],
    [
      ['logs', '--lines', '-5'],
      /^hive logs: ERR_HIVE_INVALID_ARGUMENT: Expected --lines to be a non-negative integer, got "-5"/,
    ],
    [
      ['bench', '--duration', '-5'],
      /^hive bench: ERR_HIVE_INVALID_ARGUMENT: Expected --duration to be an integer 1-2147483, got "-5"/,
    ],
    [
      ['deploy', 'compose', '--app', 'x', '--script', 'x.js', '--replicas', '-1'],
      /^hive deploy: ERR_HIVE_DEPLOY_INVALID_OPTION: --replicas \(replicas\): expected more than 0, got -1/,
    ],
    [
      ['deploy', 'compose', '--app', 'x', '--script', 'x.js', '--replicas=-1'],
      /^hive deploy: ERR_HIVE_DEPLOY_INVALID_OPTION: --replicas \(replicas\): expected more than 0, got -1/,
    ],
    [
      ['edge', 'nginx', '--port', '-5'],
      /^hive edge: ERR_HIVE_EDGE_INVALID_OPTION: --port \(upstream\.port\): expected an integer port from 1 to 65535, got -5/,
    ],
  ];
  for (const [args, message] of cases) {
    const result = await hive.run(args, { cwd });
    const line = args.join(' ');
    assert.equal(result.code, 2, `hive ${line}: ${result.stderr}`);
    assert.match(result.stderr, message, line);
    assert.equal(result.stderr.split('\n').length, 2, `one line: ${result.stderr}`);
  }
  assert.equal(await hive.daemonPid(), undefined, 'no daemon was started for bad arguments');
});

test('parseArgsWithNegatives: negative numbers as values and positionals, bare in values, positionals and tokens', () => {
  const parsed = parseArgsWithNegatives({
    args: ['--port', '-5', 'app', '-1', '--lines=-2', '--', '-7', '--port'],
    options: { port: { type: 'string' }, lines: { type: 'string' } },
    allowPositionals: true,
    strict: true,
    tokens: true,
  });
  assert.deepEqual(parsed.values, { port: '-5', lines: '-2' });
  assert.deepEqual(parsed.positionals, ['app', '-1', '-7', '--port']);
  const values = parsed.tokens.map((t) => ('value' in t ? t.value : undefined)).filter((v) => v !== undefined);
  assert.deepEqual(values, ['-5', 'app', '-1', '-2', '-7', '--port']);
  // A dash and a letter is still a flag.
  assert.throws(() => parseArgsWithNegatives({ args: ['-x'], options: {}, strict: true }), {
    code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION',
  });
});
