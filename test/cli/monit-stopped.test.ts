// `hive monit --once` of a stopped app showed 0 under REQ/S and ERR/S, a rate of a process that is not there; and
// piped, the padding of the last column shown (POOL at 80 columns) ended lines with spaces, in a file or a diff.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('a stopped app has no rates (-), and the piped frame has no trailing spaces', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'idle', '--no-autostart']);
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'busy']);
  const once = async (columns: number, args: string[] = []) => {
    const result = await hive.run(['monit', '--once', ...args], { env: { COLUMNS: String(columns) } });
    assert.equal(result.code, 0, result.stderr);
    return result.stdout;
  };
  const frame = await once(120);
  assert.match(frame, /^[> ] idle +stopped +0\/0 +- +- +0$/m, frame);
  // A running fork-mode program (a shell script) counts no requests either: `-` too, not a rate of 0 (31e3edd).
  assert.match(frame, /^[> ] busy +online +1\/1 +- +- +0$/m, frame);
  for (const columns of [40, 80, 120]) {
    for (const app of ['idle', 'busy']) {
      const output = await once(columns, [app]);
      const padded = output.split('\n').filter((line) => line.endsWith(' '));
      assert.deepEqual(padded, [], `${app} at ${columns} columns:\n${output}`);
    }
  }
});
