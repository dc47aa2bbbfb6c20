// The image runs node:24-bookworm-slim by default (--node): an app whose package.json says `"engines": { "node":
// "20.x" }` (as Heroku-era apps pin it) got a recipe for Node.js 24 without a word, and would run in production on a
// Node.js it never declared; npm ci only prints EBADENGINE in the build log. The recipe now warns.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { rangeTakesMajor } from '../../src/edge/node-engines.js';
import { hiveDeploy, writeApp } from './deploy-command.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-deploy-engines-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const warnings = (stderr: string) => stderr.split('\n').filter((line) => line.startsWith('hive deploy: warning:'));

test('engines.node without the image major: a warning naming the range and --node; the files are written', () => {
  const app = writeApp(join(dir, 'pinned'), { dependencies: { hive: '*' }, engines: { node: '20.x' } });
  const result = hiveDeploy(app, 'k8s');
  assert.equal(result.status, 0, result.stderr);
  const [warning, ...rest] = warnings(result.stderr);
  assert.match(warning ?? '', /engines\.node \("20\.x"\) does not take Node\.js 24.*node:24-bookworm-slim.*--node/);
  assert.deepEqual(rest, []);
  // The major it takes: no warning.
  assert.deepEqual(warnings(hiveDeploy(app, 'compose', '--node', '20').stderr), []);
});

test('engines.node taking the image major, none, or unreadable: no warning', () => {
  for (const [name, engines] of [
    ['open', { node: '>=20.11' }],
    ['either', { node: '^22 || ^24' }],
    ['none', undefined],
    ['other', { npm: '>=10' }],
    ['unreadable', { node: 'lts/*' }],
  ] as const) {
    const app = writeApp(join(dir, name), { dependencies: { hive: '*' }, ...(engines && { engines }) });
    const result = hiveDeploy(app, 'compose');
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(warnings(result.stderr), [], name);
  }
});

test('ranges read as npm reads them (each expectation is node-semver 7.8.6: intersects(range, "<major>.x"))', () => {
  const cases: [string, number, boolean | undefined][] = [
    ['20.x', 24, false],
    ['20.x', 20, true],
    ['>=20.11', 24, true],
    ['>= 20', 24, true],
    ['>=18 <21', 24, false],
    ['>=18 <21', 20, true],
    ['^20.11.0 || ^22', 22, true],
    ['^20.11.0 || ^22', 24, false],
    ['~20.11', 20, true],
    ['~> 20.1', 20, true],
    ['18 - 20', 24, false],
    ['18 - 20', 20, true],
    ['*', 24, true],
    ['', 24, true],
    ['x', 20, true],
    ['<24', 24, false],
    ['<=24', 24, true],
    ['>24', 24, false],
    ['>24.0', 24, true],
    ['v22.1.0', 22, true],
    ['=22', 24, false],
    ['>=20.0.0-rc.1', 24, true],
    ['>=16.0.0 <=20.x', 24, false],
    ['^0.2', 0, true],
    ['>=20.11.0 <20.12', 20, true],
    // Not a range npm reads: nothing is said.
    ['lts/*', 24, undefined],
    ['node 20', 24, undefined],
  ];
  for (const [range, major, expected] of cases)
    assert.equal(rangeTakesMajor(range, major), expected, `${range} ${major}`);
});
