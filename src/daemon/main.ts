/**
 * The daemon's entry point, started detached by the CLI (src/daemon/client.ts) with stdout and stderr on
 * $HIVE_HOME/daemon.log.
 */
import { runDaemon } from './daemon.js';
import { hivePaths } from './paths.js';

runDaemon(hivePaths()).catch((error: Error) => {
  process.stderr.write(`hive daemon: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
