// The programmatic Supervisor refuses a script that is a directory at construction, as `hive run` does: Node would
// run a guessed index.js (or fail in every worker, a crash loop) rather than the file the user meant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScriptNotFoundError, Supervisor } from '../../dist/cluster/index.js';

const fixtures = new URL('../fixtures/cluster/', import.meta.url).pathname;

test('a directory given as script is refused with ERR_HIVE_SCRIPT_NOT_FOUND naming the resolved path', () => {
  for (const options of [
    { script: fixtures },
    { script: 'cluster', cwd: new URL('../fixtures/', import.meta.url).pathname },
  ]) {
    assert.throws(
      () => new Supervisor({ ...options, instances: 1 }),
      (error: unknown) => {
        assert.ok(error instanceof ScriptNotFoundError);
        assert.equal(error.code, 'ERR_HIVE_SCRIPT_NOT_FOUND');
        assert.equal(error.isDirectory, true);
        assert.match(error.message, /The script .*fixtures\/cluster is a directory, not a file; give the file to run/);
        return true;
      },
    );
  }
});

test('a missing script keeps its message; a file is accepted', () => {
  assert.throws(() => new Supervisor({ script: `${fixtures}no-such-app.js`, instances: 1 }), {
    code: 'ERR_HIVE_SCRIPT_NOT_FOUND',
    message: /no-such-app\.js does not exist/,
  });
  // A path through a file (ENOTDIR from stat) is missing too, not a raw system error.
  assert.throws(() => new Supervisor({ script: `${fixtures}app.js/server.js`, instances: 1 }), {
    code: 'ERR_HIVE_SCRIPT_NOT_FOUND',
    message: /app\.js\/server\.js does not exist/,
  });
  const supervisor = new Supervisor({ script: `${fixtures}app.js`, instances: 1 });
  assert.equal(supervisor.options.script, `${fixtures}app.js`);
});
