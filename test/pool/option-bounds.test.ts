// Bad `new Pool()` options and `run()` arguments are refused at the door with ERR_HIVE_INVALID_ARGUMENT naming the
// option and the value, never accepted and turned into something else later.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { fixture } from './helpers.js';

const invalid = (pattern: RegExp) => ({ code: 'ERR_HIVE_INVALID_ARGUMENT', message: pattern });

describe('timeouts beyond setTimeout’s 2^31-1 ms', () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1, minThreads: 0 });
  after(() => pool.destroy());

  test('a run() timeout too large for a timer is refused, not fired after 1 ms', async () => {
    await assert.rejects(pool.run(1, { timeout: 2 ** 31 }), invalid(/`timeout`.*2147483648 \(number\)/));
    assert.equal(await pool.run(1, { timeout: 2 ** 31 - 1 }), 1);
  });

  test('so is a pool-wide timeout', () => {
    assert.throws(
      () => new Pool({ filename: fixture('tasks.mjs'), timeout: 3e9 }),
      invalid(/`timeout`.*3000000000 \(number\)/),
    );
  });
});

describe('filename', () => {
  test('a URL that is not a local file: URL is refused with the value named', () => {
    for (const filename of [new URL('http://example.com/task.js'), 'file://remote-host/task.js']) {
      assert.throws(() => new Pool({ filename }), invalid(/`filename`.*local file: URL/));
    }
  });

  // A URL's text was taken as a relative path: "does not exist: /cwd/https:/example.com/x.js".
  test('a URL given as a string is refused as the URL object is, not read as a relative path', () => {
    for (const filename of ['https://example.com/x.js', 'http://example.com/x.js', 'data:text/javascript,export{}']) {
      assert.throws(
        () => new Pool({ filename }),
        (error: Error & { code?: string }) =>
          error.code === 'ERR_HIVE_INVALID_ARGUMENT' &&
          error.message.includes(`\`filename\` option to be a local file: URL, got ${JSON.stringify(filename)}`),
      );
    }
  });

  test('a real file whose name has a colon is still a path', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'hive-pool-colon-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'ab:task.mjs'), 'export default () => 1;\n');
    const cwd = process.cwd();
    process.chdir(dir);
    t.after(() => process.chdir(cwd));
    // Resolved against the working directory at construction.
    const pool = new Pool({ filename: 'ab:task.mjs', maxThreads: 1, minThreads: 0 });
    return pool.destroy();
  });

  test('a directory is refused at construction, not at every worker’s import', () => {
    assert.throws(
      () => new Pool({ filename: new URL('.', fixture('tasks.mjs')) }),
      invalid(/`filename`.*directory.*fixtures\/pool/),
    );
  });
});

describe('resourceLimits', () => {
  test('a limit that is not a positive number, or an unknown key, is refused with the key named', () => {
    for (const [resourceLimits, pattern] of [
      [{ maxOldGenerationSizeMb: '64' }, /`resourceLimits\.maxOldGenerationSizeMb`.*"64" \(string\)/],
      [{ stackSizeMb: -1 }, /`resourceLimits\.stackSizeMb`.*-1 \(number\)/],
      [{ maxYoungGenerationSizeMb: Number.NaN }, /`resourceLimits\.maxYoungGenerationSizeMb`.*NaN/],
      [{ maxOldSpaceSize: 64 }, /`resourceLimits` key `maxOldSpaceSize`/],
      [[64], /`resourceLimits` option to be an object, got an array/],
    ] as const) {
      assert.throws(
        () => new Pool({ filename: fixture('tasks.mjs'), resourceLimits: resourceLimits as never }),
        invalid(pattern),
      );
    }
  });
});

describe('resourceLimits.stackSizeMb', () => {
  // Below about 0.23 MB a thread overflows its stack as it starts and Node ends the whole process: the pool, its
  // caller and this test with it; up to about 0.26 MB (Node 20) or 0.28 MB (Node 24) no thread can start, 0.25 (the
  // old floor) included. Refused at the door, in both isolations alike.
  test('a stack too small for a thread to start is refused, not left to end the process', () => {
    for (const isolation of ['thread', 'process'] as const) {
      for (const stackSizeMb of [0.01, 0.2, 0.25, 0.28, 0.499]) {
        assert.throws(
          () => new Pool({ filename: fixture('tasks.mjs'), minThreads: 0, isolation, resourceLimits: { stackSizeMb } }),
          invalid(new RegExp(`\`resourceLimits\\.stackSizeMb\` to be at least 0\\.5 MB.*${stackSizeMb} \\(number\\)`)),
        );
      }
    }
  });

  test('at the floor a thread starts and runs its task', async () => {
    const pool = new Pool({
      filename: fixture('tasks.mjs'),
      minThreads: 0,
      maxThreads: 1,
      resourceLimits: { stackSizeMb: 0.5 },
      startRetry: false,
    });
    try {
      assert.equal(await pool.run(1), 1);
    } finally {
      await pool.destroy();
    }
  });
});

describe('env and execArgv', () => {
  test('a wrong type is refused at construction, not reported by every task as a dead worker', () => {
    for (const [options, pattern] of [
      [{ env: 'NODE_ENV=production' }, /`env` option to be an object, got "NODE_ENV=production" \(string\)/],
      [{ env: null }, /`env` option to be an object, got null/],
      [
        { execArgv: '--no-warnings' },
        /`execArgv` option to be an array of strings without NUL bytes, got "--no-warnings" \(string\)/,
      ],
      [
        { execArgv: ['--no-warnings', 1] },
        /`execArgv` option to be an array of strings without NUL bytes, got 1 \(number\) in the array/,
      ],
    ] as const) {
      assert.throws(() => new Pool({ filename: fixture('tasks.mjs'), ...(options as object) }), invalid(pattern));
    }
  });
});

describe('run() options', () => {
  const pool = new Pool({ filename: fixture('tasks.mjs'), maxThreads: 1, minThreads: 0 });
  after(() => pool.destroy());

  test('an unknown key is refused like an unknown pool option, not ignored', async () => {
    await assert.rejects(pool.run(1, { timout: 5 } as never), invalid(/Unknown run option `timout`/));
    assert.equal(await pool.run(1, { timeout: 0, name: 'default' }), 1);
  });
});
