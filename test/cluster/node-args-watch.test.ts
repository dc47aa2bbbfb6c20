// node's watch mode in a cluster app's Node flags (`--node-args=--watch`, a config's `node_args: '--watch'`): the
// worker became a watcher that ran the app in a child of its own, which took the port by itself while the worker never
// became ready, and the start failed only at listenTimeout, blaming the port. It is refused before anything starts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, runHive } from './helpers.js';

test('hive run refuses --watch and --watch-path among the node args, naming Hive`s own watch', async () => {
  for (const flag of ['--watch', '--watch-path=src']) {
    const { code, stderr } = await runHive(['run', fixture('app.js'), '-i', '1', `--node-args=${flag}`]);
    assert.equal(code, 2, stderr);
    assert.match(
      stderr,
      new RegExp(`ERR_HIVE_INVALID_ARGUMENT: \`nodeArgs\` may not hold ${flag}: .*hive start --watch`),
    );
  }
});
