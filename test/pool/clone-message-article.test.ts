// Under isolation: 'process' a refused value is named by its type with an article: a URL (refused on Node >= 21) was
// "an URL (at result.nested[0])", the article picked by the letter alone. Node 20 clones a URL as a plain object, so
// there is nothing to name there.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pool } from 'hive/pool';

const filename = new URL('./fixtures/platform-values.mjs', import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

test('a refused URL is named "a URL"', { skip: major < 21 && 'Node 20 clones a URL as a plain object' }, async () => {
  await using pool = new Pool({ filename, maxThreads: 1, isolation: 'process' });
  await assert.rejects(pool.run('URL'), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'ERR_HIVE_DATA_CLONE');
    assert.match(error.message, /\ba URL \(at result\.nested\[0\]\)/);
    return true;
  });
});
