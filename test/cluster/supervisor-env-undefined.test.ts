// `new Supervisor({ env: process.env })` did not compile (ProcessEnv's values may be undefined) and a variable set to
// undefined was refused at run time ("Expected `env.X` to be a string"), where child_process takes undefined as
// "leave the variable out". The Supervisor now takes it so: the app processes go without the variable, even one the
// primary's own environment has (cluster.fork() lays `env` over it). Any other non-string is still refused.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Supervisor } from '../../dist/cluster/index.js';
import { poll } from '../poll.js';

test('an env variable set to undefined is unset in the app processes, not refused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'hive-env-undefined-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'app.cjs');
  writeFileSync(
    script,
    `const seen = (name) => (name in process.env ? process.env[name] : null);
console.log('env ' + JSON.stringify({ unset: seen('HIVE_TEST_UNSET'), kept: seen('HIVE_TEST_KEPT'), base: seen('HIVE_TEST_BASE') }));
require('node:http').createServer((req, res) => res.end()).listen(0, '127.0.0.1');
`,
  );
  // In the primary's own environment: the app would inherit it if undefined only meant "not given".
  process.env.HIVE_TEST_UNSET = 'inherited';
  process.env.HIVE_TEST_BASE = 'inherited';
  t.after(() => {
    delete process.env.HIVE_TEST_UNSET;
    delete process.env.HIVE_TEST_BASE;
  });
  const supervisor = new Supervisor({
    script,
    instances: 1,
    balance: 'os',
    env: { HIVE_TEST_KEPT: 'yes', HIVE_TEST_UNSET: undefined },
  });
  const lines: string[] = [];
  supervisor.on('line', ({ line }) => {
    if (line.startsWith('env ')) lines.push(line.slice(4));
  });
  try {
    await supervisor.start();
    await poll(() => lines.length > 0, 'the app to print its environment');
    assert.deepEqual(JSON.parse(lines[0]!), { unset: null, kept: 'yes', base: 'inherited' });
    // A reload's new environment (the one under `env`, in place of the primary's) the same way: undefined unsets,
    // anything else but a string is refused.
    assert.throws(() => supervisor.reload({ env: { A: 1 as never } }), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: /reload `env\.A`.*string.*got 1 \(number\)/,
    });
    await supervisor.reload({ env: { ...process.env, HIVE_TEST_BASE: undefined } });
    await poll(() => lines.length > 1, 'the replacement to print its environment');
    assert.deepEqual(JSON.parse(lines[1]!), { unset: null, kept: 'yes', base: null });
  } finally {
    await supervisor.stop();
  }
});

test('a value that is neither a string nor undefined is still refused, naming the key', () => {
  for (const [value, got] of [
    [null, 'null'],
    [{ x: 1 }, 'an object'],
    [1, '1 \\(number\\)'],
  ] as const) {
    assert.throws(
      () =>
        new Supervisor({
          script: new URL('../fixtures/cluster/app.js', import.meta.url).pathname,
          env: { A: value as never },
        }),
      {
        code: 'ERR_HIVE_INVALID_ARGUMENT',
        message: new RegExp(`\`env\\.A\`.*string.*got ${got}`),
      },
    );
  }
});
