// A TypeScript project that depends on hive as npm would install it, for the tests that compile code against the built
// declarations (dist/): what a user's editor and tsc see, not this repository's own sources.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));
const tsc = join(root, 'node_modules/typescript/bin/tsc');

/** How a consumer's tsconfig resolves modules. */
export interface Resolution {
  module: string;
  moduleResolution: string;
}

export interface ConsumerProject {
  dir: string;
  /**
   * Type-checks `file` (a path in `dir`, or several) alone under `strict`, with `resolution` (node16 unless given):
   * `status` 0 when it compiles, and tsc's output. `extra`: more compiler options (a stricter project's).
   */
  typecheck(
    file: string | readonly string[],
    resolution?: Resolution,
    extra?: Record<string, unknown>,
  ): { status: number | null; output: string };
}

/**
 * A temp directory with node_modules/hive linked to this checkout and @types/node, removed when the test (or suite,
 * or file) that made it ends.
 */
export function consumerProject(prefix: string): ConsumerProject {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules/@types'), { recursive: true });
  symlinkSync(root, join(dir, 'node_modules/hive'), 'dir');
  symlinkSync(join(root, 'node_modules/@types/node'), join(dir, 'node_modules/@types/node'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return {
    dir,
    typecheck(file, resolution = { module: 'node16', moduleResolution: 'node16' }, extra = {}) {
      const compilerOptions = { strict: true, noEmit: true, skipLibCheck: true, target: 'es2022', types: ['node'] };
      // One tsconfig per resolution: a project may be checked under several.
      const config = `tsconfig.${resolution.moduleResolution}.json`;
      writeFileSync(
        join(dir, config),
        JSON.stringify({ compilerOptions: { ...compilerOptions, ...resolution, ...extra }, files: [file].flat() }),
      );
      const result = spawnSync(process.execPath, [tsc, '-p', config], { cwd: dir, encoding: 'utf8' });
      return { status: result.status, output: `${result.stdout}${result.stderr}` };
    },
  };
}
