// PM2's other names of the daemon commands (`pm2 list`, `status`, `show`, `info`, `del`) reach Hive's commands, so a
// PM2 user's habits and scripts work; an unknown command is still refused with exit 2.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { daemonFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('list, l, ps and status are ls, show, info and desc are describe, del is delete', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  for (const alias of ['list', 'l', 'ps', 'status']) {
    const apps = await hive.json<{ name: string }[]>([alias]);
    assert.deepEqual(
      apps.map((app) => app.name),
      ['tick'],
      alias,
    );
  }
  for (const alias of ['show', 'info', 'desc']) {
    const app = await hive.json<{ name: string; processes: unknown[] }>([alias, 'tick']);
    assert.equal(app.name, 'tick', alias);
  }
  const text = await hive.run(['list']);
  assert.match(text.stdout, /^id\s+name/);
  const deleted = await hive.json<{ name: string }[]>(['del', 'tick']);
  assert.deepEqual(
    deleted.map((app) => app.name),
    ['tick'],
  );
  assert.deepEqual(await hive.json(['ls']), []);
});

// PM2's jlist and prettylist are commands of their own, in PM2's shape (jlist.test.ts); ls --json and --pretty stay
// Hive's.
test('ls --json is one line, ls --pretty the same apps indented', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  try {
    const json = await hive.run(['ls', '--json']);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stdout.trimEnd().split('\n').length, 1, 'one line');
    const pretty = await hive.run(['ls', '--pretty']);
    assert.equal(pretty.code, 0, pretty.stderr);
    assert.match(pretty.stdout, /^\[\n {2}\{\n {4}"id": \d+,\n {4}"name": "tick",/);
    const names = (text: string) => (JSON.parse(text) as { name: string }[]).map((app) => app.name);
    assert.deepEqual(names(json.stdout), ['tick']);
    assert.deepEqual(names(pretty.stdout), ['tick']);
  } finally {
    await hive.json(['delete', 'tick']);
  }
});

test('dump is save, ecosystem is init --pm2 (the ecosystem file PM2 writes)', async () => {
  await hive.json(['start', daemonFixture('ticker.sh'), '--name', 'tick']);
  try {
    const dumped = await hive.run(['dump']);
    assert.equal(dumped.code, 0, dumped.stderr);
    assert.match(readFileSync(join(hive.home, 'dump.json'), 'utf8'), /"name": ?"tick"/);
  } finally {
    await hive.json(['delete', 'tick']);
  }
  const cwd = mkdtempSync(join(tmpdir(), 'hive-ecosystem-'));
  try {
    const result = await hive.run(['ecosystem'], { cwd });
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(readdirSync(cwd), ['ecosystem.config.js']);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});

test('an unknown command is still refused, and the usage names the aliases', async () => {
  const result = await hive.run(['lst']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /unknown command "lst"/);
  assert.match(
    result.stderr,
    /PM2's names work too: list, l, ps, status \(ls\), show, info, desc \(describe\), del \(delete\)/,
  );
  assert.match(
    result.stderr,
    /dump \(save\), ecosystem \(init --pm2\), dash \(dashboard\), updatePM2 \(update\), sendSignal \(send-signal\)/,
  );
  assert.match(result.stderr, /^Commands: .*\bjlist\b.*\bprettylist\b/m);
  assert.match(result.stderr, /startOrReload, startOrGracefulReload \(start-or-reload\)/);
});
