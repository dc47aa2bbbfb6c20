/**
 * The daemon's entry point, started detached by the CLI (src/daemon/client.ts) with stdout and stderr on
 * $HIVE_HOME/daemon.log.
 */
import { HiveError } from '../errors.js';
import { runDaemon } from './daemon.js';
import { daemonMetricsFromEnv } from './daemon-metrics-settings.js';
import { DAEMON_REFUSED_EXIT, refusalLine } from './daemon-refusal.js';
import { daemonLogRotation } from './log-rotation.js';
import { hivePaths } from './paths.js';

let metrics: ReturnType<typeof daemonMetricsFromEnv>;
try {
  // Read once, for the daemon's life: a bad value stops it before it takes any app.
  daemonLogRotation();
  metrics = daemonMetricsFromEnv();
} catch (error) {
  process.stderr.write(`hive daemon: ${(error as Error).message}\n`);
  process.exit(1);
}

runDaemon(hivePaths(), { metrics }).catch((error: Error) => {
  // A typed error (the metrics port taken) is the user's to fix: the starting command reads it back and reports it.
  if (error instanceof HiveError) {
    process.stderr.write(`${refusalLine(error)}\n`);
    process.exit(DAEMON_REFUSED_EXIT);
  }
  process.stderr.write(`hive daemon: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
