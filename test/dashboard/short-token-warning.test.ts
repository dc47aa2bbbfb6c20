// A dashboard token of any length was taken in silence: `--dashboard-token a` guards a dashboard bound off loopback,
// and wrong guesses are not slowed. `hive dashboard` and `hive run --dashboard` now warn at start of one shorter than
// 16 characters (and still take it: the tokens users have keep working).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { hiveBin, killAll } from '../cluster/helpers.js';
import { runTokenApp } from './token-app-run.js';

after(killAll);
const home = mkdtempSync(join(tmpdir(), 'hive-short-token-'));
after(() => rmSync(home, { recursive: true, force: true }));
const warning = /warning: the dashboard token is (\d+) characters? long, .*openssl rand -hex 16/;

test('hive run --dashboard warns of a short token, from the flag or the environment, and runs all the same', async () => {
  const flag = await runTokenApp(['--dashboard-token', 'a']);
  assert.equal(warning.exec(flag.stderr)?.[1], '1', flag.stderr);
  const env = await runTokenApp([], { HIVE_DASHBOARD_TOKEN: '0123456789abcde' });
  assert.equal(warning.exec(env.stderr)?.[1], '15', env.stderr);
  // The token is never printed, in the warning either.
  assert.doesNotMatch(env.stdout + env.stderr, /0123456789abcde/);
  for (const long of [await runTokenApp(['--dashboard-token', '0123456789abcdef']), await runTokenApp([])]) {
    assert.doesNotMatch(long.stderr, /warning: the dashboard token/);
  }
  // In JSON, a warning event among the run's records (which the daemon reads), once.
  const json = await runTokenApp(['--log-format', 'json', '--dashboard-token', 'short']);
  const records = json.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  const said = records.filter((record) => record.type === 'warning' && warning.test(`warning: ${record.message}`));
  assert.equal(said.length, 1, json.stdout);
});

/** `hive dashboard --port 0 <flags>` until it prints its address: its whole stderr then. */
async function dashboardStderr(flags: string[], env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, [hiveBin, 'dashboard', '--port', '0', ...flags], {
    env: { ...process.env, HIVE_HOME: home, HIVE_DASHBOARD_TOKEN: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  // Once the streams are read to their end: what the command wrote before its address is all there.
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    // Its address printed, it has said all it says at start; how it stops is not this test's.
    if (stdout.includes('\n')) child.kill('SIGKILL');
  });
  await closed;
  assert.match(stdout, /^hive dashboard: on http:/, stderr);
  return stderr;
}

test('hive dashboard warns of a short token the same way, --token or HIVE_DASHBOARD_TOKEN', async () => {
  assert.match(
    await dashboardStderr(['--token', 'abc']),
    /^hive dashboard: warning: the dashboard token is 3 characters/,
  );
  assert.match(await dashboardStderr([], { HIVE_DASHBOARD_TOKEN: 'abc' }), /is 3 characters long/);
  assert.doesNotMatch(await dashboardStderr(['--token', 'a'.repeat(16)]), /warning/);
  assert.doesNotMatch(await dashboardStderr([]), /warning/);
});
