// daemon.log on a full disk: the daemon's own line threw ENOSPC out of the operation that logged it (a restart), and
// out of the uncaughtException handler's line, which came back to that handler forever: the daemon spun and answered
// no command until space was freed. Its lines are now dropped and counted, and said once the log is written again. On
// a real full filesystem (a 2 MiB tmpfs; skipped where this process may not mount one).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { outputOf } from '../cluster/helpers.js';
import { daemonFixture, HiveHome, hiveBin } from './helpers.js';
import { tmpfsDisk } from './tmpfs-disk.js';

const hive = new HiveHome();
// The daemon first: its home is on the mount.
const { disk, skip } = tmpfsDisk('hive-log-full-', 'size=2m,mode=700', () => hive.cleanup());
const home = join(disk, 'h');
const daemonLog = join(home, 'daemon.log');

// A command bounded in time (a wedged daemon must fail the test, not hang it): exit code null when it was killed.
function hiveRun(args: string[]) {
  const child = spawn(process.execPath, [hiveBin, ...args], {
    env: { ...process.env, HIVE_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return outputOf(child, 15_000);
}

// Fills the disk, then what is left in daemon.log's last page (newlines: no line of the daemon's is cut by them).
function fill(): void {
  try {
    writeFileSync(join(disk, 'fill'), Buffer.alloc(4 << 20));
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  }
  const fd = openSync(daemonLog, 'a');
  try {
    for (;;) writeSync(fd, '\n'.repeat(4096));
  } catch (error) {
    assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
  } finally {
    closeSync(fd);
  }
}

test('a daemon whose log cannot be written answers every command, and says later how many lines it dropped', {
  skip,
}, async () => {
  const started = await hiveRun(['start', daemonFixture('ticker.sh'), '--name', 'tick', '--json']);
  assert.equal(started.code, 0, started.stderr);
  const daemon = JSON.parse((await hiveRun(['version', '--json'])).stdout) as { daemonPid: number };
  hive.pids.add(daemon.daemonPid);
  for (const app of JSON.parse(started.stdout) as { processes: { pid: number }[] }[]) {
    for (const p of app.processes) hive.pids.add(p.pid);
  }
  fill();

  // Each logs lines of the daemon's (primary exited, started): none may fail, and the daemon answers after each.
  for (const args of [
    ['restart', 'tick'],
    ['restart', 'tick'],
    ['stop', 'tick'],
    ['start', 'tick'],
    ['restart', 'tick'],
  ]) {
    const result = await hiveRun(args);
    assert.equal(result.code, 0, `hive ${args.join(' ')}: ${result.stderr}`);
    const listed = await hiveRun(['ls', '--json']);
    assert.equal(listed.code, 0, listed.stderr);
    const [app] = JSON.parse(listed.stdout) as { name: string; status: string }[];
    assert.equal(app?.name, 'tick');
  }
  const before = readFileSync(daemonLog, 'utf8');
  assert.doesNotMatch(before, /daemon\.log again/);

  rmSync(join(disk, 'fill'));
  const restarted = await hiveRun(['restart', 'tick']);
  assert.equal(restarted.code, 0, restarted.stderr);
  const log = readFileSync(daemonLog, 'utf8').slice(before.length);
  const notice = /^\S+ writing daemon\.log again \((\d+) line\(s\) of the daemon dropped after: ENOSPC: [^)]*\)$/m.exec(
    log,
  );
  assert.ok(notice, log);
  assert.ok(Number(notice[1]) > 0, log);
  // The notice once, then the lines of the restart that found the space.
  assert.equal(log.match(/^\S+ writing daemon\.log again/gm)?.length, 1, log);
  assert.match(log.slice(notice.index), /tick: primary pid \d+ started/);
  assert.equal((await hiveRun(['kill'])).code, 0);
});
