// Under isolation: 'process' the IPC channel's v8 serialization turned platform objects (Blob, KeyObject, URL,
// MessagePort...) into {} without a word, as inputs, results and progress values, where threads refuse them
// (ERR_HIVE_DATA_CLONE) or receive them as themselves. Each is now refused with ERR_HIVE_DATA_CLONE naming its type
// and where it sat: as threads refuse it, or saying it cannot cross to a child process. A value threads get as a plain
// object (a URL before Node 21) stays one.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Pool } from 'hive/pool';
import { within } from './helpers.js';

const filename = new URL('./fixtures/platform-values.mjs', import.meta.url);
// The smallest valid module ("\0asm", version 1); WebAssembly has no types without the DOM lib.
const { WebAssembly: wasm } = globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } };
const wasmModule = () => new wasm.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
const pool = new Pool({ filename, minThreads: 1, maxThreads: 1, isolation: 'process' });
after(() => pool.destroy());

// The fixture's own maker, for inputs made in this process.
const { input: makeInput } = (await import(filename.href)) as { input: (kind: string) => unknown };
// The kinds of fixtures/platform-values.mjs.
const kinds = [
  'Blob',
  'File',
  'KeyObject',
  'SocketAddress',
  'BlockList',
  'MessagePort',
  'ReadableStream',
  'URL',
  'Headers',
];

test('a platform object is refused by name as an input, a result or a progress value, never made {}', async () => {
  const seen: string[] = [];
  for (const kind of kinds) {
    const thread = await pool.run(kind, { name: 'threadClone' });
    const runs = {
      result: pool.run(kind),
      'progress value': pool.run(kind, { name: 'progress', onProgress: (got) => seen.push(`${kind}: ${String(got)}`) }),
      input: pool.run(makeInput(kind), { name: 'echo' }),
    };
    for (const [what, run] of Object.entries(runs)) {
      const outcome = await within(
        run.then(
          (value: unknown) => ({ value }),
          (error: Error & { code?: string }) => ({ error }),
        ),
        20_000,
        `${kind} as ${what}`,
      );
      if (thread === 'plain') {
        // As a thread gets it: a plain object (the progress task then returns; the echo names a plain object).
        assert.ok('value' in outcome, `${kind} as ${what}: ${String((outcome as { error?: Error }).error)}`);
        continue;
      }
      assert.ok(
        'error' in outcome,
        `${kind} as ${what} resolved with ${String((outcome as { value?: unknown }).value)}`,
      );
      assert.equal(outcome.error.code, 'ERR_HIVE_DATA_CLONE', `${kind} as ${what}`);
      const where = what === 'progress value' ? 'progress value' : `${what}.nested[0]`;
      assert.match(outcome.error.message, new RegExp(`^The task's ${what} cannot be cloned to another process: `));
      assert.ok(outcome.error.message.includes(`(at ${where})`), outcome.error.message);
      assert.match(outcome.error.message, kind === 'KeyObject' ? /KeyObject/ : new RegExp(`an? ${kind} `));
      assert.match(
        outcome.error.message,
        thread === 'kept' ? /cannot cross to a child process/ : /could not be cloned/,
        outcome.error.message,
      );
    }
  }
  assert.deepEqual(
    seen.filter((line) => !line.endsWith('[object Object]')),
    [],
  );
});

test('a WebAssembly.Module is named where it sat', async () => {
  const module = wasmModule();
  await assert.rejects(pool.run({ nested: [module] }, { name: 'echo' }), {
    code: 'ERR_HIVE_DATA_CLONE',
    message: /a WebAssembly\.Module \(at input\.nested\[0\]\) cannot cross to a child process/,
  });
  assert.equal(await pool.run({ nested: [1] }, { name: 'echo' }), '[object Number]');
});
