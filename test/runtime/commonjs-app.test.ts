// docs/cluster.md "CommonJS apps": a CommonJS app loads hive/runtime (published as ES modules only) with require() where
// node can require an ES module (>= 20.19, 22.12), and with a dynamic import() on every supported version. Guards that
// promise: a top-level await anywhere in the runtime's module graph would make require() throw
// ERR_REQUIRE_ASYNC_MODULE.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freePort, isEvent, startHive, tempDir } from '../cluster/helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** A CommonJS project (`"type": "commonjs"`) with node_modules/hive linked to this checkout and `source` as app.js. */
function commonJsApp(source: string): string {
  const dir = tempDir('hive-commonjs-app-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules/hive'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'cjs-app', private: true, type: 'commonjs' }));
  writeFileSync(join(dir, 'app.js'), source);
  return join(dir, 'app.js');
}

/** Runs `app` as two processes with --wait-ready: online only once each called ready(); then stops it. */
async function runsReady(app: string): Promise<string[]> {
  const port = await freePort();
  const hive = startHive([app, '-i', '2', '--port', String(port), '--wait-ready']);
  await Promise.race([
    hive.waitFor(isEvent('state', { state: 'online' }), 'online'),
    hive.exited.then(() => assert.fail(`hive run exited: ${hive.stderr.join('')}`)),
  ]);
  hive.kill('SIGTERM');
  assert.deepEqual(await hive.exited, { code: 0, signal: null });
  return hive.records.filter((r) => r.kind === 'log').map((r) => String(r.line));
}

const server = `
  http.createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT), () => {
    console.log('managed ' + runtime.isPrimaryManaged + ' instance ' + runtime.instance);
    runtime.ready();
  });
`;

test('a CommonJS app: require("hive/runtime") works and its ready() counts', {
  skip: process.features.require_module !== true && 'this node cannot require() an ES module',
}, async () => {
  const app = commonJsApp(`const http = require('node:http');\nconst runtime = require('hive/runtime');\n${server}`);
  const lines = await runsReady(app);
  assert.deepEqual(lines.filter((l) => l.startsWith('managed ')).sort(), [
    'managed true instance 0',
    'managed true instance 1',
  ]);
});

test('a CommonJS app: await import("hive/runtime") works and its ready() counts', async () => {
  const app = commonJsApp(
    `const http = require('node:http');\nimport('hive/runtime').then((runtime) => {${server}});\n`,
  );
  const lines = await runsReady(app);
  assert.deepEqual(lines.filter((l) => l.startsWith('managed ')).sort(), [
    'managed true instance 0',
    'managed true instance 1',
  ]);
});
