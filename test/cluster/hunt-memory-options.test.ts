import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillOptions } from '../../dist/cluster/options.js';
import { fixture } from './helpers.js';

test('maxMemoryRestart with memoryReportInterval 0 (no reports, so no RSS to check) is refused, not silently inert', () => {
  const script = fixture('app.js');
  assert.throws(
    () => fillOptions({ script, maxMemoryRestart: '300M', memoryReportInterval: 0 }),
    (error: Error & { code?: string }) =>
      error.code === 'ERR_HIVE_INVALID_ARGUMENT' && /maxMemoryRestart.*memoryReportInterval/.test(error.message),
  );
  assert.equal(fillOptions({ script, memoryReportInterval: 0 }).memoryReportInterval, 0);
  assert.equal(fillOptions({ script, maxMemoryRestart: '300M' }).maxMemoryRestart, 300 * 1024 ** 2);
});
