import { parseStopExitCodes } from '../cluster/options.js';
import type { RestartPolicyOptions } from '../cluster/restart-policy.js';
import { parseDuration } from '../cluster/units.js';
import { describeValue, InvalidArgumentError } from '../errors.js';
import { ownRunArgs, runArgFlag } from './run-arg-flag.js';

/**
 * The restart policy of a fork-mode app, from its `hive run` arguments (where `hive start` writes a config's
 * `restart_delay`, `exp_backoff_restart_delay`, `max_restarts`, `min_uptime`, and the flags of a script), with the
 * cluster's defaults and its rule (cluster/options.ts): a fixed `restartDelay` given alone turns the backoff off, as
 * PM2's `restart_delay`. `--no-autorestart` and `--stop-exit-codes` (a config's `autorestart`, `stop_exit_codes`) say
 * which exits are not restarted at all. Throws InvalidArgumentError naming a bad value (`hive start` checks before the
 * daemon does). `expBackoffRestartDelay`: the backoff's first delay when the app sets neither it nor `restartDelay`
 * (the retries of a resurrect's failed start begin slower than a crash restart, see ManagedApp).
 */
export function forkRestartPolicy(
  runArgs: string[],
  { expBackoffRestartDelay = 100 }: { expBackoffRestartDelay?: number } = {},
): RestartPolicyOptions {
  const flag = (name: string) => runArgFlag(runArgs, name);
  const restartDelay = flag('restart-delay');
  const backoff = flag('exp-backoff-restart-delay');
  const maxRestarts = flag('max-restarts') ?? '10';
  if (!/^\d+$/.test(maxRestarts)) {
    throw new InvalidArgumentError(
      `Expected \`maxRestarts\` to be a non-negative integer, got ${describeValue(maxRestarts)}`,
    );
  }
  return {
    restartDelay: parseDuration(restartDelay ?? 0, 'restartDelay'),
    expBackoffRestartDelay: parseDuration(
      backoff ?? (restartDelay === undefined ? expBackoffRestartDelay : 0),
      'expBackoffRestartDelay',
    ),
    maxRestartDelay: parseDuration(flag('max-restart-delay') ?? 15_000, 'maxRestartDelay'),
    maxRestarts: Number(maxRestarts),
    minUptime: parseDuration(flag('min-uptime') ?? 1_000, 'minUptime'),
    autorestart: !ownRunArgs(runArgs).includes('--no-autorestart'),
    stopExitCodes: parseStopExitCodes(flag('stop-exit-codes') ?? [], 'stopExitCodes'),
  };
}
