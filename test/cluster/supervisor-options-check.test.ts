// The programmatic Supervisor refuses, before anything is forked, every option of the wrong type and every key it
// does not know (a misspelt `instancez` would otherwise run the default count without a word), and so do reload()
// and sampleRequests() for their own arguments. Nothing here starts a process.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Supervisor, type SupervisorOptions } from '../../dist/cluster/index.js';

const script = new URL('../fixtures/cluster/app.js', import.meta.url).pathname;
const create = (extra: Record<string, unknown>) => new Supervisor({ script, ...extra } as SupervisorOptions);

test('the constructor refuses unknown keys and wrongly typed options, naming the key', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ instancez: 2 }, /Unknown Supervisor option `instancez`/],
    [{ killtimeout: 1 }, /Unknown Supervisor option `killtimeout`/],
    [{ env: 'A=1' }, /`env`.*object of strings/],
    [{ env: ['A=1'] }, /`env`.*object of strings/],
    [{ env: { A: 1 } }, /`env\.A`.*string.*1 \(number\)/],
    [{ args: '--a --b' }, /`args`.*array of strings/],
    [{ args: ['--a', 1] }, /`args\[1\]`.*string/],
    [{ nodeArgs: '--max-old-space-size=64' }, /`nodeArgs`.*array of strings/],
    [{ waitReady: 'yes' }, /`waitReady`.*boolean/],
    [{ name: { x: 1 } }, /`name`.*non-empty string/],
    [{ name: '' }, /`name`/],
    [{ cwd: 5 }, /`cwd`.*path/],
    [{ port: true }, /`port`/],
    [{ sticky: { by: 'x' } }, /`sticky`/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => create(options), { code: 'ERR_HIVE_INVALID_ARGUMENT', message }, JSON.stringify(options));
  }
});

test('what the CLI and TypeScript callers pass is still accepted', () => {
  const supervisor = create({
    args: ['--a'],
    nodeArgs: ['--max-old-space-size=64'],
    env: { A: '1' },
    name: 'api',
    cwd: undefined,
    instances: '2',
    waitReady: true,
    killTimeout: '3s',
    maxRestarts: '3',
    port: 3000,
    sticky: { by: 'cookie', name: 'sid' },
    socketMode: '660',
    stopExitCodes: [0],
  });
  assert.deepEqual(supervisor.options.nodeArgs, ['--max-old-space-size=64']);
  assert.equal(supervisor.options.instances, 2);
  assert.equal(supervisor.options.maxRestarts, 3);
  assert.deepEqual(supervisor.options.sticky, { by: 'cookie', name: 'sid' });
});

test('reload() refuses unknown keys and a bad onStart or onReplaced; sampleRequests() a size that is not a count', () => {
  const supervisor = create({ instances: 1 });
  assert.throws(() => supervisor.reload({ evn: {} } as never), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /Unknown reload option `evn`/,
  });
  assert.throws(() => supervisor.reload({ onStart: 'now' } as never), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /`onStart`.*function/,
  });
  assert.throws(() => supervisor.reload({ onReplaced: 1 } as never), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /`onReplaced`.*function/,
  });
  assert.throws(() => supervisor.reload(null as never), { code: 'ERR_HIVE_INVALID_ARGUMENT' });
  // A reload's new arguments (a config file's changed args, node_args), checked before it is queued, as its env.
  const badArgs: [Record<string, unknown>, RegExp][] = [
    [{ args: '--a 1' }, /Expected reload `args` to be an array of strings, got "--a 1" \(string\)/],
    [{ args: ['--a', 1] }, /Expected reload `args\[1\]` to be a string, got 1 \(number\)/],
    [{ nodeArgs: '--max-old-space-size=64' }, /Expected reload `nodeArgs` to be an array of strings/],
    [{ nodeArgs: [null] }, /Expected reload `nodeArgs\[0\]` to be a string/],
    [{ nodeArgs: ['--watch'] }, /`nodeArgs` may not hold --watch/],
    // A reload's new memory limit (a config file's changed max_memory_restart): a size, or null for none.
    [{ maxMemoryRestart: '300 potatoes' }, /Expected `maxMemoryRestart` to be a size like 300M/],
    [{ maxMemoryRestart: false }, /Expected `maxMemoryRestart` to be a size like 300M/],
  ];
  for (const [options, message] of badArgs) {
    assert.throws(() => supervisor.reload(options as never), { code: 'ERR_HIVE_INVALID_ARGUMENT', message });
  }
  assert.throws(() => create({ instances: 1, memoryReportInterval: 0 }).reload({ maxMemoryRestart: '300M' }), {
    code: 'ERR_HIVE_INVALID_ARGUMENT',
    message: /`maxMemoryRestart` needs memory reports/,
  });
  for (const size of [-1, Number.NaN, 1.5, '5', Number.POSITIVE_INFINITY]) {
    assert.throws(() => supervisor.sampleRequests(size as number), {
      code: 'ERR_HIVE_INVALID_ARGUMENT',
      message: /sampleRequests/,
    });
  }
  supervisor.sampleRequests(5);
  supervisor.sampleRequests(0);
});
