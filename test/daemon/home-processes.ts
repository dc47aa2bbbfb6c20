import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { DaemonClient } from '../../dist/daemon/client.js';
import { hivePaths } from '../../dist/daemon/paths.js';

/**
 * Every live process whose environment has HIVE_HOME=`home` (the daemon, the primaries and their workers all inherit
 * it), found in /proc: an orphan the daemon forgot is here even though no `hive ls` shows it.
 */
export function homeProcesses(home: string): number[] {
  return processesWithEnv(`HIVE_HOME=${home}`);
}

/** Every live process (zombies left out) whose environment has the entry `wanted` (`NAME=value`), from /proc. */
export function processesWithEnv(wanted: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // A zombie has exited; only its parent's wait is missing.
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(wanted)) pids.push(Number(entry));
    } catch {}
  }
  return pids;
}

/** A control connection to the daemon of `home` (which must run), for requests sent while others are in flight. */
export async function connectTo(home: string): Promise<DaemonClient> {
  const client = await DaemonClient.connect({ start: false, paths: hivePaths({ HIVE_HOME: home }) });
  if (!client) throw new Error(`no daemon runs for ${home}`);
  return client;
}

/**
 * One request to the daemon of `home` on a connection of its own (what the CLI command sends, without a CLI run: a
 * Node start apiece), closed after.
 */
export async function requestOf<T>(home: string, method: string, args: Record<string, unknown> = {}): Promise<T> {
  const client = await connectTo(home);
  try {
    return await client.request<T>(method, args);
  } finally {
    client.close();
  }
}

/**
 * Polls `describe` of `target` until `check` holds of the app (or the app is gone, if `check` accepts undefined);
 * tight, so that a command in flight is caught in its first steps. Fails after `timeoutMs` (a hang detector).
 */
export async function waitForApp<T extends { status: string }>(
  client: DaemonClient,
  target: string,
  check: (app: T) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const app = await client.request<T>('describe', { target });
    if (check(app)) return app;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (status ${app.status})`);
    await delay(5);
  }
}
