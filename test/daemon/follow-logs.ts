import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { type HiveHome, hiveBin, waitFor } from './helpers.js';

/** One line as `hive logs --json` prints it. */
export interface FollowedLine {
  // null: one of the daemon's own lines (stream 'hive', with no target).
  app: string | null;
  instance: number | null;
  // 'hive': a daemon line about the app.
  stream: 'out' | 'err' | 'hive';
  line: string;
}

/** A running `hive logs <app> -f`, and what it has printed so far. */
export interface LogFollower {
  child: ChildProcess;
  /** Every line printed since it started, in order, but the probe lines that showed it was reading. */
  lines(): FollowedLine[];
  /** What it wrote to stderr so far (under --json, its own messages only). */
  stderr(): string;
  /**
   * Stops it (SIGSTOP) between two of its reads, resolving once it is stopped, so that what the test does to the
   * files meanwhile all happens between two of its polls; then `resume()` lets it go on.
   */
  pause(): Promise<void>;
  resume(): void;
}

// Marks the lines followLogs() writes itself; an app's own lines do not start with it.
const probePrefix = 'hive-test follower probe ';

/**
 * Starts `hive logs <app> -f --lines 0 --json` against `hive`'s home (`target`: another target, '' none, whose apps
 * include `app`): it prints only lines written after it starts.
 * Resolves once it is reading the app's out log, so that every line written there from then on reaches it: it appends
 * probe lines to that file until one is printed (a line written before the follower opened the file is only its start
 * point), then waits for the last one. It is killed when test `t` ends, so before the file's `hive.cleanup()` stops
 * the daemon.
 */
export async function followLogs(t: TestContext, hive: HiveHome, app: string, target = app): Promise<LogFollower> {
  const child = spawn(
    process.execPath,
    [hiveBin, 'logs', ...(target === '' ? [] : [target]), '-f', '--lines', '0', '--json'],
    {
      env: { ...process.env, HIVE_HOME: hive.home },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  t.after(() => {
    child.kill('SIGKILL');
  });
  let followed = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    followed += chunk;
  });
  let errors = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    errors += chunk;
  });
  // Whole lines only: a read may end inside one that the next chunk ends.
  const printed = (): FollowedLine[] =>
    followed
      .slice(0, followed.lastIndexOf('\n') + 1)
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FollowedLine);

  const out = join(hive.home, 'logs', `${app}-out.log`);
  let probes = 0;
  await waitFor(() => {
    appendFileSync(out, `${probePrefix}${probes++}\n`);
    return printed().some((l) => l.line.startsWith(probePrefix));
  }, `hive logs ${app} -f to print a probe line`);
  const last = `${probePrefix}${probes - 1}`;
  await waitFor(() => printed().some((l) => l.line === last), `hive logs ${app} -f to print the last probe line`);

  // The state field of /proc/<pid>/stat, after the command in parentheses: T once stopped.
  const state = () => /\) (\S)/.exec(readFileSync(`/proc/${child.pid}/stat`, 'utf8'))?.[1];
  return {
    child,
    lines: () => printed().filter((l) => !l.line.startsWith(probePrefix)),
    stderr: () => errors,
    pause: async () => {
      child.kill('SIGSTOP');
      await waitFor(() => state() === 'T', `hive logs ${app} -f to stop`);
    },
    resume: () => {
      child.kill('SIGCONT');
    },
  };
}
