// The recipes' `hive run` names the app as the recipe does (its image, compose project, Deployment): `--name <app>` in
// the container's command, for a recipe of --app and for one named after package.json. Without it hive run named the
// app after its script (`server`) in every log prefix, JSON record, metrics label and HIVE_APP_NAME. Read back by hive
// run's own parser for names at the edges of the recipe's rule, and run for real with the Dockerfile's CMD.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRunArgs } from '../../dist/cli/run-args.js';
import { fillOptions } from '../../dist/cluster/options.js';
import { kubernetesManifests, renderDeployRecipe, resolveDeployOptions } from '../../dist/edge/index.js';
import { startHive, tempDir } from '../cluster/helpers.js';
import { freePort } from '../ports.js';
import { hiveDeploy, writeApp } from './deploy-command.js';

const dir = tempDir('hive-deploy-run-name-');
mkdirSync(join(dir, 'src'));
// Says the name its process was given, and serves on PORT as the recipe's app does.
writeFileSync(
  join(dir, 'src', 'server.js'),
  [
    "const { createServer } = require('node:http');",
    "console.log('name=' + process.env.HIVE_APP_NAME + ' args=' + JSON.stringify(process.argv.slice(2)));",
    "createServer((req, res) => res.end('ok')).listen(Number(process.env.PORT));",
    '',
  ].join('\n'),
);

function dockerfileCmd(content: string): string[] {
  return JSON.parse(/^CMD (.*)$/m.exec(content)![1]!) as string[];
}

// hive run's name, as its parser and its option checks make it of the container's arguments.
function runName(args: string[]): string {
  const { supervisor } = parseRunArgs(args, {});
  return fillOptions({ ...supervisor, cwd: dir }).name;
}

test('every name the recipes take is the name hive run gives the app in the container, in both recipes', () => {
  // The rule's edges: one letter, the longest (52), digits and "-".
  for (const app of ['a', `a${'b'.repeat(50)}1`, 'my-app-2', 'withargs']) {
    const input = { app, script: 'src/server.js' };
    const compose = renderDeployRecipe('compose', input).find((file) => file.path === 'Dockerfile')!.content;
    assert.equal(runName(dockerfileCmd(compose)), app);
    const [deployment] = kubernetesManifests(resolveDeployOptions(input, 'k8s')) as [any];
    assert.equal(runName(deployment.spec.template.spec.containers[0].args), app);
  }
});

test("a recipe named after package.json's name runs hive run under that name", () => {
  const app = writeApp(join(dir, 'scoped'), { name: '@acme/withargs', main: 'src/server.js' });
  const result = hiveDeploy(app, 'compose', '--out', 'out');
  assert.equal(result.status, 0, result.stderr);
  const cmd = dockerfileCmd(readFileSync(join(app, 'out', 'Dockerfile'), 'utf8'));
  assert.deepEqual(cmd.slice(0, 3), ['src/server.js', '--name', 'withargs']);
});

test("the Dockerfile's CMD, run by hive run, names the app as the recipe does in its records and HIVE_APP_NAME", async () => {
  const port = await freePort();
  // The app answering its own probes: no metrics port opened on every address.
  const input = {
    app: 'withargs',
    script: 'src/server.js',
    instances: 1,
    port,
    health: { port },
    args: ['--foo', 'bar baz'],
  };
  const cmd = dockerfileCmd(renderDeployRecipe('compose', input).find((file) => file.path === 'Dockerfile')!.content);
  // /app in the image is the app's directory here.
  const primary = startHive([join(dir, cmd[0]!), ...cmd.slice(1)]);
  const said = await primary.waitFor(
    (record) => record.kind === 'log' && String(record.line).startsWith('name='),
    'the app saying its name',
  );
  assert.equal(said.line, 'name=withargs args=["--foo","bar baz"]');
  await primary.waitFor((record) => record.type === 'state' && record.state === 'online', 'online');
  primary.kill('SIGTERM');
  assert.deepEqual(await primary.exited, { code: 0, signal: null });
  const apps = new Set(primary.records.map((record) => record.app));
  assert.deepEqual([...apps], ['withargs'], JSON.stringify(primary.records));
});
