// For the tests of `hive deploy --app` against an app the daemon runs: its directory, and its start from a config file.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { appFixture, type HiveHome } from '../daemon/helpers.js';
import { writeApp } from './deploy-command.js';

/**
 * `hive.dir/app`, an app directory (writeApp: the package `api`, depending on hive) whose server.js is the cluster app
 * fixture; `start(app)` writes `app` there as its hive.config.json and starts it from there with `hive`'s daemon.
 */
export function deployAppDir(hive: HiveHome): { appDir: string; start(app: object): Promise<void> } {
  const appDir = writeApp(join(hive.dir, 'app'), { name: 'api', dependencies: { hive: '*' } });
  copyFileSync(appFixture, join(appDir, 'server.js'));
  const start = async (app: object) => {
    await hive.json(['start', hive.writeConfig([app], 'app/hive.config.json')], { cwd: appDir });
  };
  return { appDir, start };
}
