import assert from 'node:assert/strict';
import { HiveError } from '../dist/errors.js';

/** The message of the HiveError `run` throws; fails the test when it throws something else, or nothing. */
export function hiveErrorMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof HiveError, String(error));
    return error.message;
  }
  assert.fail('accepted');
}
