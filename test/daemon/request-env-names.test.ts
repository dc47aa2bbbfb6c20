// The daemon's door: a `start` or `reload` request whose app env holds a variable no environment can hold (an empty
// name, `=` or NUL in it, NUL in a value, `__proto__`) is refused on arrival, as the CLI refuses it, whoever sends it;
// it used to be taken, and the app started with `A` set to `B=x`, or failed at fork time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appSpecSchema, requestSchema } from '../../dist/daemon/protocol.js';

const header = { v: 1, hive: '0.0.0', rev: 'r', id: 1 };
const app = { name: 'a', script: 'a.js', cwd: '/srv', runArgs: ['a.js'], env: { A: '1' }, instances: '1' };
const bad: [Record<string, string>, string, RegExp][] = [
  [{ 'A=B': 'x' }, 'A=B', /first "=" ends the name/],
  [{ '': 'x' }, '', /an empty variable name/],
  [{ 'A\0B': 'x' }, 'A\0B', /NUL byte in the variable name/],
  [{ A: 'x\0y' }, 'A', /NUL byte in the value/],
  [JSON.parse('{"__proto__":"x"}') as Record<string, string>, '__proto__', /__proto__/],
];

test('start and reload requests with a variable no environment can hold are refused, naming it', () => {
  for (const [env, name, why] of bad) {
    for (const [request, path] of [
      [{ ...header, cmd: 'start', app: { ...app, env } }, ['app', 'env', name]],
      [{ ...header, cmd: 'reload', target: 'a', env }, ['env', name]],
    ] as const) {
      const parsed = requestSchema.safeParse(request);
      assert.ok(!parsed.success, `${request.cmd} ${JSON.stringify(env)} was taken`);
      assert.deepEqual(parsed.error.issues[0]!.path, path);
      assert.match(parsed.error.issues[0]!.message, why);
    }
  }
});

test('other names are taken as they are, and a saved app spec is still read', () => {
  const env = { 'my.var': '1', 'a-b': '2', ÄÖ: '3', A: 'B=C' };
  const parsed = requestSchema.safeParse({ ...header, cmd: 'start', app: { ...app, env } });
  assert.ok(parsed.success, parsed.error?.message);
  assert.deepEqual(parsed.data.cmd === 'start' && parsed.data.app.env, env);
  // A dump from before the check still resurrects (the app spec itself is not narrowed).
  assert.ok(appSpecSchema.safeParse({ ...app, env: { 'A=B': 'x' } }).success);
});
