// PM2's `pm2 sendSignal SIGUSR2 api`: the signal reaches each process of the app.
import assert from 'node:assert/strict';
import { constants } from 'node:os';
import { test } from 'node:test';
import { DaemonClient } from '../../dist/daemon/client.js';
import { hivePaths } from '../../dist/daemon/paths.js';
import { daemonFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

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

  // A number: sent by the name Node has for it.
  const numbered = await hive.json<{ signal: string }>(['sendSignal', String(constants.signals.SIGUSR2), 'probe']);
  assert.equal(numbered.signal, 'SIGUSR2');
  await waitFor(() => (out().match(/probe 0 got USR2/g) ?? []).length === 2, 'USR2 again');
});

test('hive sendSignal sends a realtime signal by number, which Node has no name for', async () => {
  const [app] = await hive.json<App[]>(['start', daemonFixture('ticker.sh'), '--name', 'rt']);
  const worker = app!.processes.find((p) => p.role === 'worker')!.pid;
  // Not trapped: the program ends on it, and its primary starts it again, as after a crash.
  const sent = await hive.json<{ signal: unknown; pids: number[] }>(['sendSignal', '40', 'rt']);
  assert.deepEqual([sent.signal, sent.pids], [40, [worker]]);
  // The restart is counted when the old program ends; its replacement has a pid only once it is up.
  await waitFor(async () => {
    const now = await hive.json<App & { restarts: number }>(['describe', 'rt']);
    return now.restarts === 1 && now.processes.some((p) => p.role === 'worker' && p.pid !== worker);
  }, 'rt restarted');
  const text = await hive.run(['sendSignal', '40', 'rt']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^sent signal 40 to rt: pid \d+$/m);
  await hive.json(['delete', 'rt']);
});

test('hive sendSignal refuses the signals that stop a process, and numbers out of 1-64', async () => {
  for (const given of ['SIGSTOP', 'tstp', 'TTIN', 'sigttou', String(constants.signals.SIGSTOP)]) {
    const result = await hive.run(['sendSignal', given, 'probe']);
    assert.equal(result.code, 2, given);
    assert.match(
      result.stderr,
      /^hive sendSignal: ERR_HIVE_INVALID_ARGUMENT: signal "\w+": SIG(STOP|TSTP|TTIN|TTOU) stops a process, and a stopped worker still gets connections/m,
    );
  }
  for (const given of ['0', '65', 'SIGRTMIN+1']) {
    const result = await hive.run(['sendSignal', given, 'probe']);
    assert.equal(result.code, 2, given);
    assert.match(result.stderr, /ERR_HIVE_INVALID_ARGUMENT: .*(from 1 to 64|unknown signal)/);
  }
  // Another client's raw request is refused by the daemon alike, and `all` with an invalid-request error too.
  const client = (await DaemonClient.connect({ start: false, paths: hivePaths({ HIVE_HOME: hive.home }) }))!;
  try {
    await assert.rejects(client.request('signal', { target: 'all', signal: 'SIGUSR2' }), {
      code: 'ERR_HIVE_DAEMON_PROTOCOL',
      message: /invalid request: target: sendSignal takes one app, by name or id, not all/,
    });
    await assert.rejects(client.request('signal', { target: 'probe', signal: 'SIGTSTP' }), {
      code: 'ERR_HIVE_DAEMON_PROTOCOL',
      message: /invalid request: signal: SIGTSTP stops a process/,
    });
  } finally {
    client.close();
  }
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
  assert.equal(
    missing.stderr,
    'hive sendSignal: ERR_HIVE_INVALID_ARGUMENT: missing argument; see hive sendSignal --help\n',
  );
  await hive.json(['stop', 'probe']);
  const stopped = await hive.run(['sendSignal', 'SIGUSR2', 'probe']);
  assert.equal(stopped.code, 1);
  assert.match(stopped.stderr, /ERR_HIVE_APP_OPERATION: app "probe": has no running process to send SIGUSR2 to/);
});
