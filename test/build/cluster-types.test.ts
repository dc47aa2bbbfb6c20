// A TypeScript project depending on hive compiles test/build/fixtures/cluster-consumer/consumer.ts against the built
// declarations (dist/), as npm would install it: the Supervisor's events are typed (a listener's argument narrows on
// `type`, a misspelt event name fails), and reload() and scale() type their results. One module resolution: the
// package layout under each is pool-types.test.ts's business.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const consumer = fileURLToPath(new URL('./fixtures/cluster-consumer/consumer.ts', import.meta.url));

test('hive/cluster: Supervisor events and results are typed in a consumer project', () => {
  const project = mkdtempSync(join(tmpdir(), 'hive-cluster-types-'));
  after(() => rmSync(project, { recursive: true, force: true }));
  mkdirSync(join(project, 'node_modules/@types'), { recursive: true });
  symlinkSync(root, join(project, 'node_modules/hive'), 'dir');
  symlinkSync(join(root, 'node_modules/@types/node'), join(project, 'node_modules/@types/node'), 'dir');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  copyFileSync(consumer, join(project, 'consumer.ts'));
  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: 'es2022',
    module: 'node16',
    moduleResolution: 'node16',
    types: ['node'],
  };
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
  const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project, encoding: 'utf8' });
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`);
});
