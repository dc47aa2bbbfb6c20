import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { configFiles } from './helpers.js';

const { writeJson } = configFiles();

// YAML reads `args: [--port, 3000]` as a string and a number; PM2 passes the number to the program as its text.
test("a number or boolean in a PM2 app's args list is its text, as PM2 passes it", async () => {
  const file = writeJson('ecosystem.config.json', {
    apps: [
      { name: 'api', script: 'api.js', args: ['--port', 3000, '--debug', true], node_args: ['--stack-size', 2000] },
    ],
  });
  const [api] = (await loadConfig(file)).apps;
  assert.deepEqual(api!.args, ['--port', '3000', '--debug', 'true']);
  assert.deepEqual(api!.nodeArgs, ['--stack-size', '2000']);
  // Anything else is still refused by its place.
  const bad = writeJson('ecosystem.config.json', { apps: [{ name: 'api', script: 'api.js', args: ['--x', null] }] });
  await assert.rejects(loadConfig(bad), /apps\[0\] \(api\)\.args\[1\]: expected string, got null/);
});
