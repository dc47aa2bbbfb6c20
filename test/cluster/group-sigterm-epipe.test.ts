import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { freePort, isEvent, killAll, startHive, tempApp } from './helpers.js';

after(killAll);

// A SIGTERM to the whole process group (systemd's KillMode=control-group on `systemctl stop`, `kill -TERM -<pgid>`)
// of an app that exits at once on it: the primary's shutdown messages raced the processes' exits, and it logged
// `warning: worker N (pid …): write EPIPE` (about 1 run in 3), an alarming journal line for a stop that went well.
// Repeated, as the race is not won every time.
test('SIGTERM to the process group of an app that exits at once: no EPIPE warning', async () => {
  const source = `
    import http from 'node:http';
    process.on('SIGTERM', () => process.exit(0));
    http.createServer((req, res) => res.end(String(process.pid))).listen(Number(process.env.PORT), '127.0.0.1');
  `;
  const { app } = tempApp('hive-group-sigterm-epipe-', source);
  const warnings: string[] = [];
  for (let run = 0; run < 12; run++) {
    const port = await freePort();
    const hive = startHive([app, '-i', '2', '--port', String(port), '--min-uptime', '100ms'], {}, { detached: true });
    await hive.waitFor(isEvent('state', { state: 'online' }), 'online', 60_000);
    // Past --min-uptime, as a service stopped some time after its start.
    await delay(200);
    process.kill(-hive.child.pid!, 'SIGTERM');
    assert.equal((await hive.exited).code, 0);
    const output = JSON.stringify(hive.records.filter(isEvent('warning'))) + hive.stderr.join('');
    if (/EPIPE|ECONNRESET|ERR_IPC_CHANNEL_CLOSED|channel closed/i.test(output)) warnings.push(`run ${run}: ${output}`);
  }
  assert.deepEqual(warnings, []);
});
