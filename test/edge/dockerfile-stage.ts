// Runs the generated Dockerfile's npm steps without Docker: a stage's COPY and RUN lines as written, with the real
// npm, offline, in a directory of the test's own. The apps' dependencies are local tarballs (in the lockfile as
// `file:`, under pkgs/), so that npm needs no registry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** A shell and package writer whose npm is offline and writes nothing to the user's npm cache or config. */
export function npmSandbox(dir: string) {
  const env = {
    ...process.env,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_cache: join(dir, 'npm-cache'),
    npm_config_userconfig: join(dir, 'npmrc'),
  };
  const sh = (cwd: string, command: string) => {
    const result = spawnSync('sh', ['-c', command], { cwd, env, encoding: 'utf8' });
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  };
  const writePackage = (path: string, pkg: Record<string, unknown>): void => {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'package.json'), JSON.stringify(pkg));
  };
  return { sh, writePackage };
}

/** The lines of one stage of the Dockerfile, from its `FROM ... AS <name>` to the next FROM. */
export function stage(dockerfile: string, name: string): string[] {
  const lines = dockerfile.split('\n');
  const start = lines.findIndex((line) => line.startsWith('FROM ') && line.endsWith(` AS ${name}`));
  assert.ok(start >= 0, `no stage ${name}`);
  const end = lines.findIndex((line, index) => index > start && line.startsWith('FROM '));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/**
 * Runs a stage's COPY and RUN lines in `work` (created), each RUN asserted to succeed; returns the RUN commands.
 * `COPY . .` copies the app as the recipe's .dockerignore lets it (no node_modules); the lockfile's tarballs (pkgs/,
 * what the registry would serve) are there from the start.
 */
export function runStage(
  sh: ReturnType<typeof npmSandbox>['sh'],
  app: string,
  dockerfile: string,
  name: string,
  work: string,
): string[] {
  mkdirSync(work);
  cpSync(join(app, 'pkgs'), join(work, 'pkgs'), { recursive: true });
  const runs: string[] = [];
  for (const line of stage(dockerfile, name)) {
    if (line === 'COPY . .') {
      cpSync(app, work, {
        recursive: true,
        filter: (path) => !relative(app, path).split('/').includes('node_modules'),
      });
      continue;
    }
    const copy = /^COPY (.+) \.\/$/.exec(line);
    if (copy !== null) for (const file of copy[1]!.split(' ')) copyFileSync(join(app, file), join(work, file));
    const run = /^RUN (.+)$/.exec(line);
    if (run === null) continue;
    runs.push(run[1]!);
    const result = sh(work, run[1]!);
    assert.equal(result.status, 0, `${name}: RUN ${run[1]} failed:\n${result.output}`);
  }
  return runs;
}

/**
 * Runs every named stage of the Dockerfile, in order, each in `dir/<name>` (see runStage); returns the image's
 * node_modules: the one its last stage copies from another (`COPY --from=<stage> /app/node_modules` or the whole
 * `/app`).
 */
export function runImageStages(
  sh: ReturnType<typeof npmSandbox>['sh'],
  app: string,
  dockerfile: string,
  dir: string,
): string {
  const names = [...dockerfile.matchAll(/^FROM \S+ AS (\S+)$/gm)].map((match) => match[1]!);
  mkdirSync(dir, { recursive: true });
  for (const name of names) runStage(sh, app, dockerfile, name, join(dir, name));
  const last = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  // A later COPY of node_modules lays it over the whole /app copied before.
  const from =
    /^COPY --from=(\S+) \/app\/node_modules \.\/node_modules$/m.exec(last) ??
    /^COPY --from=(\S+) \/app \.\/$/m.exec(last);
  assert.ok(from, 'the image copies node_modules from a stage');
  return join(dir, from[1]!, 'node_modules');
}
