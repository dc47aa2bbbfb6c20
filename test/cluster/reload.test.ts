import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { fixture, freePort, get, type Hive, isEvent, killAll, reloadThrough, startHive, startLoad } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-reload-'));
after(async () => {
  await killAll();
  rmSync(dir, { recursive: true, force: true });
});

/** Two processes of the cluster app fixture, online, serving the version in the file `name` of `dir` (v1 now). */
async function versioned(name: string): Promise<{ hive: Hive; port: number; versionFile: string }> {
  const versionFile = join(dir, name);
  writeFileSync(versionFile, 'v1');
  const port = await freePort();
  const hive = startHive([fixture('app.js'), '-i', '2', '--port', String(port)], { APP_VERSION_FILE: versionFile });
  await hive.waitFor(isEvent('state', { state: 'online' }), 'online');
  return { hive, port, versionFile };
}

test('two rolling reloads under keep-alive load fail no request, and the new code serves after', async () => {
  const { hive, port, versionFile } = await versioned('version');
  const load = startLoad(port, 8);
  await delay(300);
  await reloadThrough(hive, versionFile, ['v2', 'v3']);
  const stats = await load.stop();
  assert.equal(stats.failed, 0, `failed requests: ${stats.errors.join('; ')}`);
  assert.ok(stats.ok > 0);
  assert.equal(stats.last?.version, 'v3');
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).version, 'v3');
  // Replacements were ready before their predecessors drained: no worker crashed, nothing was restarted.
  assert.equal(hive.records.filter(isEvent('restart')).length, 0);
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

// A new connection per request: node's cluster hands each one to a process, and it may hand one to a retiring process
// in the moment before it learns the process closed its server. A process that exited before that handover arrived
// left the connection with the primary, open and unanswered: the client hung for ever (2 of 2 runs of five reloads).
// The process now waits for the primary's answer to a `flush` before it exits. Hangs show as failures here: every
// request has a 10 s limit.
test('rolling reloads under a new connection per request leave no request hanging or failed', async () => {
  const { hive, port, versionFile } = await versioned('version-close');
  const load = startLoad(port, 2, '/', { pipelining: 0, headersTimeout: 10_000, bodyTimeout: 10_000 });
  await delay(300);
  await reloadThrough(hive, versionFile, ['v2', 'v3', 'v4', 'v5', 'v6']);
  const stats = await load.stop();
  assert.equal(stats.failed, 0, `failed requests: ${stats.errors.join('; ')}`);
  assert.ok(stats.ok > 0);
  assert.equal(stats.last?.version, 'v6');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});

test('a replacement that cannot start aborts the reload and the old workers keep serving', async () => {
  const { hive, port, versionFile } = await versioned('version-broken');
  const before = [...hive.readyPids().values()].sort();
  writeFileSync(versionFile, 'broken');
  hive.kill('SIGHUP');
  const aborted = await hive.waitFor(isEvent('reload', { phase: 'aborted' }), 'reload aborted');
  assert.match(String(aborted.reason), /Reload aborted at worker 0/);
  assert.match(String(aborted.reason), /this version does not start/);
  assert.deepEqual([...hive.readyPids().values()].sort(), before);
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).version, 'v1');
  hive.kill('SIGTERM');
  assert.equal((await hive.exited).code, 0);
});
