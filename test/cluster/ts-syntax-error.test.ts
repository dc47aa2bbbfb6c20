// A TypeScript app with a syntax error: tsx's error reads `Transform failed with 1 error:` on its first line and names
// the file, line and column only on the next (`Error:` for a CommonJS file, `Error [TransformError]:` for ESM). The
// one-line summary of the crash (the first line of `hive run`'s error, a crash-looped app's `lastError` in `hive ls`)
// takes that next line too, as it names what to fix. And a .ts app that plain Node 24 runs as an ES module (module
// syntax detection) but tsx as CommonJS, its package.json having no "type": the error says so, and what to do.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, runHive } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'hive-ts-syntax-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test("a .ts app's syntax error: hive run's error line names the file, line and column", async () => {
  const script = join(dir, 'broken.ts');
  writeFileSync(script, 'const port: number = ;\n');
  const { code, stderr } = await runHive(['run', script, '-i', '1']);
  assert.equal(code, 1, stderr);
  const first = stderr.split('\n').find((line) => line.startsWith('hive run: '));
  assert.ok(first, stderr);
  assert.match(
    first,
    /ERR_HIVE_WORKER_NOT_READY: .*before it was ready: Error( \[TransformError\])?: Transform failed with 1 error: \S*broken\.ts:1:\d+: ERROR: Unexpected ";"; its last stderr lines:$/,
  );
});

// In a package of its own, whatever is above the temporary folder.
const typeless = join(dir, 'typeless');
mkdirSync(typeless);
writeFileSync(join(typeless, 'package.json'), '{"name":"typeless"}\n');
const fix =
  /tsx runs a \.ts file as CommonJS outside a package of "type": "module" \(where Node 24 alone detects an ES module\).*: rename the file \.mts, or set "type": "module" in its package\.json/;

/** Runs an app at `script` whose top-level await tsx cannot compile to CommonJS: `hive run`'s error line. */
async function topLevelAwaitFailure(script: string): Promise<string> {
  writeFileSync(
    script,
    "import http from 'node:http';\nconst cfg = await Promise.resolve({ msg: 'tla' });\nhttp.createServer((q, r) => r.end(cfg.msg)).listen(Number(process.env.PORT));\n",
  );
  const { code, stderr } = await runHive(['run', script, '-i', '1', '--port', String(await freePort())]);
  assert.equal(code, 1, stderr);
  const first = stderr.split('\n').find((line) => line.startsWith('hive run: '));
  assert.ok(first, stderr);
  return first;
}

test('a .ts app with top-level await in a package without a type: the error line says why and what to do', async () => {
  const first = await topLevelAwaitFailure(join(typeless, 'tla.ts'));
  assert.match(
    first,
    /ERR_HIVE_WORKER_NOT_READY: .*Top-level await is currently not supported with the "cjs" output format/,
  );
  assert.match(first, fix);
  assert.match(first, /and CommonJS has no top-level await/);
});

// A .cts file is CommonJS whatever its package.json says: setting "type" cannot be the fix. tsx names it `.ts` in its
// error, so the hint reads which file is there.
test('a .cts app with top-level await in a package of "type": "module": the error line says what fits a .cts', async () => {
  const pkg = join(dir, 'esm');
  mkdirSync(pkg);
  writeFileSync(join(pkg, 'package.json'), '{"name":"esm","type":"module"}\n');
  const first = await topLevelAwaitFailure(join(pkg, 'tla.cts'));
  assert.match(first, /Top-level await is currently not supported with the "cjs" output format/);
  assert.match(
    first,
    /; a \.cts file is CommonJS whatever its package\.json says, and CommonJS has no top-level await: rename the file \.mts, or move the await into an async function; its last stderr lines:$/,
  );
  assert.doesNotMatch(first, /set "type": "module"/);
});

test('a .ts app in a package without a type that listens only if import.meta.main: the timeout says why', async () => {
  const script = join(typeless, 'main.ts');
  writeFileSync(
    script,
    "import http from 'node:http';\nconst server = http.createServer((q, r) => r.end('ok'));\nif (import.meta.main) server.listen(Number(process.env.PORT));\n",
  );
  const port = await freePort();
  const { code, stderr } = await runHive(['run', script, '-i', '1', '--port', String(port), '--listen-timeout', '1s']);
  assert.equal(code, 1, stderr);
  assert.match(
    stderr,
    new RegExp(
      `did not listen on port ${port} within 1000 ms; the script reads import\\.meta\\.main, which is undefined as `,
    ),
  );
  assert.match(stderr, fix);
});
