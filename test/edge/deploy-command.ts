// For the tests of `hive deploy` as a command: run it in an app's directory, and make such a directory.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const command = new URL('../../dist/cli/commands/deploy.js', import.meta.url).href;
// Never created: no daemon can run there.
const noDaemonHome = join(tmpdir(), `hive-deploy-no-daemon-${process.pid}`);

/** Where and how {@link hiveDeploy} runs the command, past its directory. */
export interface HiveDeployRun {
  cwd: string;
  /** A bound on the run, in ms: a hang is killed (SIGKILL, `signal` set) and reported, not waited for. */
  timeout?: number;
}

/**
 * Runs `hive deploy <argv>` in `cwd` (a directory, or a {@link HiveDeployRun}) to its end: the built command module in a
 * node of its own, as the CLI runs it.
 */
export function hiveDeploy(cwd: string | HiveDeployRun, ...argv: string[]): SpawnSyncReturns<string> {
  const run = typeof cwd === 'string' ? { cwd } : cwd;
  const script = `const m = await import(${JSON.stringify(command)}); process.exitCode = await m.default(process.argv.slice(1));`;
  // "--": node would take a --help among the arguments as its own.
  // A HIVE_HOME of no daemon: `--app` of an app the user's own daemon runs would take that app (deploy-daemon-app).
  return spawnSync(process.execPath, ['--input-type=module', '-e', script, '--', ...argv], {
    cwd: run.cwd,
    encoding: 'utf8',
    env: { ...process.env, HIVE_HOME: noDaemonHome },
    ...(run.timeout !== undefined && { timeout: run.timeout, killSignal: 'SIGKILL' as const }),
  });
}

/**
 * Makes `app` an app directory as the recipes expect one: a package.json (`pkg` over the name `api`) and, unless
 * `lockfile` is false, a package-lock.json.
 */
export function writeApp(app: string, pkg: Record<string, unknown>, lockfile = true): string {
  mkdirSync(app, { recursive: true });
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'api', ...pkg }));
  if (lockfile) writeFileSync(join(app, 'package-lock.json'), '{}');
  return app;
}

/**
 * `hive deploy <recipe> --app api <flag> <value>` in `dir` must exit 2 with ERR_HIVE_DEPLOY_INVALID_OPTION naming the
 * flag (and the resources key it sets), and write nothing: no `out-<flag>` folder in `dir`.
 */
export function assertLimitFlagRefused(dir: string, recipe: 'compose' | 'k8s', flag: string, value: string): void {
  const out = join(dir, `out-${flag.slice(2)}`);
  const result = hiveDeploy(dir, recipe, '--app', 'api', flag, value, '--out', out);
  assert.equal(result.status, 2, result.stderr);
  assert.match(result.stderr, new RegExp(`ERR_HIVE_DEPLOY_INVALID_OPTION: ${flag} \\(resources\\.`));
  assert.equal(existsSync(out), false);
}
