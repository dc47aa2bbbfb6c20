// Node's permission model in a cluster app's Node flags, granting reads of the app's folder only: the app process
// died before the app ran, denied a read of Hive's own preload (dist/runtime/register.js), whenever Hive sits outside
// that folder (a global install). Hive grants its own built files, and nothing else, when the flags turn the model on.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { request } from 'undici';
import { freePort, isEvent, outputOf, runHive, startHive, tempApp, tempDir, until } from './helpers.js';

// `--experimental-permission` on Node 20, `--permission` since.
const permission = process.versions.node.startsWith('20.') ? '--experimental-permission' : '--permission';

const { dir, app } = tempApp(
  'hive-permission-',
  `import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
const read = (path) => { try { readFileSync(path); return 'read'; } catch (error) { return error.code; } };
createServer((req, res) => res.end(JSON.stringify({ own: read(import.meta.filename ?? new URL(import.meta.url).pathname),
  hiveDocs: read(process.env.HIVE_DOCS) }))).listen(process.env.PORT);
`,
);
const hiveDocs = new URL('../../docs/cluster.md', import.meta.url).pathname;

test('a cluster app under the permission model, granted its own folder only, starts, serves and stops', async () => {
  const port = await freePort();
  const hive = startHive(
    ['--name', 'perm', app, '-i', '1', '--port', String(port), `--node-args=${permission} --allow-fs-read=${dir}`],
    {
      HIVE_DOCS: hiveDocs,
    },
  );
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 20_000);
  const { body } = await request(`http://127.0.0.1:${port}/`, { reset: true });
  // The grant is Hive's built files, not its whole package: the app still cannot read what it was not granted.
  assert.deepEqual(await body.json(), { own: 'read', hiveDocs: 'ERR_ACCESS_DENIED' });
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0, hive.stderr.join(''));
});

// An app that dies before it is ready for want of a grant: the not-ready error names the flag (Node 20's own message
// names none), the file's path included.
test('an app process refused a read before it is ready: the not-ready error names the grant', async () => {
  const config = join(tempDir('hive-permission-config-'), 'config.json');
  writeFileSync(config, '{}');
  const refused = tempApp(
    'hive-permission-refused-',
    `import { readFileSync } from 'node:fs';\nreadFileSync(${JSON.stringify(config)});\n`,
  );
  const nodeArgs = `--node-args=${permission} --allow-fs-read=${refused.dir}`;
  const { code, stderr } = await runHive(['run', refused.app, '-i', '1', '--port', String(await freePort()), nodeArgs]);
  assert.equal(code, 1, stderr);
  const grant = `(Node's permission model refused it: grant --allow-fs-read=${config} in the node args)`;
  const line = stderr.split('\n').find((l) => l.includes('ERR_HIVE_WORKER_NOT_READY')) ?? stderr;
  assert.match(line, /did not become ready: it exited \(code 1\) before it was ready: /);
  assert.ok(line.includes(grant), line);
});

// The model turned on by the app's NODE_OPTIONS (`-e`), not its node args: Node 20 takes `--experimental-permission`
// there and refuses `--permission`, Node 24 the other way round. The process died on Hive's preload, and the hint
// told the user to grant a file of Hive's.
test('a cluster app under the permission model of its NODE_OPTIONS starts and serves: Hive grants its own files', async () => {
  const port = await freePort();
  const hive = startHive(
    [
      '--name',
      'perm-env',
      app,
      '-i',
      '1',
      '--port',
      String(port),
      '-e',
      `NODE_OPTIONS=${permission} --allow-fs-read=${dir}`,
    ],
    { HIVE_DOCS: hiveDocs },
  );
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 20_000);
  const { body } = await request(`http://127.0.0.1:${port}/`, { reset: true });
  assert.deepEqual(await body.json(), { own: 'read', hiveDocs: 'ERR_ACCESS_DENIED' });
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0, hive.stderr.join(''));
});

// Node 20's `--allow-fs-read` once split its value on commas: Hive installed in a folder whose name has one still gets
// its grants whole (every Node Hive runs on takes the value as one path), so its preload loads.
test('Hive installed in a folder whose name has a comma: its grant of its own files holds', async () => {
  const installed = join(tempDir('hive-permission-install-'), 'hi,ve');
  const repo = new URL('../../', import.meta.url).pathname;
  mkdirSync(installed);
  cpSync(join(repo, 'dist'), join(installed, 'dist'), { recursive: true });
  cpSync(join(repo, 'package.json'), join(installed, 'package.json'));
  symlinkSync(realpathSync(join(repo, 'node_modules')), join(installed, 'node_modules'));
  const port = await freePort();
  const args = ['run', app, '-i', '1', '--port', String(port), `--node-args=${permission} --allow-fs-read=${dir}`];
  const hive = spawn(process.execPath, [join(installed, 'dist/cli/hive.js'), ...args], {
    env: { ...process.env, HIVE_DOCS: hiveDocs },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = outputOf(hive, 30_000);
  let reply: unknown;
  await until(async () => {
    reply = await request(`http://127.0.0.1:${port}/`, { reset: true }).then(
      ({ body }) => body.json(),
      () => undefined,
    );
    return reply !== undefined;
  }, 'its reply').finally(() => hive.kill('SIGTERM'));
  assert.deepEqual(reply, { own: 'read', hiveDocs: 'ERR_ACCESS_DENIED' });
  const { code, stderr } = await exited;
  assert.equal(code, 0, stderr);
});
