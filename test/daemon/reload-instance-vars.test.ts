// `hive start` refuses a HIVE_INSTANCE_VAR or HIVE_INCREMENT_VAR that names no variable (cluster/instance-vars.ts), but
// each primary checks only as it starts. A reload that gives a running app a new environment (`hive reload <config>`,
// `startOrReload`, with the file's `env` now) went on with a bad one, in either mode: the new processes got an
// unusable variable (`A=B` as a variable's name in cluster mode, `A` set to `B=0` in fork mode). And a command that
// restarts it in the new environment (`hive start <config>` of a running app, `startOrRestart`) stopped the app before
// its start was refused. All are refused now, with the start's error, before anything is retired: the old processes
// keep serving, in the environment they had. (A shell's own HIVE_INSTANCE_VAR never reaches an app: `--update-env`
// leaves Hive's variables out of the shell's environment, cli/shell-env.ts.)
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import type { DaemonClient } from '../../dist/daemon/client.js';
import type { AppInfo, EnvResult } from '../../dist/daemon/protocol.js';
import { appFixture, HiveHome } from './helpers.js';
import { connectTo } from './home-processes.js';

const hive = new HiveHome();
after(() => hive.cleanup());

// The app's state and environment are asked of the daemon over one connection (what `hive ls` and `hive env` ask,
// without a CLI start-up apiece: 48 of them); the refused commands themselves are the CLI's.
let client: DaemonClient | undefined;
after(() => client?.close());
const listed = async (name: string) => (await client!.request<AppInfo[]>('ls')).find((app) => app.name === name);
const envOf = async (name: string) => (await client!.request<EnvResult>('env', { target: name })).env;

test("a config file's bad HIVE_INSTANCE_VAR or HIVE_INCREMENT_VAR is refused before a running app is touched", async () => {
  for (const mode of ['cluster', 'fork']) {
    const name = `${mode}-app`;
    const config = (env: Record<string, string>) =>
      hive.writeConfig([{ name, script: appFixture, instances: 2, exec_mode: mode, env }], `${mode}.config.json`);
    const file = config({ GREETING: 'hi' });
    const started = await hive.run(['start', file]);
    assert.equal(started.code, 0, started.stderr);
    client ??= await connectTo(hive.home);
    const pids = (await listed(name))?.processes.map((p) => p.pid);
    assert.equal(pids?.length, 3, `${name}: the primary and two processes`);
    for (const pid of pids ?? []) hive.pids.add(pid);
    const cases: [string, string][] = [
      ['HIVE_INSTANCE_VAR', 'A=B'],
      ['HIVE_INCREMENT_VAR', 'bad name'],
      ['HIVE_INSTANCE_VAR', ''],
    ];
    for (const [variable, value] of cases) {
      config({ GREETING: 'hi', [variable]: value });
      for (const command of ['reload', 'startOrReload', 'start', 'startOrRestart']) {
        const what = `${mode}: ${command} <config> with ${variable}=${JSON.stringify(value)}`;
        const result = await hive.run([command, file]);
        // A command of several apps says each refusal and exits 1, as for any app it could not start or reload.
        assert.equal(result.code, command === 'reload' ? 2 : 1, `${what}: ${result.stderr}`);
        assert.match(
          result.stderr,
          new RegExp(
            `ERR_HIVE_INVALID_ARGUMENT: app "${name}": Expected ${variable} to be an environment variable name, ` +
              `got ${JSON.stringify(JSON.stringify(value)).slice(1, -1)} \\(string\\)`,
          ),
          what,
        );
        // Refused before anything was retired: the same processes serve, in the environment they had.
        const now = await listed(name);
        const env = await envOf(name);
        assert.equal(now?.status, 'online', what);
        assert.deepEqual(
          now?.processes.map((p) => p.pid),
          pids,
          what,
        );
        assert.equal(env[variable], undefined, what);
      }
    }
    // A good one still goes through.
    config({ GREETING: 'hi', HIVE_INSTANCE_VAR: 'INSTANCE_ID' });
    const good = await hive.run(['reload', file]);
    assert.equal(good.code, 0, good.stderr);
    assert.equal((await envOf(name)).HIVE_INSTANCE_VAR, 'INSTANCE_ID');
  }
});
