// A Node program that serves no port (a queue worker): fork mode as PM2 picks it, from a PM2 file without exec_mode
// and instances, or from `hive start -x`; cluster mode would wait for it to listen and fail it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const worker = "setInterval(() => console.log('tick', process.pid), 100);\n";

test('a PM2 file without exec_mode or instances runs its script in fork mode, as PM2 does', async () => {
  writeFileSync(join(hive.dir, 'queue.js'), worker);
  const file = join(hive.dir, 'ecosystem.config.js');
  writeFileSync(file, "module.exports = { apps: [{ name: 'queue', script: './queue.js' }] };\n");
  const [app] = await hive.json<App[]>(['start', file], { cwd: hive.dir });
  assert.deepEqual([app!.mode, app!.status, app!.ready, app!.total], ['fork', 'online', 1, 1]);
  await waitFor(() => /\[queue:0\] tick/.test(hive.readLog('queue-out.log')), 'its output');
  await hive.json(['delete', 'queue']);
});

test('hive start -x runs a .js script in fork mode; a config file refuses the flag', async () => {
  const script = join(hive.dir, 'job.js');
  writeFileSync(script, worker);
  const [app] = await hive.json<App[]>(['start', script, '-x', '--name', 'job']);
  assert.deepEqual([app!.mode, app!.status, app!.total], ['fork', 'online', 1]);
  await hive.json(['delete', 'job']);
  const file = join(hive.dir, 'ecosystem.config.js');
  const refused = await hive.run(['start', file, '-x'], { cwd: hive.dir });
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--execute-command/);
});

test('port reaches a fork-mode process as PORT, from a PM2 file and from hive start -x -p', async () => {
  const script = join(hive.dir, 'port.js');
  // console.log's two arguments print `port <PORT>` as a template literal would (a placeholder in a string lints).
  writeFileSync(script, "console.log('port', process.env.PORT);\nsetInterval(() => {}, 1 << 30);\n");
  const file = join(hive.dir, 'ecosystem.config.js');
  writeFileSync(file, "module.exports = { apps: [{ name: 'pf', script: './port.js', port: 4123 }] };\n");
  const [fromFile] = await hive.json<App[]>(['start', file], { cwd: hive.dir });
  assert.equal(fromFile!.mode, 'fork');
  await waitFor(() => /\[pf:0\] port 4123\n/.test(hive.readLog('pf-out.log')), 'PORT from the file');
  await hive.json(['start', script, '-x', '-p', '4124', '--name', 'pc']);
  await waitFor(() => /\[pc:0\] port 4124\n/.test(hive.readLog('pc-out.log')), 'PORT from -p');
  await hive.json(['delete', 'pf', 'pc']);
});
