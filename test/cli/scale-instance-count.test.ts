// `hive scale` reads a count <n> with the reader `-i` uses (src/cluster/instances.ts), and refuses 0 saying what to run
// instead; +n / -n are changes of the current count (test/cli/scale-relative.test.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseInstances, resolveInstances } from '../../src/cluster/instances.js';
import { availableCores } from '../../src/pool/available-cores.js';
import { appFixture, tempHome } from '../daemon/helpers.js';

const hive = tempHome();

interface App {
  name: string;
  total: number;
  ready: number;
}

test('parseInstances reads a count without resolving it; resolveInstances resolves the same reading', () => {
  for (const [value, count] of [
    [3, 3],
    ['3', 3],
    ['02', 2],
    ['max', 'max'],
    [0, 'max'],
    ['0', 'max'],
    [-1, -1],
    ['-1', -1],
  ] as const) {
    assert.equal(parseInstances(value), count, JSON.stringify(value));
  }
  for (const bad of ['-2', '+2', '1.5', '', 'many', -2, 1.5, null]) {
    assert.throws(() => parseInstances(bad, '<n>'), { code: 'ERR_HIVE_INVALID_ARGUMENT', message: /^Expected <n> / });
  }
  assert.equal(resolveInstances('0', 4), 4);
  assert.equal(resolveInstances('-1', 4), 3);
  assert.equal(resolveInstances('7', 4), 7);
});

test('hive scale on a running app: max is the cores, 0 is refused naming hive stop, the app unchanged', async () => {
  const cores = availableCores();
  const [started] = await hive.json<App[]>(['start', appFixture, '-i', '2', '--name', 'api']);
  assert.equal(started!.ready, 2);

  const scaled = await hive.json<App>(['scale', 'api', 'max']);
  assert.equal(scaled.total, cores);
  assert.equal(scaled.ready, scaled.total);

  const zero = await hive.run(['scale', 'api', '0', '--json']);
  assert.equal(zero.code, 2, zero.stderr);
  assert.equal(zero.stdout, '');
  assert.match(zero.stderr, /^hive scale: ERR_HIVE_INVALID_ARGUMENT: <n> 0 is refused/);
  assert.match(zero.stderr, /`hive stop api`/, 'the message says what to run instead');
  assert.match(zero.stderr, /`hive scale api max`/);
  const after0 = await hive.json<App>(['describe', 'api']);
  assert.equal(after0.total, cores, 'a refused scale leaves the app as it was');
  assert.equal(after0.ready, after0.total);

  for (const bad of ['+0', '-0', 'many', '1.5']) {
    const refused = await hive.run(['scale', 'api', bad]);
    assert.equal(refused.code, 2, `scale api ${bad}: ${refused.stderr}`);
    assert.match(refused.stderr, /ERR_HIVE_INVALID_ARGUMENT: Expected <n> /);
    assert.ok(refused.stderr.includes(`got "${bad}"`), refused.stderr);
  }

  const back = await hive.json<App>(['scale', 'api', '2']);
  assert.equal(back.total, 2);
  assert.equal(back.ready, 2);
});
