// Every pool worker of an app under Hive inherited the app's flags, with the `--import` of hive/runtime's preload that
// the primary adds: inert in a worker, it cost each thread and child process its start-up time and memory. Workers now
// start without it, and with every other flag of the app (its own --import, tsx's loader for a TypeScript task).
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { fixture, killAll, startHive } from './helpers.js';

after(killAll);

interface Report {
  execArgv: string[];
  runtime: boolean;
  user: boolean;
  typed?: number;
}

const preload = fixture('user-preload.mjs');
const isRuntimePreload = (flag: string) => flag.endsWith('/runtime/register.js');

async function reports(app: string): Promise<{ app: string[]; thread: Report; process: Report }> {
  // --max-old-space-size: a flag Node refuses in a thread's explicit flags (it is the process's).
  const hive = startHive([fixture(app), '-i', '1', '--node-args', `--import ${preload} --max-old-space-size=256`]);
  const record = await hive.waitFor(
    (r) => r.kind === 'log' && String(r.line).startsWith('exec-argv '),
    "the app's report",
  );
  hive.kill('SIGTERM');
  await hive.exited;
  return JSON.parse(String(record.line).slice('exec-argv '.length));
}

test('pool workers of an app under hive run start without the runtime preload, with the flags of the app', async () => {
  const seen = await reports('exec-argv-app.mjs');
  assert.ok(seen.app.some(isRuntimePreload), JSON.stringify(seen.app));
  for (const [name, worker] of Object.entries({ thread: seen.thread, process: seen.process })) {
    assert.equal(worker.runtime, false, `${name}: ${JSON.stringify(worker)}`);
    assert.ok(!worker.execArgv.some(isRuntimePreload), `${name}: ${JSON.stringify(worker.execArgv)}`);
    assert.equal(worker.user, true, name);
    assert.ok(worker.execArgv.includes(preload), `${name}: ${JSON.stringify(worker.execArgv)}`);
  }
  // A child process takes V8's flags; a thread shares the process's heap flags without being given them.
  assert.ok(seen.process.execArgv.includes('--max-old-space-size=256'), JSON.stringify(seen.process.execArgv));
});

test('a TypeScript app: its pool workers load a TypeScript task through tsx, without the runtime preload', async () => {
  const seen = await reports('exec-argv-app.ts');
  for (const [name, worker] of Object.entries({ thread: seen.thread, process: seen.process })) {
    assert.equal(worker.typed, 42, name);
    assert.equal(worker.runtime, false, `${name}: ${JSON.stringify(worker)}`);
    assert.equal(worker.user, true, name);
    assert.ok(
      worker.execArgv.some((flag) => /\/tsx\//.test(flag)),
      `${name}: ${JSON.stringify(worker.execArgv)}`,
    );
  }
});
