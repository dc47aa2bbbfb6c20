import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, test } from 'node:test';
import { parseDuration } from 'hive/cluster';
import { argList, findConfigFile, isConfigFile, loadConfig, supervisorOptions } from 'hive/config';
import { configFiles } from './helpers.js';

const fixture = (name: string) => new URL(`../fixtures/config/${name}`, import.meta.url).pathname;
const { dir, write } = configFiles();

const configError = (key: string | undefined, message: RegExp) => (error: Error & Record<string, unknown>) => {
  assert.equal(error.code, 'ERR_HIVE_CONFIG');
  assert.equal(error.key, key);
  assert.match(error.message, message);
  return true;
};

describe('PM2 ecosystem files', () => {
  test('a real project shape translates to camelCase apps, with ignored keys reported by name', async () => {
    const config = await loadConfig(fixture('pm2-project/ecosystem.config.js'));
    assert.equal(config.format, 'pm2');
    const [api, worker, web, nightly] = config.apps;
    assert.deepEqual(
      { ...api, cwd: undefined },
      {
        name: 'api',
        script: './dist/server.js',
        instances: 'max',
        execMode: 'cluster',
        maxMemoryRestart: '300M',
        minUptime: '10s',
        maxRestarts: 10,
        killTimeout: 5000,
        listenTimeout: 8000,
        waitReady: true,
        expBackoffRestartDelay: 100,
        nodeArgs: '--enable-source-maps --max-old-space-size=512',
        logDateFormat: 'YYYY-MM-DD HH:mm Z',
        mergeLogs: true,
        env: { NODE_ENV: 'development', PORT: 3000 },
        env_production: { NODE_ENV: 'production', API_URL: 'https://api.example.com' },
        cwd: undefined,
      },
    );
    assert.equal(api!.cwd, fixture('pm2-project'));
    assert.equal(worker!.execMode, 'fork');
    assert.equal(worker!.instances, 2);
    assert.equal(worker!.cwd, fixture('pm2-project/services/queue'));
    assert.deepEqual(worker!.ignoreWatch, ['node_modules', 'logs']);
    assert.equal(web!.interpreter, 'none');
    assert.equal(nightly!.cronRestart, '0 3 * * *');
    assert.equal(nightly!.autorestart, false);
    // Each names the file: `hive start` prints them with nothing else to say where they come from.
    assert.deepEqual(config.warnings, [
      `${config.file}: deploy: PM2 deploy is not supported (use \`hive deploy\` recipes)`,
    ]);
  });

  test('--env production overlays env_production; the cluster options carry it', async () => {
    const config = await loadConfig(fixture('pm2-project/ecosystem.config.js'));
    const options = supervisorOptions(config.apps[0]!, config.file, 'production', config.apps);
    assert.deepEqual(options.env, { NODE_ENV: 'production', PORT: '3000', API_URL: 'https://api.example.com' });
    assert.deepEqual(options.nodeArgs, ['--enable-source-maps', '--max-old-space-size=512']);
    assert.equal(options.maxMemoryRestart, '300M');
    assert.equal(options.instances, 'max');
    assert.throws(
      () => supervisorOptions(config.apps[0]!, config.file, 'prod', config.apps),
      configError(undefined, /--env prod: no app defines `env_prod`/),
    );
    const worker = supervisorOptions(config.apps[1]!, config.file);
    assert.deepEqual(worker.args, ['--queue', 'default', '--concurrency', '4']);
    assert.deepEqual(argList(`--msg "hello world" --name='a b'  -x "" it's`), [
      '--msg',
      'hello world',
      '--name=a b',
      '-x',
      '',
      "it's",
    ]);
  });

  test('an unknown key is an error naming the file, the app and the key', async () => {
    const file = fixture('ecosystem.typo.config.json');
    await assert.rejects(loadConfig(file), (error: Error & Record<string, unknown>) => {
      assert.equal(error.code, 'ERR_HIVE_CONFIG');
      assert.equal(error.file, file);
      assert.equal(error.key, 'apps[0] (api).max_memory_restrat');
      assert.match(error.message, /unknown key/);
      return true;
    });
  });

  // A 40-app file with three bad apps named only the first, one run per mistake; a name used twice, not the other app.
  test('every problem of a file is named in one error: the first line as it was alone, one line for each other', async () => {
    const apps: Record<string, unknown>[] = Array.from({ length: 40 }, (_, i) => ({ name: `app${i}`, script: 'a.js' }));
    apps[17]!.instnces = 2;
    apps[25]!.max_memory_restart = '200 lots';
    apps[30]!.autorestart = 'no';
    const file = write('ecosystem.config.json', JSON.stringify({ apps }));
    const lines = [
      `${file}: apps[17] (app17).instnces: unknown key: not a Hive or PM2 app option; did you mean \`instances\`?`,
      `${file}: apps[25] (app25).max_memory_restart: expected a size like 300M, 1G or bytes`,
      `${file}: apps[30] (app30).autorestart: expected boolean, got "no" (string)`,
    ];
    await assert.rejects(loadConfig(file), (error: Error & Record<string, unknown>) => {
      assert.equal(error.code, 'ERR_HIVE_CONFIG');
      assert.equal(error.key, 'apps[17] (app17).instnces');
      assert.equal(error.message, lines.join('\n'));
      assert.deepEqual(
        (error.issues as { key: string }[]).map((issue) => issue.key),
        ['apps[17] (app17).instnces', 'apps[25] (app25).max_memory_restart', 'apps[30] (app30).autorestart'],
      );
      return true;
    });
    // The message lists 20, the error has them all.
    const many = write('ecosystem.config.json', JSON.stringify({ apps: apps.map((app) => ({ ...app, port: 'x' })) }));
    await assert.rejects(loadConfig(many), (error: Error & Record<string, unknown>) => {
      const shown = error.message.split('\n');
      assert.equal(shown.length, 21);
      assert.equal(shown.at(-1), 'and 23 more');
      assert.equal((error.issues as unknown[]).length, 43);
      return true;
    });
    // The checks made before the apps' keys (an env variable no environment holds), then those, each once.
    const env = write(
      'ecosystem.config.json',
      JSON.stringify({
        apps: [
          { name: 'a', script: 'a.js', instnces: 2 },
          { name: 'b', script: 'b.js', env: { 'A=B': 'x' } },
          { name: 'c', script: 'c.js', env: { 'C=D': 'y' } },
        ],
      }),
    );
    await assert.rejects(loadConfig(env), (error: Error & Record<string, unknown>) => {
      assert.deepEqual(
        (error.issues as { key: string }[]).map((issue) => issue.key),
        ['apps[1] (b).env.A=B', 'apps[2] (c).env.C=D', 'apps[0] (a).instnces'],
      );
      return true;
    });
    // A name used twice names the app that has it first.
    const twice = write(
      'ecosystem.config.json',
      JSON.stringify({ apps: apps.slice(0, 17).concat({ name: 'app3', script: 'a.js' }) }),
    );
    await assert.rejects(
      loadConfig(twice),
      configError(
        'apps[17].name',
        /^[^\n]*: apps\[17\]\.name: the name "app3" is used twice \(also apps\[3\]\.name\)$/,
      ),
    );
  });

  test('numeric strings of number keys are numbers, and min_uptime takes hours, as in PM2', async () => {
    const file = write(
      'ecosystem.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "port": "3000", "max_restarts": "5", "instances": "4", "min_uptime": "1h"}]}',
    );
    const config = await loadConfig(file);
    const [app] = config.apps;
    assert.deepEqual([app!.port, app!.maxRestarts, app!.instances], [3000, 5, 4]);
    const { minUptime } = supervisorOptions(app!, config.file, undefined, config.apps);
    assert.equal(parseDuration(minUptime, 'minUptime'), 3_600_000);
  });

  test('an app without `name` is named after its script, as in PM2', async () => {
    const file = write('ecosystem.config.json', '{"apps": [{"script": "./dist/server.js"}, {"script": "pnpm"}]}');
    assert.deepEqual(
      (await loadConfig(file)).apps.map((app) => app.name),
      ['server', 'pnpm'],
    );
  });

  test('an env entry left undefined (process.env.X unset) is dropped with a warning, as PM2 drops it', async () => {
    const file = write(
      'ecosystem.config.cjs',
      "module.exports = { apps: [{ name: 'a', script: 'a.js', env: { A: '1', SECRET: undefined }, env_production: { B: undefined } }] };",
    );
    const config = await loadConfig(file);
    assert.deepEqual(supervisorOptions(config.apps[0]!, config.file, 'production', config.apps).env, { A: '1' });
    assert.deepEqual(config.warnings, [
      `${config.file}: apps[0] (a).env.SECRET: ignored: undefined (unset where the file was loaded?), so not set, as in PM2`,
      `${config.file}: apps[0] (a).env_production.B: ignored: undefined (unset where the file was loaded?), so not set, as in PM2`,
    ]);
  });

  test('a boolean key written as the text "true" or "false" is warned about, under the key written', async () => {
    // PM2 keeps such a string (its schema takes text there too): `watch: 'true'` watches a path named `true`.
    const file = write(
      'ecosystem.config.json',
      JSON.stringify({
        apps: [
          { name: 'a', script: 'a.js', watch: 'true', log_file: 'false' },
          { name: 'b', script: 'b.js', watch: true, filter_env: 'true', log_file: 'true.log' },
        ],
      }),
    );
    const config = await loadConfig(file);
    assert.equal(config.apps[0]!.watch, 'true', 'kept as PM2 keeps it');
    const said = (i: number, name: string, key: string, value: string, what: string) =>
      `${config.file}: apps[${i}] (${name}).${key}: "${value}" is a string, so it is taken as ${what} (as PM2 takes it); write ${value} without quotes for the boolean`;
    assert.deepEqual(config.warnings, [
      said(0, 'a', 'watch', 'true', 'the path of a file or folder to watch'),
      said(0, 'a', 'log_file', 'false', "the log file's path"),
      said(1, 'b', 'filter_env', 'true', 'the name of a variable to leave out'),
    ]);
    const hive = write('hive.config.json', JSON.stringify({ apps: [{ name: 'c', script: 'c.js', watch: 'false' }] }));
    assert.match((await loadConfig(hive)).warnings.join('\n'), /apps\[0\] \(c\)\.watch: "false" is a string/);
  });

  test('a bad value is reported under the PM2 key written in the file, not the Hive key it became', async () => {
    const cases: [string, string, RegExp][] = [
      ['"max_memory_restart": "300X"', 'apps[0] (a).max_memory_restart', /size/],
      [
        '"exec_mode": "clustr"',
        'apps[0] (a).exec_mode',
        /expected 'cluster' or 'fork' \(a PM2 file's 'cluster_mode' and 'fork_mode' too\)/,
      ],
      ['"err_file": 3', 'apps[0] (a).err_file', /string/],
      ['"min_uptime": "soon"', 'apps[0] (a).min_uptime', /duration/],
      ['"instances": 2, "node_args": "--watch"', 'apps[0] (a).node_args', /\.node_args: may not hold --watch/],
      [
        '"exec_mode": "cluster", "interpreter_args": ["--watch-path=src"]',
        'apps[0] (a).interpreter_args',
        /may not hold --watch-path=src/,
      ],
      [
        '"instances": 2, "max_memory_restart": "300M", "memoryReportInterval": "0s"',
        'apps[0] (a).memoryReportInterval',
        /0 turns memory reports off, which max_memory_restart needs/,
      ],
    ];
    for (const [entry, key, message] of cases) {
      const file = write('ecosystem.config.json', `{"apps": [{"name": "a", "script": "a.js", ${entry}}]}`);
      await assert.rejects(loadConfig(file), configError(key, message), entry);
    }
  });

  test('two keys for one option (PM2 aliases, or snake_case and camelCase) are an error unless they agree', async () => {
    const file = write(
      'ecosystem.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "node_args": "--a", "interpreter_args": "--b"}]}',
    );
    await assert.rejects(loadConfig(file), configError('apps[0] (a).interpreter_args', /same option as `node_args`/));
    write(
      'ecosystem.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "maxMemoryRestart": "1G", "max_memory_restart": "2G"}]}',
    );
    await assert.rejects(loadConfig(file), configError('apps[0] (a).max_memory_restart', /`maxMemoryRestart`/));
    write(
      'ecosystem.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "err_file": "e.log", "error_file": "e.log"}]}',
    );
    assert.equal((await loadConfig(file)).apps[0]!.errorFile, 'e.log');
  });

  test("PM2's aliases (cron, out, err, execInterpreter) load; PM2 options Hive lacks (uid) say so", async () => {
    const file = write(
      'ecosystem.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "cron": "0 3 * * *", "out": "o.log", "err": "e.log", "execInterpreter": "python3"}]}',
    );
    const [app] = (await loadConfig(file)).apps;
    assert.deepEqual(
      [app!.cronRestart, app!.outFile, app!.errorFile, app!.interpreter],
      ['0 3 * * *', 'o.log', 'e.log', 'python3'],
    );
    write('ecosystem.config.json', '{"apps": [{"name": "a", "script": "a.js", "uid": "www-data"}]}');
    await assert.rejects(loadConfig(file), configError('apps[0] (a).uid', /a PM2 option Hive does not support/));
  });

  test("PM2's defaults autostart: true and stop_exit_codes: [] (as `pm2 prettylist` prints them) load without a word", async () => {
    const file = write(
      'ecosystem.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "autostart": true, "stop_exit_codes": []}]}',
    );
    const config = await loadConfig(file);
    assert.deepEqual(config.warnings, []);
    assert.equal(config.apps[0]!.name, 'a');
    assert.deepEqual(supervisorOptions(config.apps[0]!, config.file).stopExitCodes, []);
    write('ecosystem.config.json', '{"apps": [{"name": "a", "script": "a.js", "autostart": "true"}]}');
    await assert.rejects(loadConfig(file), configError('apps[0] (a).autostart', /expected boolean/));
  });

  test("PM2's treekill reaches the primary without a warning; a non-boolean is an error naming the key", async () => {
    const file = write(
      'ecosystem.config.json',
      JSON.stringify({
        apps: [
          { name: 'a', script: 'a.js', treekill: false },
          { name: 'b', script: 'b.js', treekill: true },
          { name: 'c', script: 'c.js' },
        ],
      }),
    );
    const config = await loadConfig(file);
    assert.deepEqual(config.warnings, []);
    const options = config.apps.map((app) => supervisorOptions(app, config.file).treekill);
    assert.deepEqual(options, [false, true, undefined]);
    write('ecosystem.config.json', '{"apps": [{"name": "a", "script": "a.js", "treekill": "no"}]}');
    await assert.rejects(loadConfig(file), configError('apps[0] (a).treekill', /expected boolean/i));
  });

  test('stop_exit_codes and autorestart reach the primary; a bad exit code is an error naming the key and file', async () => {
    const file = write(
      'ecosystem.config.json',
      JSON.stringify({
        apps: [
          { name: 'a', script: 'a.js', stop_exit_codes: [0, '3'], autorestart: false },
          { name: 'b', script: 'b.js', stop_exit_codes: 2 },
        ],
      }),
    );
    const config = await loadConfig(file);
    assert.deepEqual(config.warnings, []);
    const [a, b] = config.apps.map((app) => supervisorOptions(app, config.file));
    assert.deepEqual([a!.stopExitCodes, a!.autorestart], [[0, 3], false]);
    assert.deepEqual([b!.stopExitCodes, b!.autorestart], [[2], undefined]);
    for (const bad of ['[256]', '[-1]', '[1.5]', '"x"', '[[0]]', '{"0": 1}']) {
      write('ecosystem.config.json', `{"apps": [{"name": "a", "script": "a.js", "stop_exit_codes": ${bad}}]}`);
      await assert.rejects(loadConfig(file), (error: Error & Record<string, unknown>) => {
        assert.equal(error.code, 'ERR_HIVE_CONFIG');
        assert.equal(error.file, file);
        // The list, or the element at fault: `stop_exit_codes[0]`.
        assert.match(String(error.key), /^apps\[0\] \(a\)\.stop_exit_codes(\[0\])?$/);
        assert.match(error.message, /: expected an exit code \(an integer 0-255\)/);
        assert.ok(error.message.startsWith(`${file}: `), error.message);
        return true;
      });
    }
    // A Hive config names it stopExitCodes.
    const hive = write('hive.config.json', '{"apps": [{"name": "h", "script": "h.js", "stopExitCodes": [300]}]}');
    await assert.rejects(loadConfig(hive), configError('apps[0] (h).stopExitCodes[0]', /an integer 0-255/));
  });

  test('shutdown_with_message, instance_var and increment_var reach the primary, a fork-mode one too', async () => {
    const pm2 = { shutdown_with_message: true, instance_var: 'INSTANCE_ID', increment_var: 'PORT' };
    const file = write(
      'ecosystem.config.json',
      JSON.stringify({
        apps: [
          { name: 'a', script: 'a.js', exec_mode: 'cluster', ...pm2 },
          { name: 'b', script: 'b.js', exec_mode: 'fork', ...pm2 },
        ],
      }),
    );
    const config = await loadConfig(file);
    const { env } = supervisorOptions(config.apps[0]!, config.file);
    assert.deepEqual(
      [env?.HIVE_SHUTDOWN_MESSAGE, env?.HIVE_INSTANCE_VAR, env?.HIVE_INCREMENT_VAR],
      ['1', 'INSTANCE_ID', 'PORT'],
    );
    // Fork mode acts on all three too (the fork primary reads them from the environment), as PM2 does.
    const fork = supervisorOptions(config.apps[1]!, config.file).env;
    assert.deepEqual(
      [fork?.HIVE_SHUTDOWN_MESSAGE, fork?.HIVE_INSTANCE_VAR, fork?.HIVE_INCREMENT_VAR],
      ['1', 'INSTANCE_ID', 'PORT'],
    );
    assert.deepEqual(config.warnings, []);
    write(
      'ecosystem.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "instances": 2, "instance_var": "NO SUCH"}]}',
    );
    await assert.rejects(loadConfig(file), configError('apps[0] (a).instance_var', /an environment variable name/));
    write(
      'ecosystem.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "instances": 2, "port": 3000, "sticky": "ip", "increment_var": "PORT"}]}',
    );
    await assert.rejects(loadConfig(file), configError('apps[0] (a).increment_var', /cannot be PORT with sticky/));
  });

  test('a CommonJS ecosystem.config.js inside an ESM package gets a hint to rename it', async () => {
    const esm = mkdtempSync(join(dir, 'esm-'));
    writeFileSync(join(esm, 'package.json'), '{"type": "module"}');
    writeFileSync(join(esm, 'ecosystem.config.js'), "module.exports = { apps: [{ name: 'a', script: 'a.js' }] };");
    await assert.rejects(loadConfig(join(esm, 'ecosystem.config.js')), configError(undefined, /rename it to \.cjs/));
  });

  test('an app without `instances` runs one process, as PM2 runs it', async () => {
    const file = write(
      'ecosystem.config.json',
      '{"apps": [{"name": "a", "script": "a.js"}, {"name": "b", "script": "b.js", "exec_mode": "cluster"}]}',
    );
    const config = await loadConfig(file);
    assert.deepEqual(
      config.apps.map((app) => supervisorOptions(app, config.file).instances),
      [1, 1],
    );
  });

  test('an ESM ecosystem.config.js inside a CommonJS package gets a hint to rename it, and the line', async () => {
    const cjs = mkdtempSync(join(dir, 'cjs-'));
    writeFileSync(join(cjs, 'package.json'), '{"type": "commonjs"}');
    writeFileSync(join(cjs, 'ecosystem.config.js'), "export default { apps: [{ name: 'a', script: 'a.js' }] };");
    // In a plain node process, as the CLI runs: this test runner's tsx hooks would accept the ESM syntax.
    const script = `import(${JSON.stringify(import.meta.resolve('hive/config'))}).then((m) => m.loadConfig(process.argv[1])).then(() => console.log('loaded'), (e) => console.log(e.code, e.message))`;
    const { stdout } = spawnSync(process.execPath, ['-e', script, join(cjs, 'ecosystem.config.js')], {
      encoding: 'utf8',
    });
    assert.match(stdout, /^ERR_HIVE_CONFIG .*rename it to \.mjs\): Unexpected token 'export' \(line 1, column 1\)/);
  });

  // Node.js's module syntax detection (on by default from 20.19 and 22.7): config.md says such a file then starts.
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  const detects = major > 22 || (major === 22 && minor >= 7) || (major === 20 && minor >= 19);
  test('an ESM ecosystem.config.js in a package without "type" loads, as config.md says', { skip: !detects }, () => {
    const untyped = mkdtempSync(join(dir, 'untyped-'));
    writeFileSync(join(untyped, 'package.json'), '{}');
    writeFileSync(join(untyped, 'ecosystem.config.js'), "export default { apps: [{ name: 'a', script: 'a.js' }] };");
    const script = `import(${JSON.stringify(import.meta.resolve('hive/config'))}).then((m) => m.loadConfig(process.argv[1])).then((c) => console.log('loaded', c.apps[0].name), (e) => console.log(e.code, e.message))`;
    const { stdout } = spawnSync(process.execPath, ['-e', script, join(untyped, 'ecosystem.config.js')], {
      encoding: 'utf8',
    });
    assert.equal(stdout, 'loaded a\n');
  });

  test('JSON arrays of apps and YAML ecosystem files load too', async () => {
    const json = write(
      'ecosystem.config.json',
      JSON.stringify([{ name: 'a', script: 'a.js', exec_mode: 'cluster_mode' }]),
    );
    assert.equal((await loadConfig(json)).apps[0]!.execMode, 'cluster');
    const yaml = write('ecosystem.config.yaml', 'apps:\n  - name: b\n    script: b.js\n    instances: -1\n');
    assert.equal((await loadConfig(yaml)).apps[0]!.instances, -1);
  });
});

describe('Hive config files', () => {
  test('hive.config.ts with defineConfig, loaded without a build step', async () => {
    const config = await loadConfig(fixture('hive-ts/hive.config.ts'));
    assert.equal(config.format, 'hive');
    const options = supervisorOptions(config.apps[0]!, config.file, 'staging', config.apps);
    assert.deepEqual(options.env, { LOG_LEVEL: 'debug', HIVE_POOL_THREADS: '1' });
    assert.equal(options.killTimeout, '3s');
    assert.equal(options.cwd, fixture('hive-ts'));
  });

  test('YAML', async () => {
    const config = await loadConfig(fixture('hive.config.yaml'));
    assert.equal(config.apps[0]!.sticky, 'cookie:sid');
  });

  test("node's watch flags are refused for a cluster app only: a fork-mode app's interpreter may take them", async () => {
    for (const app of [
      { name: 'f', script: 'a.js', execMode: 'fork', nodeArgs: '--watch' },
      { name: 'p', script: 'job.py', nodeArgs: '--watch' },
      { name: 'd', script: 'main.ts', interpreter: 'deno', nodeArgs: ['run', '--watch'] },
    ]) {
      const config = await loadConfig(write('hive.config.json', JSON.stringify({ apps: [app] })));
      assert.equal(config.apps[0]!.name, app.name);
    }
  });

  test('socket and socketMode reach the supervisor options', async () => {
    const file = write(
      'hive.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "socket": "run/a.sock", "socketMode": "666", "socketGroup": "www-data"}]}',
    );
    const config = await loadConfig(file);
    const options = supervisorOptions(config.apps[0]!, config.file);
    assert.equal(options.socket, 'run/a.sock');
    assert.equal(options.socketMode, '666');
    assert.equal(options.socketGroup, 'www-data');
  });

  test('bad values name the file, the app and the key path, and say what was expected', async () => {
    await assert.rejects(
      loadConfig(fixture('bad-instances.json')),
      configError('apps[1] (jobs).instances', /a whole number, "max" or -1/),
    );
    const cases: [string, string | undefined, RegExp][] = [
      ['{"apps": [{"name": "a", "script": "a.js", "killTimeout": "soon"}]}', 'apps[0] (a).killTimeout', /duration/],
      ['{"apps": [{"name": "a", "script": "a.js", "instances": -2}]}', 'apps[0] (a).instances', /"max" or -1/],
      ['{"apps": [{"name": "a", "script": "a.js", "instances": "-3"}]}', 'apps[0] (a).instances', /"max" or -1/],
      // hive run's check of a cluster app's node flags, made at load: the file and the key are named.
      [
        '{"apps": [{"name": "a", "script": "a.js", "nodeArgs": "--inspect --watch"}]}',
        'apps[0] (a).nodeArgs',
        /\.nodeArgs: may not hold --watch: .*`watch`/,
      ],
      // What zod would say by itself ("expected int or string", "Too small", "expected record") reaches no user.
      [
        '{"apps": [{"name": "a", "script": "a.js", "instances": 2.5}]}',
        'apps[0] (a).instances',
        /: a whole number, "max" or -1$/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "maxRestarts": -1}]}',
        'apps[0] (a).maxRestarts',
        /: expected a whole number, 0 or more$/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "maxRestarts": 1.5}]}',
        'apps[0] (a).maxRestarts',
        /: expected a whole number, 0 or more$/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "env": "FOO=1"}]}',
        'apps[0] (a).env',
        /: expected an object of variables, such as/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "maxMemoryRestart": "300X"}]}',
        'apps[0] (a).maxMemoryRestart',
        /size/,
      ],
      ['{"apps": [{"name": "a", "script": "a.js", "sticky": "session"}]}', 'apps[0] (a).sticky', /cookie:<name>/],
      ['{"apps": [{"name": "a", "script": "a.js", "sticky": "ip"}]}', 'apps[0] (a).sticky', /needs port/],
      [
        '{"apps": [{"name": "a", "script": "a.js", "sticky": "ip", "port": 0}]}',
        'apps[0] (a).port',
        /cannot be 0 with sticky/,
      ],
      ['{"apps": [{"name": "a", "script": "a.js", "cronRestart": "0 3 * *"}]}', 'apps[0] (a).cronRestart', /cron/],
      [
        '{"apps": [{"name": "a", "script": "a.js", "errorFile": ""}]}',
        'apps[0] (a).errorFile',
        /: expected a non-empty string$/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "sticky": "ip", "port": 3000, "socket": "a.sock"}]}',
        'apps[0] (a).socket',
        /cannot be combined with sticky/,
      ],
      ['{"apps": [{"name": "a", "script": "a.js", "exec_mode": "fork"}]}', 'apps[0] (a).exec_mode', /write `execMode`/],
      ['{"apps": [{"name": "a"}]}', 'apps[0] (a).script', /^.*: required \(expected string\)$/],
      ['{"apps": [{"name": "a", "script": "a.js", "args": 5}]}', 'apps[0] (a).args', /expected string or array, got 5/],
      ['{"apps": [{"name": "a", "script": "a.js", "args": ["-p", 3]}]}', 'apps[0] (a).args[1]', /expected string/],
      [
        '{"apps": [{"name": "a", "script": "a.js", "watch": 5}]}',
        'apps[0] (a).watch',
        /boolean or string or array, got 5/,
      ],
      ['{"apps": [{"name": "a", "script": "a.js", "killTimeout": true}]}', 'apps[0] (a).killTimeout', /got true/],
      [
        '{"apps": [{"name": "a", "script": "a.js", "env": {"A": null}}]}',
        'apps[0] (a).env.A',
        /string, number or boolean/,
      ],
      ['{"apps": [{"name": "a", "script": "a.js"}, {"name": "a", "script": "b.js"}]}', 'apps[1].name', /used twice/],
      ['{"apps": []}', 'apps', /at least one app/],
      [
        '{"apps": [{"name": "a", "script": "a.js"}], "extra": 1}',
        'extra',
        /extra: unknown key: a Hive config file holds only `apps` and `edge`$/,
      ],
      ['{"apps": [', undefined, /not valid JSON/],
      ['{"apps": [{"name": "a", "script": "a.js", "metricsPort": 70000}]}', 'apps[0] (a).metricsPort', /65535/],
      [
        '{"apps": [{"name": "a", "script": "a.js", "port": 3000, "metricsPort": 3000}]}',
        'apps[0] (a).metricsPort',
        /the app's port/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "metricsHost": "0.0.0.0"}]}',
        'apps[0] (a).metricsHost',
        /metricsPort/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "metricsPort": 9464, "metricsHost": "a b"}]}',
        'apps[0] (a).metricsHost',
        /address .* or a host name/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "metricsPort": 9464, "metricsHost": "127.0.0.1:9"}]}',
        'apps[0] (a).metricsHost',
        /without a port/,
      ],
      ['{"apps": [{"name": "a", "script": "a.js", "logFormat": "xml"}]}', 'apps[0] (a).logFormat', /text|json/],
      ['{"apps": [{"name": "a", "script": "a.js", "socketMode": 666}]}', 'apps[0] (a).socketMode', /octal mode/],
      [
        '{"apps": [{"name": "a", "script": "a.js", "logDateFormat": 5}]}',
        'apps[0] (a).logDateFormat',
        /expected string, got 5/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "logDateFormat": ""}]}',
        'apps[0] (a).logDateFormat',
        /expected a dayjs format such as "YYYY-MM-DD HH:mm Z"/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "logFile": 5}]}',
        'apps[0] (a).logFile',
        /expected string or boolean, got 5/,
      ],
      [
        '{"apps": [{"name": "a", "script": "a.js", "logFile": ""}]}',
        'apps[0] (a).logFile',
        /: expected a non-empty string$/,
      ],
    ];
    for (const [text, key, message] of cases) {
      const file = write('hive.config.json', text);
      await assert.rejects(loadConfig(file), configError(key, message), text);
    }
    await assert.rejects(loadConfig(join(dir, 'missing.config.js')), configError(undefined, /no such file/));
    // A data file too says why it could not be read: missing, or (a folder of that name) the error's code.
    await assert.rejects(loadConfig(join(dir, 'missing.json')), configError(undefined, /: no such file$/));
    mkdirSync(join(dir, 'folder.json'), { recursive: true });
    await assert.rejects(
      loadConfig(join(dir, 'folder.json')),
      configError(undefined, /cannot read the file \(EISDIR\)/),
    );
  });

  test('a syntax error names the file and the line and column, in JSON, CommonJS, ESM and TypeScript', async () => {
    const cases: [string, string, RegExp][] = [
      // Node 20's JSON.parse gives a position, which Hive turns into "line 2, column 19"; Node 22+ says "(line 2 column 19)".
      ['hive.config.json', '{"apps": [{"name": "a",\n "script": "a.js",}]}', /not valid JSON: .*line 2,? column 19/],
      ['ecosystem.config.cjs', "module.exports = {\n  apps: [{ name: 'a' script: 'a.js' }] };", /line 2, column 22/],
      ['hive.config.mjs', "export default {\n  apps: [{ name: 'a' script: 'a.js' }] };", /line 2, column 22/],
      [
        'hive.config.ts',
        'const port: number = ;\nexport default { apps: [] };',
        /failed to load: Unexpected ";" \(line 1, column 22\)/,
      ],
    ];
    for (const [name, text, message] of cases) {
      const file = join(mkdtempSync(join(dir, 'syntax-')), name);
      writeFileSync(file, text);
      await assert.rejects(loadConfig(file), (error: Error & Record<string, unknown>) => {
        assert.equal(error.code, 'ERR_HIVE_CONFIG');
        assert.equal(error.file, file);
        assert.match(error.message, message);
        return true;
      });
    }
  });

  test('metricsPort, metricsHost and logFormat load as written; PM2 log_type json means JSON logs', async () => {
    const hive = write(
      'hive.config.json',
      '{"apps": [{"name": "a", "script": "a.js", "metricsPort": 9464, "metricsHost": "0.0.0.0", "logFormat": "json"}]}',
    );
    const [app] = (await loadConfig(hive)).apps;
    assert.deepEqual([app!.metricsPort, app!.metricsHost, app!.logFormat], [9464, '0.0.0.0', 'json']);
    const pm2 = write(
      'ecosystem.config.json',
      '{"apps": [{"name": "j", "script": "j.js", "log_type": "json"}, {"name": "r", "script": "r.js", "log_type": "raw"}]}',
    );
    assert.deepEqual(
      (await loadConfig(pm2)).apps.map((a) => a.logFormat),
      ['json', 'text'],
    );
  });

  test('PM2 log_date_format, log_file and log load as logDateFormat and logFile; bad values name the key written', async () => {
    const pm2 = write(
      'ecosystem.config.json',
      JSON.stringify({
        apps: [
          { name: 'a', script: 'a.js', log_date_format: 'YYYY-MM-DD HH:mm Z', log_file: 'logs/a.log' },
          { name: 'b', script: 'b.js', log: true },
        ],
      }),
    );
    const config = await loadConfig(pm2);
    assert.deepEqual(
      config.apps.map((a) => [a.logDateFormat, a.logFile]),
      [
        ['YYYY-MM-DD HH:mm Z', 'logs/a.log'],
        [undefined, true],
      ],
    );
    assert.deepEqual(config.warnings, []);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ log_date_format: 5 }, 'apps[0] (a).log_date_format', /expected string, got 5/],
      [{ log_date_format: '' }, 'apps[0] (a).log_date_format', /expected a dayjs format/],
      [{ log_file: 5 }, 'apps[0] (a).log_file', /expected string or boolean, got 5/],
      [{ log: ['x'] }, 'apps[0] (a).log', /expected string or boolean/],
    ];
    for (const [keys, key, message] of cases) {
      const file = write('ecosystem.config.json', JSON.stringify({ apps: [{ name: 'a', script: 'a.js', ...keys }] }));
      await assert.rejects(loadConfig(file), (error: Error & Record<string, unknown>) => {
        assert.equal(error.file, file);
        return configError(key, message)(error);
      });
    }
  });

  test('a JS config changed since it was last loaded is read again, not taken from the module cache', async () => {
    for (const [name, prefix] of [
      ['ecosystem.config.cjs', 'module.exports ='],
      ['hive.config.mjs', 'export default'],
    ] as const) {
      const file = join(mkdtempSync(join(dir, 'reload-')), name);
      for (const app of ['first', 'second']) {
        writeFileSync(file, `${prefix} { apps: [{ name: '${app}', script: 'a.js' }] };`);
        assert.equal((await loadConfig(file)).apps[0]!.name, app, name);
      }
    }
  });

  test('a CommonJS TypeScript config, and a TypeScript file it requires, changed since the last load are read again', async () => {
    // tsx's CommonJS loader caches what it compiled in require.cache, the files the config requires with it.
    const folder = mkdtempSync(join(dir, 'reload-cts-'));
    writeFileSync(join(folder, 'package.json'), '{}');
    const names = join(folder, 'names.ts');
    for (const [name, text] of [
      ['hive.config.cts', "module.exports = { apps: [{ name: require('./names.ts').name, script: 'a.js' }] };"],
      ['ecosystem.config.ts', "import { name } from './names';\nexport default { apps: [{ name, script: 'a.js' }] };"],
    ] as const) {
      const file = join(folder, name);
      writeFileSync(file, text);
      for (const app of ['first', 'second']) {
        writeFileSync(names, `export const name: string = '${app}';\n`);
        assert.equal((await loadConfig(file)).apps[0]!.name, app, name);
      }
      writeFileSync(
        file,
        text.replace("name: require('./names.ts').name", "name: 'third'").replace('{ name,', "{ name: 'third',"),
      );
      assert.equal((await loadConfig(file)).apps[0]!.name, 'third', name);
    }
  });

  test('the .json and .js files a CommonJS config requires, changed since the last load, are read again', async () => {
    // PM2 projects keep their app list or env in a file the config requires: a long-lived caller of loadConfig got
    // the first load's copy of it from the require cache for good.
    const folder = mkdtempSync(join(dir, 'reload-required-'));
    writeFileSync(join(folder, 'package.json'), '{}');
    const list = join(folder, 'apps.json');
    const helper = join(folder, 'script-of.js');
    for (const [name, text] of [
      [
        'ecosystem.config.cjs',
        "const apps = require('./apps.json'); module.exports = { apps: apps.map((name) => ({ name, script: require('./script-of.js')(name) })) };",
      ],
      [
        'hive.config.cts',
        "const apps: string[] = require('./apps.json'); module.exports = { apps: apps.map((name) => ({ name, script: require('./script-of.js')(name) })) };",
      ],
    ] as const) {
      const file = join(folder, name);
      writeFileSync(file, text);
      for (const app of ['first', 'second']) {
        writeFileSync(list, JSON.stringify([app]));
        writeFileSync(helper, `module.exports = (name) => name + '-${app}.js';`);
        const [loaded] = (await loadConfig(file)).apps;
        assert.deepEqual([loaded!.name, basename(loaded!.script)], [app, `${app}-${app}.js`], name);
      }
    }
  });

  test('finding the config file of a folder; telling config files from scripts', () => {
    assert.equal(findConfigFile(fixture('pm2-project')), fixture('pm2-project/ecosystem.config.js'));
    assert.equal(findConfigFile(fixture('hive-ts')), fixture('hive-ts/hive.config.ts'));
    assert.equal(findConfigFile(dir + '/nowhere'), undefined);
    assert.ok(isConfigFile('/srv/app/ecosystem.config.cjs'));
    assert.ok(isConfigFile('hive.config.yaml'));
    assert.ok(!isConfigFile('server.js'));
    // TypeScript ones of any name, .cts too (each was started as an app script, errored: "did not listen").
    for (const name of ['hive.config.cts', 'ecosystem.config.ts', 'ecosystem.config.mts', 'ecosystem.config.cts']) {
      assert.ok(isConfigFile(`/srv/app/${name}`), name);
    }
    // PM2's rule: *.config.js|cjs|mjs (and Hive's TypeScript ones), and any .json, .yaml or .yml file.
    for (const name of ['prod.config.js', 'apps.config.cjs', 'a.config.mjs', 'apps.json', 'process.yml', 'p.yaml']) {
      assert.ok(isConfigFile(`/srv/app/${name}`), name);
    }
    for (const name of ['prod.config.ts', 'apps.config.cts', 'a.config.mts']) {
      assert.ok(isConfigFile(`/srv/app/${name}`), name);
    }
    for (const name of ['server.cjs', 'config.js', '.config.js', 'config.ts', '.config.ts', 'json', 'app.json.js']) {
      assert.ok(!isConfigFile(`/srv/app/${name}`), name);
    }
  });

  test('a config file not named hive.config.* is a PM2 file; one with no `apps` list says so', async () => {
    const prod = write(
      'prod.config.cjs',
      "module.exports = { apps: [{ script: './dist/server.js', exec_mode: 'fork' }] };",
    );
    const config = await loadConfig(prod);
    assert.equal(config.format, 'pm2');
    assert.deepEqual(
      [config.apps[0]!.name, config.apps[0]!.execMode, config.apps[0]!.instances],
      ['server', 'fork', 1],
    );
    assert.equal((await loadConfig(write('apps.json', '[{"name": "a", "script": "a.js"}]'))).apps[0]!.name, 'a');
    for (const [name, text] of [
      ['data.json', '{"port": 3000}'],
      ['compose.yml', 'services:\n  web: {}\n'],
      ['hive.config.json', '{}'],
    ] as const) {
      await assert.rejects(
        loadConfig(write(name, text)),
        configError(undefined, /no `apps` list, so not a config file/),
      );
    }
  });
});

// `--cron-restart ""` is no schedule; a file's empty cron_restart (a template's `process.env.CRON ?? ''`) was refused
// as a malformed expression of 1 field.
test('an empty cron_restart is no schedule, as an empty --cron-restart', async () => {
  const file = write(
    'empty-cron.config.js',
    "module.exports = { apps: [{ name: 'a', script: 'a.js', cron_restart: '' }] };",
  );
  const { apps } = await loadConfig(file);
  assert.equal(apps[0]!.cronRestart || undefined, undefined);
});
