// PM2's `pm2 sendSignal SIGUSR2 api`: the signal reaches each process of the app.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { daemonFixture, HiveHome, waitFor } from '../daemon/helpers.js';

const hive = new HiveHome();
after(() => hive.cleanup());

interface App {
  id: number;
  name: string;
  processes: { role: string; pid: number }[];
}
const out = () => hive.readLog('probe-out.log');

test('hive sendSignal sends the signal to every process of the app, by name or id', async () => {
  const [app] = await hive.json<App[]>(['start', daemonFixture('signal-probe.sh'), '--name', 'probe', '-i', '2']);
  await waitFor(() => (out().match(/probe \d up/g) ?? []).length === 2, 'both processes up');
  const workers = app!.processes
    .filter((p) => p.role === 'worker')
    .map((p) => p.pid)
    .sort();
  const sent = await hive.json<{ name: string; signal: string; pids: number[] }>(['sendSignal', 'SIGUSR2', 'probe']);
  assert.deepEqual([sent.name, sent.signal, [...sent.pids].sort()], ['probe', 'SIGUSR2', workers]);
  await waitFor(() => /probe 0 got USR2/.test(out()) && /probe 1 got USR2/.test(out()), 'USR2 in both processes');

  // The kebab-case name, an id and a name without SIG in lower case.
  const text = await hive.run(['send-signal', 'hup', String(app!.id)]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^sent SIGHUP to probe: pid \d+, \d+$/m);
  await waitFor(() => /probe 0 got HUP/.test(out()) && /probe 1 got HUP/.test(out()), 'HUP in both processes');
  assert.equal((await hive.json<App>(['describe', 'probe'])).processes.length, 3, 'nothing restarted');
});

test('hive sendSignal refuses an unknown signal, an unknown or stopped app, with typed errors', async () => {
  const bad = await hive.run(['sendSignal', 'SIGFOO', 'probe']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^hive sendSignal: ERR_HIVE_INVALID_ARGUMENT: unknown signal "SIGFOO"/m);
  const unknown = await hive.run(['sendSignal', 'SIGUSR2', 'nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^hive sendSignal: ERR_HIVE_APP_NOT_FOUND: no app named or numbered "nope"/m);
  const all = await hive.run(['sendSignal', 'SIGUSR2', 'all']);
  assert.equal(all.code, 2);
  assert.match(all.stderr, /ERR_HIVE_INVALID_ARGUMENT: sendSignal takes one app/);
  const missing = await hive.run(['sendSignal', 'SIGUSR2']);
  assert.equal(missing.code, 2);
  assert.match(
    missing.stderr,
    /ERR_HIVE_INVALID_ARGUMENT: missing argument\nUsage: hive sendSignal <signal> <name\|id>/,
  );
  await hive.json(['stop', 'probe']);
  const stopped = await hive.run(['sendSignal', 'SIGUSR2', 'probe']);
  assert.equal(stopped.code, 1);
  assert.match(stopped.stderr, /ERR_HIVE_APP_OPERATION: app "probe": has no running process to send SIGUSR2 to/);
});
