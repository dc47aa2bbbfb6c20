// PM2 commands a PM2 user types or has in scripts: `pm2 ping` (a health check that starts the daemon), `pm2
// reloadLogs` (a logrotate postrotate hook), `pm2 unstartup`; and those with no Hive counterpart say what to do
// instead, rather than "unknown command" and the list of commands.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAlive, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

test('reloadLogs exits 0 and starts no daemon: Hive reopens a moved log by itself', async () => {
  const result = await hive.run(['reloadLogs']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^nothing to reload: /);
  assert.deepEqual(await hive.json(['reload-logs']), { reopened: [] });
  assert.equal(await hive.daemonPid(), undefined, 'a daemon was started');
});

test('ping starts the daemon when none runs and answers pong with its pid', async () => {
  assert.equal(await hive.daemonPid(), undefined);
  const result = await hive.run(['ping']);
  assert.equal(result.code, 0, result.stderr);
  const pid = await hive.daemonPid();
  assert.ok(pid !== undefined && isAlive(pid), 'no daemon after ping');
  assert.equal(result.stdout, `pong (daemon pid ${pid})\n`);
  const json = await hive.json<{ msg: string; pid: number }>(['ping']);
  assert.equal(json.msg, 'pong');
  assert.equal(json.pid, pid, 'a second ping reached another daemon');
});

test("unstartup prints the line that removes startup's unit, for the same unit file", async () => {
  const installed = await hive.json<{ file: string }>(['startup']);
  const removal = await hive.json<{ file: string; remove: string }>(['unstartup']);
  assert.equal(removal.file, installed.file);
  const unit = installed.file.replace(/^.*\//, '').replace(/\.service$/, '');
  assert.equal(
    removal.remove,
    `sudo systemctl disable --now ${unit} && sudo rm ${installed.file} && sudo systemctl daemon-reload`,
  );
  const text = await hive.run(['unstartup']);
  assert.equal(text.code, 0, text.stderr);
  assert.ok(text.stdout.includes(removal.remove), text.stdout);
});

test('a PM2 command Hive has no counterpart of exits 2 with what to do instead', async () => {
  for (const [command, advice] of [
    ['install', /"install" is a PM2 command: Hive has no PM2 modules; log rotation \(pm2-logrotate\) is built in/],
    ['cleardump', /"cleardump" is a PM2 command: .*hive save --force/],
    ['link', /"link" is a PM2 command: .*hive dashboard/],
  ] as const) {
    const result = await hive.run([command, 'x']);
    assert.equal(result.code, 2, command);
    assert.match(result.stderr, advice);
    assert.doesNotMatch(result.stderr, /^Usage:/m, command);
  }
  const unknown = await hive.run(['nosuchcommand']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown command "nosuchcommand"/);
});
