// What the nginx config validation tests share: a site to vary, a check that an input is refused with a typed error
// naming its key, and a check that an input renders a config real nginx accepts.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type EdgeConfigInput, generateNginxConfig, type SiteInput } from '../../dist/edge/index.js';
import { HiveError } from '../../dist/errors.js';
import { makePrefix, nginxSkip, nginxTest, testMain, withLocalLogs } from './nginx-harness.js';

/** App `api` on upstream port 3000, listening on 18080, with `extra` over it. */
export function site(extra: Partial<SiteInput> = {}): SiteInput {
  return { app: 'api', upstream: { port: 3000 }, listen: { port: 18080 }, ...extra };
}

/** Asserts that `input` is refused with ERR_HIVE_EDGE_INVALID_OPTION naming `key` (and matching `message`). */
export function rejects(input: EdgeConfigInput, key: string, message?: RegExp): void {
  assert.throws(
    () => generateNginxConfig({ main: testMain, ...input }, { checkFiles: false }),
    (error: unknown) => {
      assert.ok(error instanceof HiveError, `expected a HiveError, got ${String(error)}`);
      assert.equal(error.code, 'ERR_HIVE_EDGE_INVALID_OPTION');
      assert.equal((error as HiveError & { key: string }).key, key);
      assert.ok(error.message.includes(key), `message names the key: ${error.message}`);
      if (message) assert.match(error.message, message);
      return true;
    },
  );
}

/**
 * Registers the test file's before/after hooks for a temp nginx prefix and returns `passesNginx`: it renders a whole
 * nginx.conf for an input, checks it with `nginx -t` (when nginx is installed; a warning fails it too) and returns it.
 */
export function nginxChecker(): (input: EdgeConfigInput) => string {
  const skip = nginxSkip();
  let dir = '';
  let count = 0;
  before(async () => {
    dir = await makePrefix();
  });
  after(() => rm(dir, { recursive: true, force: true }));
  return (input) => {
    const output = generateNginxConfig({ main: testMain, ...input }, { shape: 'full', checkFiles: false });
    if (skip !== false) return output;
    count += 1;
    const conf = join(dir, `case-${count}.conf`);
    writeFileSync(conf, withLocalLogs(output, dir));
    const result = nginxTest(dir, conf);
    assert.equal(result.status, 0, `${result.output}\n${output}`);
    assert.doesNotMatch(result.output, /\[warn\]/, result.output);
    return output;
  };
}
