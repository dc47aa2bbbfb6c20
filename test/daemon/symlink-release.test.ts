// A deploy's layout: `current -> releases/<n>`, the apps started from `current`, the link switched to a new release,
// then a reload (or restart). As with PM2, the new processes run the release the link names now. The primary had
// resolved the app's relative script against its own process.cwd(), the resolved folder, so every reload ran the
// release it began in while `hive describe` showed nothing amiss.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort } from '../cluster/helpers.js';
import { type Described, tempHome, waitFor } from './helpers.js';

const hive = tempHome();

const server = (release: string) =>
  `require('node:http').createServer((req, res) => res.end('${release} ' + process.cwd())).listen(process.env.PORT, '127.0.0.1');\n`;

async function body(port: number): Promise<string> {
  try {
    return await (await fetch(`http://127.0.0.1:${port}/`)).text();
  } catch {
    return '';
  }
}

test('after `current` is switched to a new release, reload and restart run the new one (config and script starts)', async () => {
  const [cluster, forked, script] = [await freePort(), await freePort(), await freePort()];
  for (const release of ['1', '2']) {
    const folder = join(hive.dir, 'releases', release);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'server.js'), server(`release ${release}`));
    const apps = [
      { name: 'c', script: 'server.js', instances: 2, env: { PORT: cluster } },
      // No instances: PM2's fork mode.
      { name: 'f', script: 'server.js', env: { PORT: forked } },
    ];
    writeFileSync(join(folder, 'ecosystem.config.js'), `module.exports = ${JSON.stringify({ apps })};\n`);
  }
  const current = join(hive.dir, 'current');
  symlinkSync(join('releases', '1'), current);
  // As a shell that did `cd current`: PWD keeps the link, process.cwd() is the release.
  const inCurrent = { cwd: current, env: { PWD: current } };
  assert.equal((await hive.run(['start', 'ecosystem.config.js'], inCurrent)).code, 0);
  const started = await hive.run(['start', 'server.js', '--name', 's', '-i', '1'], {
    ...inCurrent,
    env: { ...inCurrent.env, PORT: String(script) },
  });
  assert.equal(started.code, 0, started.stderr);
  const releaseOne = `release 1 ${join(hive.dir, 'releases', '1')}`;
  for (const port of [cluster, forked, script]) {
    await waitFor(async () => (await body(port)) === releaseOne, `release 1 on ${port}`);
  }

  // As deploy tools switch it: a new link renamed over the old one.
  symlinkSync(join('releases', '2'), join(hive.dir, 'current.tmp'));
  renameSync(join(hive.dir, 'current.tmp'), current);
  for (const args of [
    ['reload', 'c'],
    ['restart', 'f'],
    ['reload', 's'],
  ]) {
    const result = await hive.run(args);
    assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
  }
  const releaseTwo = `release 2 ${join(hive.dir, 'releases', '2')}`;
  // The cluster apps' reloads returned once every new process was ready; the fork-mode one listens a moment later.
  assert.equal(await body(cluster), releaseTwo);
  assert.equal(await body(cluster), releaseTwo);
  assert.equal(await body(script), releaseTwo);
  await waitFor(async () => (await body(forked)) === releaseTwo, 'the fork-mode app on release 2');
  // What describe shows is where the processes start: the link, not the release of the first start.
  const described = await hive.json<Described>(['describe', 'c']);
  assert.equal(described.cwd, current);
  assert.equal(described.script, 'server.js');
});

// A release-folder deploy without a link: the app is the file's, reloaded, and runs on from the folder it started in
// (the primary stays, as PM2's reload keeps the script). It seemed deployed; it is said now, with what runs the new one.
test('startOrReload of an app from another release folder says the reload keeps the old script, and what runs the new', async () => {
  const port = await freePort();
  for (const release of ['3', '4']) {
    const folder = join(hive.dir, 'releases', release);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'server.js'), server(`release ${release}`));
    const apps = [{ name: 'r', script: 'server.js', instances: 1, env: { PORT: port } }];
    writeFileSync(join(folder, 'ecosystem.config.js'), `module.exports = ${JSON.stringify({ apps })};\n`);
  }
  const [three, four] = [join(hive.dir, 'releases', '3'), join(hive.dir, 'releases', '4')];
  assert.equal((await hive.run(['start', 'ecosystem.config.js'], { cwd: three, env: { PWD: three } })).code, 0);
  const reloaded = await hive.run(['startOrReload', 'ecosystem.config.js'], { cwd: four, env: { PWD: four } });
  assert.equal(reloaded.code, 0, reloaded.stderr);
  assert.equal(await body(port), `release 3 ${three}`);
  const file = join(four, 'ecosystem.config.js');
  assert.ok(
    reloaded.stderr.includes(
      `hive startOrReload: warning: app "r" reloads with the script it started with, ${join(three, 'server.js')} in ${three} ` +
        `(a reload keeps it, as PM2's does); ${file} names ${join(four, 'server.js')} in ${four}: ` +
        `\`hive startOrRestart ${file}\` runs that\n`,
    ),
    reloaded.stderr,
  );
  const restarted = await hive.run(['startOrRestart', file]);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.equal(await body(port), `release 4 ${four}`);
  // The same file reloading the app it started says nothing.
  const again = await hive.run(['reload', file]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /warning/);
});
