import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { request } from 'undici';
import type { HiveSnapshot } from '../../dist/dashboard/index.js';
import { hiveBin, killAll, runHive } from '../cluster/helpers.js';
import { appFixture, HiveHome } from '../daemon/helpers.js';

after(killAll);

/** Starts `hive dashboard --port 0 --json <extra>` for a HIVE_HOME; resolves with its printed address and its exit. */
async function startDashboardCommand(home: string, extra: string[], t: { after(fn: () => void): void }) {
  const child = spawn(process.execPath, [hiveBin, 'dashboard', '--port', '0', '--json', ...extra], {
    env: { ...process.env, HIVE_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', () => reject(new Error(`exited before printing its address: ${out}`)));
  });
  return { child, exited, ...(JSON.parse(line) as { url: string; token: boolean }) };
}

test('hive dashboard without a daemon serves the page and reports ERR_HIVE_DAEMON_NOT_RUNNING as data', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'hive-dashboard-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const { child, exited, url, token } = await startDashboardCommand(home, [], t);
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal(token, false);
  const page = await request(url, { reset: true });
  assert.equal(page.statusCode, 200);
  await page.body.text();
  const snapshot = await request(`${url}api/snapshot`, { reset: true });
  assert.equal(snapshot.statusCode, 503);
  assert.equal(((await snapshot.body.json()) as { code: string }).code, 'ERR_HIVE_DAEMON_NOT_RUNNING');
  child.kill('SIGINT');
  assert.equal(await exited, 0);
});

test("hive dashboard shows the daemon's apps, behind its token", async (t) => {
  const hive = new HiveHome();
  t.after(() => hive.cleanup());
  await hive.json(['start', appFixture, '-i', '2', '--name', 'web']);
  const { child, exited, url, token } = await startDashboardCommand(hive.home, ['--token', 't0k'], t);
  assert.equal(token, true);
  const denied = await request(`${url}api/snapshot`, { reset: true });
  assert.equal(denied.statusCode, 401);
  await denied.body.text();
  const answer = await request(`${url}api/snapshot`, { headers: { authorization: 'Bearer t0k' }, reset: true });
  assert.equal(answer.statusCode, 200);
  const snapshot = (await answer.body.json()) as HiveSnapshot;
  const web = snapshot.apps.find((app) => app.name === 'web');
  assert.deepEqual([web?.size, web?.instances.length], [2, 2]);
  child.kill('SIGTERM');
  assert.equal(await exited, 0);
});

test('hive dashboard on a public address without a token fails with ERR_HIVE_DASHBOARD_TOKEN_REQUIRED', async () => {
  const result = await runHive(['dashboard', '--host', '0.0.0.0', '--port', '0'], { HIVE_DASHBOARD_TOKEN: '' });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /hive dashboard: ERR_HIVE_DASHBOARD_TOKEN_REQUIRED: .*0\.0\.0\.0/);
  // Its own flag, not `hive run`'s --dashboard-token, which it would refuse.
  assert.match(result.stderr, /; set --token \(or HIVE_DASHBOARD_TOKEN\), or bind/);
  assert.doesNotMatch(result.stderr, /dashboard-token/);
  const bad = await runHive(['dashboard', '--port', 'x']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Expected --port/);
});

// --host under the rule of --metrics-host and `hive run --dashboard` (bind-host.ts): an IPv6 literal in brackets binds,
// a port written into it is bad input naming --host, not a public address asking for a token.
test('hive dashboard --host takes [::1] and serves there', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'hive-dashboard-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  const { child, exited, url, token } = await startDashboardCommand(home, ['--host', '[::1]'], t);
  assert.match(url, /^http:\/\/\[::1\]:\d+\/$/);
  assert.equal(token, false);
  const page = await request(url, { reset: true });
  assert.equal(page.statusCode, 200);
  await page.body.text();
  child.kill('SIGINT');
  assert.equal(await exited, 0);
});

test('hive dashboard --host with a port in it is a usage error naming --host', async (t) => {
  const home = mkdtempSync(join(tmpdir(), 'hive-dashboard-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  for (const host of ['127.0.0.1:9000', '[::1]:9000']) {
    const result = await runHive(['dashboard', '--host', host, '--port', '0'], {
      HIVE_HOME: home,
      HIVE_DASHBOARD_TOKEN: '',
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(
      result.stderr,
      /^hive dashboard: ERR_HIVE_INVALID_ARGUMENT: Expected --host to be an address or host name without a port/,
    );
    assert.match(result.stderr, /see hive dashboard --help/);
    assert.doesNotMatch(result.stderr, /TOKEN_REQUIRED/);
  }
});
