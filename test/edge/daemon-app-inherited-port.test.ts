// `hive describe`, `hive edge nginx --app` and `hive deploy --app` took a daemon app's port from the PORT of its
// environment even when that PORT was only inherited (the daemon's, the shell's of `hive start`), which its primary
// only prefers: an app listening on a port of its own got an nginx upstream at the inherited port, and nginx answered
// 502. The port is the given one (`--port`, `--env PORT=`), else where the app's processes listen
// (processes[].listen), else, said in a warning, the inherited PORT. Real daemon, real app.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import type { AppInfo } from '../../dist/daemon/protocol.js';
import { type DaemonDeployApp, daemonDeployInput } from '../../dist/edge/daemon-app-deploy.js';
import { type DaemonApp, daemonAppSite } from '../../dist/edge/daemon-app-site.js';
import { freePort, get } from '../cluster/helpers.js';
import { tempHome, waitFor } from '../daemon/helpers.js';
import { writeApp } from './deploy-command.js';
import { describedDeployApp } from './described-deploy-app.js';

const hive = tempHome();
// The app's directory (the deploy recipe's build context), with an app that listens on OWN_PORT whatever PORT says.
const appDir = writeApp(join(hive.dir, 'app'), { name: 'own', main: 'server.mjs' });
copyFileSync(new URL('../fixtures/cluster/own-port-app.mjs', import.meta.url), join(appDir, 'server.mjs'));

const describe = (name: string) => hive.json<AppInfo>(['describe', name]);
const describeText = async (name: string) => (await hive.run(['describe', name])).stdout;
const edge = (name: string, ...flags: string[]) => hive.run(['edge', 'nginx', '--app', name, ...flags]);

// The compose recipe's app port (the exposed one) and what the command said on stderr.
async function composePort(name: string, out: string): Promise<{ port: string | undefined; stderr: string }> {
  const result = await hive.run(['deploy', 'compose', '--app', name, '--out', out], { cwd: appDir });
  assert.equal(result.code, 0, result.stderr);
  const file = parse(readFileSync(join(appDir, out, 'compose.yaml'), 'utf8'));
  return { port: file.services.app.expose[0], stderr: result.stderr };
}

// Once every worker of `name` reported where it listens: those ports.
function listenedPorts(name: string, workers: number): Promise<number[]> {
  return waitFor(async () => {
    const listens = (await describe(name)).processes.filter((p) => p.role === 'worker').map((p) => p.listen);
    return listens.length === workers && listens.every((l) => l) ? listens.map((l) => l!.port) : undefined;
  }, `the workers of ${name} listening`);
}

test('an app beside an inherited PORT is proxied, described and deployed at the port it listens on', async () => {
  const [inherited, own] = [await freePort(), await freePort()];
  // The daemon starts here, with PORT in its environment, as does the shell of `hive start`.
  await hive.json(['ls'], { env: { PORT: String(inherited) } });
  const env = { PORT: String(inherited), OWN_PORT: String(own) };
  // The default listen timeout: 2 s failed this start once on a loaded CI machine (Node 24, two workers).
  const started = await hive.run(['start', 'server.mjs', '--name', 'own', '-i', '2'], {
    cwd: appDir,
    env,
  });
  assert.equal(started.code, 0, started.stderr);
  assert.deepEqual(await listenedPorts('own', 2), [own, own]);
  // The app is told the inherited PORT, and serves on its own.
  // (own-port-app.mjs replies with the PORT it was told.)
  assert.equal(((await get(own)) as unknown as { port: string }).port, String(inherited));

  const info = await describe('own');
  assert.deepEqual([info.settings.port, info.settings.inheritedPort], [null, inherited]);
  assert.match(
    await describeText('own'),
    new RegExp(
      `^port {2,}${own} \\(where its processes listen, no port given; PORT ${inherited} inherited, unused\\)$`,
      'm',
    ),
  );

  const site = await edge('own');
  assert.equal(site.code, 0, site.stderr);
  assert.match(site.stdout, new RegExp(`server 127\\.0\\.0\\.1:${own} `));
  assert.doesNotMatch(site.stdout, new RegExp(`:${inherited}\\b`));
  assert.doesNotMatch(site.stderr, /warning/);

  const recipe = await composePort('own', 'compose');
  assert.equal(recipe.port, String(own));
  assert.doesNotMatch(recipe.stderr, /inherited/);

  // Stopped, nothing is known to listen: the inherited PORT is all there is, said to be only that.
  await hive.json(['stop', 'own']);
  assert.match(
    await describeText('own'),
    new RegExp(`^port {2,}${inherited} \\(PORT inherited, not given; where its processes listen is not known\\)$`, 'm'),
  );
  const stopped = await edge('own');
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`server 127\\.0\\.0\\.1:${inherited} `));
  assert.match(
    stopped.stderr,
    new RegExp(`hive edge: warning: app "own": PORT ${inherited} is only inherited .*pass --port`),
  );
  const fallback = await composePort('own', 'compose-stopped');
  assert.equal(fallback.port, String(inherited));
  assert.match(fallback.stderr, new RegExp(`PORT ${inherited} only inherited .*give --port`));
  await hive.json(['delete', 'own']);
});

test('a given port (--port, --env PORT=) is the port, over the inherited PORT, running or stopped', async () => {
  const inherited = await freePort();
  for (const [name, given] of [
    ['flag', (port: number) => ['--port', String(port)]],
    ['env', (port: number) => ['--env', `PORT=${port}`]],
  ] as const) {
    const port = await freePort();
    const started = await hive.run(['start', 'server.mjs', '--name', name, '-i', '1', ...given(port)], {
      cwd: appDir,
      env: { PORT: String(inherited), OWN_PORT: String(port) },
    });
    assert.equal(started.code, 0, `${name}: ${started.stderr}`);
    assert.deepEqual(await listenedPorts(name, 1), [port]);
    const info = await describe(name);
    assert.deepEqual([info.settings.port, info.settings.inheritedPort], [port, null], name);
    assert.match(await describeText(name), new RegExp(`^port {2,}${port}$`, 'm'), name);
    for (const state of ['running', 'stopped']) {
      const site = await edge(name);
      assert.equal(site.code, 0, `${name} ${state}: ${site.stderr}`);
      assert.match(site.stdout, new RegExp(`server 127\\.0\\.0\\.1:${port} `), `${name} ${state}`);
      assert.doesNotMatch(site.stderr, /warning/, `${name} ${state}`);
      const recipe = await composePort(name, `compose-${name}-${state}`);
      assert.equal(recipe.port, String(port), `${name} ${state}`);
      await hive.json(['stop', name]);
    }
  }
});

// An app with PORT 5000 inherited and no port given, as cli/daemon-app.ts hands it over, for the decisions alone.
const site: DaemonApp = {
  name: 'api',
  status: 'online',
  port: null,
  inheritedPort: 5000,
  instances: 1,
  socket: null,
  sticky: null,
  listening: [5000, 6000],
  listens: [],
};
const recipe = describedDeployApp({ instances: '1', port: null, inheritedPort: 5000, listened: [] });

test('among several ports listened on, the inherited PORT is preferred; none of them is a guess', () => {
  const upstream = (app: Partial<DaemonApp>) => {
    const warnings: string[] = [];
    const { port } = daemonAppSite({ ...site, ...app }, { upstream: {} }, (w) => warnings.push(w)).upstream!;
    return { port, warnings };
  };
  // An admin server beside the app's on the inherited PORT: the app's, no warning.
  assert.deepEqual(upstream({}), { port: 5000, warnings: [] });
  // What the runtime reported wins over what /proc lists.
  assert.deepEqual(upstream({ listens: [{ address: '0.0.0.0', port: 6000 }] }), { port: 6000, warnings: [] });
  assert.throws(
    () => upstream({ listening: [6000, 7000] }),
    /ports 6000, 7000 \(not on the PORT 5000 it inherited\) and Hive cannot tell/,
  );
  // Nothing known to listen: the inherited PORT, said.
  const { port, warnings } = upstream({ listening: [], status: 'stopped' });
  assert.equal(port, 5000);
  assert.match(warnings.join('\n'), /PORT 5000 is only inherited .*status stopped.*pass --port/);

  const deployed = (app: Partial<DaemonDeployApp>, flags = {}) =>
    daemonDeployInput({ ...recipe, ...app }, { app: 'api', ...flags }, '/srv/api', 'compose');
  const fallback = deployed({});
  assert.equal(fallback.input.port, 5000);
  assert.match(fallback.warnings.join('\n'), /PORT 5000 only inherited/);
  assert.equal(deployed({ listened: [6000] }).input.port, 6000);
  assert.equal(deployed({ listened: [5000, 6000] }).input.port, 5000);
  const several = deployed({ listened: [6000, 7000] });
  assert.equal(several.input.port, undefined);
  assert.match(several.warnings.join('\n'), /listen on ports 6000, 7000: the recipe takes none of them/);
  // --port settles it: nothing to say.
  assert.doesNotMatch(deployed({}, { port: 4000 }).warnings.join('\n'), /inherited/);
  assert.equal(deployed({}, { port: 4000 }).input.port, 4000);
});
