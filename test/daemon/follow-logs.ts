import { type ChildProcess, spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import { type HiveHome, hiveBin } from './helpers.js';

/** One line as `hive logs --json` prints it. */
export interface FollowedLine {
  app: string;
  stream: 'out' | 'err';
  line: string;
}

/** A running `hive logs <app> -f`, and what it has printed so far. */
export interface LogFollower {
  child: ChildProcess;
  /** Every line printed since it started, in order. */
  lines(): FollowedLine[];
}

/**
 * Starts `hive logs <app> -f --lines 0 --json` against `hive`'s home: it prints only lines written after it starts.
 * It is killed when test `t` ends, so before the file's `hive.cleanup()` stops the daemon.
 */
export function followLogs(t: TestContext, hive: HiveHome, app: string): LogFollower {
  const child = spawn(process.execPath, [hiveBin, 'logs', app, '-f', '--lines', '0', '--json'], {
    env: { ...process.env, HIVE_HOME: hive.home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    child.kill('SIGKILL');
  });
  let followed = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    followed += chunk;
  });
  return {
    child,
    lines: () =>
      followed
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as FollowedLine),
  };
}
