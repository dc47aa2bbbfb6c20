// Count arguments of the daemon commands: what PM2 users type is taken, anything else exits 2 naming it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('hive scale <app> -1 is parsed as one process fewer, not refused as an unknown flag', async () => {
  // Parsed: the daemon then answers that no such app runs (exit 1), where a usage error would exit 2.
  const result = await hive.run(['scale', 'ghost', '-1']);
  assert.equal(result.code, 1, result.stderr);
  assert.match(result.stderr, /ERR_HIVE_APP_NOT_FOUND: .*"ghost"/);
  for (const count of ['0', '-0', 'abc', '1.5', '']) {
    const refused = await hive.run(['scale', 'ghost', count]);
    assert.equal(refused.code, 2, `scale ghost ${JSON.stringify(count)}: ${refused.stderr}`);
    assert.match(refused.stderr, /<n>/);
  }
});

test('hive logs --lines takes digits only: an empty value is not 0 lines', async () => {
  for (const lines of ['', '1e3', '0x10', '-1', '2.5']) {
    const result = await hive.run(['logs', `--lines=${lines}`]);
    assert.equal(result.code, 2, `--lines ${JSON.stringify(lines)}: ${result.stderr}`);
    assert.equal(
      result.stderr,
      `hive logs: ERR_HIVE_INVALID_ARGUMENT: Expected --lines to be a non-negative integer, got ${JSON.stringify(lines)} (string); see hive logs --help\n`,
    );
  }
});
