/**
 * The daemon's entry point, started detached by the CLI (src/daemon/client.ts) with stdout and stderr on
 * $HIVE_HOME/daemon.log.
 */
import { runDaemon } from './daemon.js';
import { daemonLogRotation } from './log-rotation.js';
import { hivePaths } from './paths.js';

try {
  // Read once, for the daemon's life: a bad value stops it before it takes any app.
  daemonLogRotation();
} catch (error) {
  process.stderr.write(`hive daemon: ${(error as Error).message}\n`);
  process.exit(1);
}

runDaemon(hivePaths()).catch((error: Error) => {
  process.stderr.write(`hive daemon: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
