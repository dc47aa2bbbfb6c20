// `port` is set as PORT over the app's `env`: `hive run --port 3000 -e PORT=4000` ran the app on 3000 without a word,
// the other port silently dropped. Two different ports are refused; the same one twice is taken.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fillOptions } from '../../dist/cluster/options.js';
import { fixture, runHive } from './helpers.js';

test('port and env PORT naming two ports are refused, naming both; the same port twice is taken', async () => {
  const script = fixture('app.js');
  const refused = /`port` 3000 and `env` PORT=4000 name two ports for the app: give one/;
  assert.throws(() => fillOptions({ script, port: 3000, env: { PORT: '4000' } }), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: refused,
  });
  assert.equal(fillOptions({ script, port: 3000, env: { PORT: '3000' } }).port, 3000);
  assert.equal(fillOptions({ script, env: { PORT: '4000' } }).env.PORT, '4000');
  // Named as the flags, as `hive start <script>` names them (test/cli/start-port-env-conflict).
  const run = await runHive(['run', script, '--port', '3000', '-e', 'PORT=4000']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--port 3000 and --env PORT=4000 name two ports for the app: give one/);
});
