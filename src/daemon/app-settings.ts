import { parseSize } from '../cluster/units.js';
import { DEBOUNCE_MS } from './file-watcher.js';
import { forkRestartPolicy } from './fork-restart-policy.js';
import type { AppSettings, AppSpec } from './protocol.js';
import { killTimeoutOf } from './stop-timeout.js';

/**
 * What an app runs with, as its primary reads it (`hive describe`, as PM2's describe shows its settings): the
 * restart policy, memory limit and kill timeout from its `hive run` arguments, where `hive start` writes them for
 * both modes, with the defaults filled in. A value the primary would refuse (it then exits at once) reads as null.
 */
export function appSettings(spec: AppSpec): AppSettings {
  const separator = spec.runArgs.indexOf('--');
  const own = separator === -1 ? spec.runArgs : spec.runArgs.slice(0, separator);
  const flag = (name: string) =>
    own
      .filter((arg) => arg.startsWith(`--${name}=`))
      .at(-1)
      ?.slice(name.length + 3);
  let policy: ReturnType<typeof forkRestartPolicy> | undefined;
  try {
    policy = forkRestartPolicy(spec.runArgs);
  } catch {}
  let maxMemoryRestart: number | null = null;
  const size = flag('max-memory-restart');
  try {
    if (size !== undefined) maxMemoryRestart = parseSize(size, 'maxMemoryRestart');
  } catch {}
  return {
    instances: spec.instances,
    args: separator === -1 ? [] : spec.runArgs.slice(separator + 1),
    command: spec.fork ? spec.fork.command : null,
    autorestart: spec.autorestart !== false && (policy?.autorestart ?? !own.includes('--no-autorestart')),
    maxRestarts: policy?.maxRestarts ?? null,
    minUptime: policy?.minUptime ?? null,
    restartDelay: policy?.restartDelay ?? null,
    expBackoffRestartDelay: policy?.expBackoffRestartDelay ?? null,
    maxMemoryRestart,
    killTimeout: killTimeoutOf(spec),
    // A cluster process is retired by Hive's drain (then its SIGINT handlers), not by a signal of the app's choosing.
    killSignal: spec.fork ? (spec.killSignal ?? 'SIGINT') : null,
    treekill: !own.includes('--no-treekill'),
    waitReady: own.includes('--wait-ready'),
    ignoreWatch: spec.watch ? (spec.ignoreWatch ?? []) : [],
    watchDelay: spec.watch ? (spec.watchDelay ?? DEBOUNCE_MS) : null,
  };
}
