// A task module that fails to load for a known cause gets what to do in its ERR_HIVE_TASK_MODULE, from the table the
// cluster's not-ready error reads (src/crash-hints.ts), under either isolation: top-level await in a TypeScript file
// tsx compiles to CommonJS, and a read Node's permission model refused. Run in a plain node process: this runner's tsx
// hooks would load the files themselves.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const folder = mkdtempSync(join(tmpdir(), 'hive-pool-hints-'));
after(() => rmSync(folder, { recursive: true, force: true }));
const typeless = join(folder, 'typeless');
const esm = join(folder, 'esm');
mkdirSync(typeless);
mkdirSync(esm);
writeFileSync(join(typeless, 'package.json'), '{"name":"typeless"}\n');
writeFileSync(join(esm, 'package.json'), '{"name":"esm","type":"module"}\n');
const awaiting = 'const factor = await Promise.resolve(2);\nexport default (x: number) => x * factor;\n';
writeFileSync(join(typeless, 'tla.ts'), awaiting);
writeFileSync(join(esm, 'tla.cts'), awaiting);
const secret = join(folder, 'secret.txt');
writeFileSync(secret, 'secret\n');
writeFileSync(
  join(esm, 'reads.mjs'),
  `import { readFileSync } from 'node:fs';\nconst text = readFileSync(${JSON.stringify(secret)}, 'utf8');\nexport default () => text;\n`,
);

const builtPool = new URL('../../dist/pool/index.js', import.meta.url).href;
const checkout = fileURLToPath(new URL('../..', import.meta.url));
const permission = process.versions.node.startsWith('20.') ? '--experimental-permission' : '--permission';

/** The message of the error the pool's first task fails with, its module being `file`. */
function loadError(file: string, isolation: string, nodeArgs: string[] = []): string {
  const script = `
const { Pool } = await import(${JSON.stringify(builtPool)});
const pool = new Pool({ filename: process.argv[1], isolation: ${JSON.stringify(isolation)}, maxThreads: 1 });
const outcome = await pool.run(1).then((value) => ({ value }), (error) => ({ code: error.code, message: error.message }));
await pool.destroy();
console.log(JSON.stringify(outcome));
`;
  const run = spawnSync(process.execPath, [...nodeArgs, '--input-type=module', '-e', script, file], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const outcome = JSON.parse(run.stdout) as { code?: string; message?: string };
  assert.equal(outcome.code, 'ERR_HIVE_TASK_MODULE', run.stdout);
  return outcome.message!;
}

for (const isolation of ['thread', 'process']) {
  test(`a .ts task module with top-level await that tsx runs as CommonJS (isolation '${isolation}'): what to do`, () => {
    const message = loadError(join(typeless, 'tla.ts'), isolation);
    assert.match(message, /Top-level await is currently not supported with the "cjs" output format/);
    assert.match(
      message,
      /; tsx runs a \.ts file as CommonJS outside a package of "type": "module" \(where Node 24 alone detects an ES module\), and CommonJS has no top-level await: rename the file \.mts, or set "type": "module" in its package\.json$/,
    );
  });

  test(`a .cts task module with top-level await (isolation '${isolation}'): what to do, for a .cts`, () => {
    const message = loadError(join(esm, 'tla.cts'), isolation);
    assert.match(
      message,
      /; a \.cts file is CommonJS whatever its package\.json says, and CommonJS has no top-level await: rename the file \.mts, or move the await into an async function$/,
    );
  });

  test(`a task module whose read the permission model refused (isolation '${isolation}'): the grant it lacked`, () => {
    const grants = [`--allow-fs-read=${checkout}`, `--allow-fs-read=${esm}`, '--allow-worker', '--allow-child-process'];
    const message = loadError(join(esm, 'reads.mjs'), isolation, [permission, ...grants]);
    assert.ok(
      message.endsWith(` (Node's permission model refused it: grant --allow-fs-read=${secret} in the node args)`),
      message,
    );
  });
}
