// A fork-mode app run by Hive's default Node follows the daemon's Node, as a cluster app does: after `hive update`
// under another Node (nvm), it runs on that one, and an old Node removed (`nvm uninstall`) does not leave it unable
// to start. An interpreter the user named stays as given.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { AppInfo as App } from '../../dist/daemon/protocol.js';
import { otherNode, otherNodeSkip, tempHome, waitFor } from './helpers.js';

const skip = otherNodeSkip;

const hive = tempHome();
after(() => hive.cleanup());

// Each line names the Node that runs the app.
const probe = "console.log('node', process.execPath);\nsetInterval(() => {}, 1 << 30);\n";

const ranWith = (log: string, node: string) => hive.readLog(log).includes(`node ${node}\n`);

test('after hive update under another Node, a fork app of the default node runs on it, a named one stays', {
  skip,
}, async () => {
  const js = join(hive.dir, 'probe.js');
  const ts = join(hive.dir, 'probe.ts');
  writeFileSync(js, probe);
  writeFileSync(ts, `const n: string = process.execPath;\nconsole.log('node', n);\nsetInterval(() => {}, 1 << 30);\n`);
  await hive.json(['start', js, '-x', '--name', 'dflt']);
  await hive.json(['start', ts, '-x', '--name', 'tsapp']);
  await hive.json(['start', js, '--interpreter', process.execPath, '--name', 'named']);
  for (const log of ['dflt-out.log', 'tsapp-out.log', 'named-out.log']) {
    await waitFor(() => ranWith(log, process.execPath), `${log}: the first Node`);
  }
  const updated = await hive.run(['update', '--json'], { node: otherNode });
  assert.equal(updated.code, 0, updated.stderr);
  const after = JSON.parse(updated.stdout.trim().split('\n').at(-1)!) as { pid: number; apps: App[] };
  hive.pids.add(after.pid);
  await waitFor(() => ranWith('dflt-out.log', otherNode), 'the default node app on the new Node');
  await waitFor(() => ranWith('tsapp-out.log', otherNode), 'the TypeScript app on the new Node');
  await waitFor(() => hive.readLog('named-out.log').split(`node ${process.execPath}\n`).length > 2, 'named restarted');
  assert.ok(!ranWith('named-out.log', otherNode), 'the named interpreter stays');
  const apps = after.apps.map((app) => [app.name, app.status]);
  assert.deepEqual(apps.sort(), [
    ['dflt', 'online'],
    ['named', 'online'],
    ['tsapp', 'online'],
  ]);
  // Saved as the default, not as this Node's path: a Hive from before the mark reads the dump as it did.
  await hive.json(['save']);
  const dump = JSON.parse(readFileSync(join(hive.home, 'dump.json'), 'utf8'));
  assert.deepEqual(dump.hiveNode, { dflt: 'node', tsapp: 'tsx' });
  const byName = Object.fromEntries(dump.apps.map((app: { name: string; fork: unknown }) => [app.name, app.fork]));
  assert.equal(byName.dflt.command, otherNode);
  assert.equal(byName.named.command, process.execPath);
  await hive.json(['delete', 'all']);
});

test('a dump from before the mark whose Node is gone resurrects on the daemon Node, with a warning', async () => {
  await hive.run(['kill']);
  const js = join(hive.dir, 'old.js');
  const ts = join(hive.dir, 'old.ts');
  writeFileSync(js, probe);
  writeFileSync(ts, `const n: string = process.execPath;\nconsole.log('node', n);\nsetInterval(() => {}, 1 << 30);\n`);
  const gone = join(hive.dir, 'nvm', 'v18.0.0', 'bin', 'node');
  const goneTsx = pathToFileURL(join(hive.dir, 'nvm', 'lib', 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const app = (name: string, args: string[]) => ({
    name,
    script: args.at(-1),
    cwd: hive.dir,
    instances: '1',
    runArgs: ['-i', '1'],
    env: {},
    fork: { command: gone, args },
  });
  const dump = { version: 1, apps: [app('oldjs', [js]), app('oldts', ['--import', goneTsx, ts])] };
  // The first test may have been skipped: no home yet.
  mkdirSync(hive.home, { recursive: true });
  writeFileSync(join(hive.home, 'dump.json'), JSON.stringify(dump));
  const apps = await hive.json<App[]>(['resurrect']);
  assert.deepEqual(
    apps.map((a) => a.status),
    ['online', 'online'],
  );
  await waitFor(() => ranWith('oldjs-out.log', process.execPath), 'the old js app on the daemon Node');
  await waitFor(() => ranWith('oldts-out.log', process.execPath), 'the old ts app on the daemon Node');
  const log = readFileSync(join(hive.home, 'daemon.log'), 'utf8');
  // As an app's line (`hive logs oldjs` shows it), not as `resurrect: warning: `, which read as an app's named warning.
  assert.match(log, new RegExp(`Z oldjs: warning: its saved Node.js ${gone} is gone`));
  assert.match(log, /Z oldts: warning: its saved Node\.js .* is gone; .*and its tsx loader/);
  await hive.json(['delete', 'all']);
});
