// A task's error used to cross to the caller with its primitive fields only: objects, arrays, bigints, Dates and
// nested errors were dropped silently. Now every field structured clone can carry arrives, in both isolations, and a
// field that cannot (a function, a symbol, a getter that throws) costs only itself, named in `uncloneable` or
// `unreadable`.
import assert from 'node:assert/strict';
import { KeyObject } from 'node:crypto';
import { describe, test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/rich-errors.mjs', import.meta.url);

type Rich = Error & Record<string, unknown> & { cause?: Error & { data?: unknown } };

for (const isolation of ['thread', 'process'] as const) {
  describe(`task error fields (isolation: '${isolation}')`, () => {
    test('nested objects, arrays, bigint, Date, Map, Set, bytes, nested errors and loops arrive', async () => {
      await using pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const error = (await within(
        pool.run(null, { name: 'richFields' }).catch((e: unknown) => e),
        20_000,
        'richFields',
      )) as Rich;
      assert.ok(error instanceof Error);
      assert.equal(error.message, 'rich');
      assert.equal(error.code, 'E_RICH');
      assert.deepEqual(error.details, { nested: { n: 1 }, list: [1, 'a', { b: 2 }] });
      assert.equal(error.big, 10n);
      assert.ok(error.when instanceof Date);
      assert.equal((error.when as Date).getTime(), 0);
      const inner = error.inner as Error & { code?: string };
      assert.ok(inner instanceof TypeError, 'a nested error is rebuilt as its class');
      assert.equal(inner.message, 'inner');
      assert.equal(inner.code, 'E_INNER');
      assert.deepEqual(error.map, new Map([['k', { v: 1 }]]));
      assert.deepEqual(error.set, new Set(['s']));
      assert.deepEqual(error.bytes, new Uint8Array([1, 2, 3]));
      const loop = error.loop as { name: string; self: unknown };
      assert.equal(loop.name, 'loop');
      assert.equal(loop.self, loop, 'a loop stays a loop');
      assert.deepEqual(error.mimic, { __hiveError: true }, "data that looks like Hive's own stays data");
      assert.ok(error.cause instanceof RangeError);
      assert.deepEqual((error.cause as Error & { data?: unknown }).data, { list: [1, 2] });
      // What cannot cross is left out and named, and costs nothing else.
      assert.equal(error.retry, undefined);
      assert.equal(error.tag, undefined);
      assert.deepEqual(error.config, { url: 'http://x' });
      assert.deepEqual(error.guarded, { ok: true });
      assert.equal(error.uncloneable, 'retry, config.adapter, tag');
      assert.equal(error.unreadable, 'guarded.secret');
      assert.equal(await pool.run('after'), 'after');
    });

    test('an AggregateError keeps its `errors`, each rebuilt as an error', async () => {
      await using pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const error = (await pool.run(null, { name: 'aggregate' }).catch((e: unknown) => e)) as AggregateError;
      assert.equal(error.message, 'many');
      assert.equal(error.errors.length, 2);
      assert.ok(error.errors[0] instanceof Error);
      assert.equal((error.errors[0] as Error & { code?: string }).code, 'E_FIRST');
      assert.ok(error.errors[1] instanceof TypeError);
    });

    test('a SharedArrayBuffer field is shared with threads, left out across processes; the rest arrives', async () => {
      await using pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const error = (await pool.run(null, { name: 'sharedMemory' }).catch((e: unknown) => e)) as Rich;
      assert.equal(error.code, 'E_SHARED');
      if (isolation === 'thread') assert.ok(error.sab instanceof SharedArrayBuffer);
      else {
        assert.equal(error.sab, undefined);
        assert.equal(error.uncloneable, 'sab');
      }
    });

    test('platform objects in fields cross as themselves where the channel carries them, else are named', async () => {
      await using pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const error = (await pool.run(null, { name: 'platformFields' }).catch((e: unknown) => e)) as Rich;
      assert.equal(error.code, 'E_PLATFORM');
      assert.equal(error.port, undefined);
      assert.deepEqual(error.empty, {}, 'a class instance with no fields is {}, as structured clone makes it');
      if (isolation === 'thread') {
        assert.ok(error.blob instanceof Blob);
        assert.equal(await error.blob.text(), 'hi');
        assert.ok(error.key instanceof KeyObject);
        assert.equal(error.key.export().toString(), '0123456789abcdef');
        const [nestedKey] = (error.nested as { keys: KeyObject[] }).keys;
        assert.ok(nestedKey instanceof KeyObject);
        assert.equal(error.uncloneable, 'port');
      } else {
        assert.equal(error.blob, undefined);
        assert.equal(error.key, undefined);
        assert.deepEqual(error.nested, { keys: [undefined] });
        assert.equal(error.uncloneable, 'blob, key, port, nested.keys[0]');
      }
      assert.equal(await pool.run('after'), 'after');
    });

    test('an error of another realm (node:vm) keeps its class and fields, also as a cause', async () => {
      await using pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const thrown = (await pool.run(null, { name: 'vmError' }).catch((e: unknown) => e)) as Rich;
      assert.ok(thrown instanceof RangeError, String(thrown));
      assert.equal(thrown.message, 'bad input');
      assert.equal(thrown.code, 'E_VM');
      assert.equal(thrown.line, 3);
      const wrapped = (await pool.run(null, { name: 'vmCause' }).catch((e: unknown) => e)) as Rich;
      assert.equal(wrapped.message, 'template failed');
      assert.ok(wrapped.cause instanceof TypeError, String(wrapped.cause));
      assert.match(wrapped.cause.message, /Cannot read properties of null/);
    });

    test('a field holding a huge graph is cut short, not sent whole', async () => {
      await using pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation });
      const error = (await within(
        pool.run(null, { name: 'huge' }).catch((e: unknown) => e),
        20_000,
        'huge',
      )) as Rich;
      assert.equal(error.message, 'huge');
      const rows = error.rows as unknown[];
      assert.equal(rows.length, 50_000);
      assert.deepEqual(rows[0], { i: 0 });
      assert.match(String(rows.at(-1)), /too many values/);
      assert.equal(await pool.run('after'), 'after');
    });
  });
}
