import assert from 'node:assert/strict';
import { HiveError } from '../../dist/errors.js';

/** An assert.throws() check: a HiveError with the host list's code, its message matching `pattern`. */
export function hostError(pattern: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof HiveError, String(error));
    assert.equal(error.code, 'ERR_HIVE_EDGE_INVALID_HOST');
    assert.match(error.message, pattern);
    return true;
  };
}
