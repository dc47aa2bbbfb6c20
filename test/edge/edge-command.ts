// Runs `hive edge` as the dispatcher runs it (the command module in a child process), for the tests of its flags.
import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import { join } from 'node:path';

const command = new URL('../../dist/cli/commands/edge.js', import.meta.url).href;

export interface EdgeResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function spawnEdge(argv: readonly string[], options: SpawnSyncOptions): EdgeResult {
  const script = `const m = await import(${JSON.stringify(command)}); process.exitCode = await m.default(process.argv.slice(1));`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, ...argv], {
    ...options,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * `hive edge <argv>` in `dir`, with a HIVE_HOME there that no daemon runs in (`--app` alone would ask the user's own),
 * and `env` over the environment: its exit code, stdout and stderr.
 */
export function runHiveEdge(dir: string, argv: readonly string[], env: Record<string, string> = {}): EdgeResult {
  return spawnEdge(argv, { cwd: dir, env: { ...process.env, HIVE_HOME: join(dir, 'home'), ...env } });
}

/** `hive edge nginx --port 3000 <argv>` (one upstream, no app: no daemon asked), in this process's folder and env. */
export function edgeNginx(...argv: string[]): EdgeResult {
  return spawnEdge(['nginx', '--port', '3000', ...argv], {});
}
