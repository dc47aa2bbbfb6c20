// `pm2 logs --nostream --lines N` is how scripts print PM2's last lines without following (pm2 logs follows by
// default). Hive prints and exits by default: --nostream says the same, and with -f it is a contradiction (exit 2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

test('hive logs --nostream prints the last lines and exits, as without it', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick', '--', 'hello']);
  await waitFor(() => /ticker 0 started hello/.test(hive.readLog('tick-out.log')), 'the out log');
  const result = await hive.run(['logs', 'tick', '--nostream', '--lines', '5']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /\[tick:0\] ticker 0 started hello/);
  const contradiction = await hive.run(['logs', 'tick', '--nostream', '-f']);
  assert.equal(contradiction.code, 2);
  assert.match(contradiction.stderr, /ERR_HIVE_INVALID_ARGUMENT: --nostream and --follow/);
});
