import assert from 'node:assert/strict';
import { test } from 'node:test';
import { integerFlag, parsePort } from '../../dist/cli/integer-flag.js';

// `hive run --port`, `hive start --port`, `hive dashboard --port`, `hive monit --interval` and `hive logs --lines` read
// their numbers through these: digits only, within the range, else ERR_HIVE_INVALID_ARGUMENT naming the flag, range and
// value.
test('integerFlag takes digits within the range, and names flag, range, unit and value otherwise', () => {
  assert.equal(integerFlag('100', '--interval', 100, 60_000, 'ms'), 100);
  assert.equal(integerFlag('60000', '--interval', 100, 60_000, 'ms'), 60_000);
  for (const bad of ['99', '60001', '', ' 5', '1e3', '0x10', '-1', '1.5']) {
    assert.throws(
      () => integerFlag(bad, '--interval', 100, 60_000, 'ms'),
      {
        code: 'ERR_HIVE_INVALID_ARGUMENT',
        message: `Expected --interval to be an integer 100-60000 (ms), got ${JSON.stringify(bad)} (string)`,
      },
      bad,
    );
  }
});

test('parsePort takes 0-65535 and names its flag', () => {
  assert.equal(parsePort('0'), 0);
  assert.equal(parsePort('65535', '--metrics-port'), 65535);
  assert.throws(() => parsePort('65536', '--metrics-port'), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: 'Expected --metrics-port to be an integer 0-65535, got "65536" (string)',
  });
  assert.throws(() => parsePort('80x'), { message: 'Expected --port to be an integer 0-65535, got "80x" (string)' });
});

test('integerFlag with no upper bound takes any digits, and says non-negative (or >= min) otherwise', () => {
  assert.equal(integerFlag('0', '--lines', 0, Number.POSITIVE_INFINITY), 0);
  assert.equal(integerFlag('123456789012', '--lines', 0, Number.POSITIVE_INFINITY), 123456789012);
  assert.throws(() => integerFlag('-1', '--lines', 0, Number.POSITIVE_INFINITY), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: 'Expected --lines to be a non-negative integer, got "-1" (string)',
  });
  assert.throws(() => integerFlag('0', '--retries', 1, Number.POSITIVE_INFINITY), {
    message: 'Expected --retries to be an integer >= 1, got "0" (string)',
  });
});
