// An app whose env (`--env`, a config's `env`) carries a NODE_OPTIONS that turns Node's permission model on: the
// daemon spawns the app's primary (`hive run`, the fork primary) in the app's environment, so the primary ran under
// the model itself and died, denied its own files, before it started anything (`did not start: Node.js v20...`).
// The variable is the app processes': they run under the model, the primary does not.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { freePort } from '../cluster/helpers.js';
import { tempHome, waitFor } from './helpers.js';

// `--experimental-permission` on Node 20 (which refuses `--permission` in NODE_OPTIONS), `--permission` since.
const permission = process.versions.node.startsWith('20.') ? '--experimental-permission' : '--permission';
const hiveDocs = new URL('../../docs/cluster.md', import.meta.url).pathname;

const hive = tempHome();
const script = join(hive.dir, 'app.cjs');
writeFileSync(
  script,
  `const { readFileSync } = require('node:fs');
const read = (path) => { try { readFileSync(path); return 'read'; } catch (error) { return error.code; } };
require('node:http').createServer((req, res) => res.end(JSON.stringify({ own: read(__filename),
  hiveDocs: read(${JSON.stringify(hiveDocs)}) }))).listen(process.env.PORT);
`,
);
const nodeOptions = `NODE_OPTIONS=${permission} --allow-fs-read=${hive.dir}`;

for (const mode of ['fork', 'cluster'] as const) {
  test(`a ${mode}-mode app whose env's NODE_OPTIONS turns the permission model on starts, and runs under it`, async () => {
    const port = await freePort();
    const modeArgs = mode === 'fork' ? ['-x', '--env', `PORT=${port}`] : ['-i', '1', '--port', String(port)];
    const name = `perm-${mode}`;
    const [app] = await hive.json<App[]>(['start', script, '--name', name, ...modeArgs, '--env', nodeOptions]);
    assert.deepEqual([app!.mode, app!.status, app!.ready], [mode, 'online', 1]);
    // A fork-mode process is online once spawned, maybe before it listens.
    const reply = await waitFor(
      () =>
        request(`http://127.0.0.1:${port}/`, { reset: true }).then(
          ({ body }) => body.json(),
          () => undefined,
        ),
      'its reply',
    );
    // Its own folder granted, nothing else: the model is on in the app's process.
    assert.deepEqual(reply, { own: 'read', hiveDocs: 'ERR_ACCESS_DENIED' });
    await hive.json(['delete', name]);
  });
}
