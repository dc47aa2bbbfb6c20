// `sticky` and `balance` on a fork-mode app: both are the `hive run` primary's (it owns the port and routes the
// connections), which a fork-mode app runs without. As flags (`hive start -x --sticky`) they were errors, exit 2; in a
// config file only warnings, and the app started without the sticky sessions it asked for. Now the same error as the
// file's other keys of the primary (metricsPort, socket...): ERR_HIVE_CONFIG naming the file, app and key, exit 2,
// nothing started. PM2's instance_var and increment_var are set in fork mode too (test/daemon/fork-instance-vars).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from 'hive/config';
import { appFixture, tempHome } from '../daemon/helpers.js';
import { configFiles } from './helpers.js';

const hive = tempHome();
const { dir, writeJson } = configFiles(hive.dir);

test('sticky or balance on a fork-mode app fails hive start with exit 2 naming the file, app and key', async () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['hive.config.json', { execMode: 'fork', port: 3000, sticky: 'ip' }, 'sticky'],
    ['hive.config.json', { execMode: 'fork', port: 3000, balance: 'os' }, 'balance'],
    // No exec_mode and no instances: fork mode, as PM2 decides.
    ['ecosystem.config.json', { port: 3000, sticky: 'cookie:sid' }, 'sticky'],
    // Named as the file writes it, as the loader's errors name keys: the file has no `httpMetrics` to look for.
    ['ecosystem.config.json', { http_metrics: false }, 'http_metrics'],
  ];
  for (const [name, keys, key] of cases) {
    const file = writeJson(name, { apps: [{ name: 'f', script: appFixture, ...keys }] });
    // Not a warning of the load any more: the error at start says it.
    assert.deepEqual((await loadConfig(file)).warnings, []);
    const result = await hive.run(['start', file], { cwd: dir });
    assert.equal(result.code, 2, result.stderr);
    const prefix = `hive start: ERR_HIVE_CONFIG: ${file}: apps[0] (f).${key}: a fork-mode app has no \`hive run\` primary`;
    assert.ok(result.stderr.startsWith(prefix), result.stderr);
    if (name.startsWith('ecosystem')) assert.match(result.stderr, /no exec_mode and no instances is in fork mode/);
  }
  assert.equal(await hive.daemonPid(), undefined, 'the daemon was asked');
});

test('on a cluster app they load with no warning; instanceVar on a fork-mode app too (its primary sets it)', async () => {
  const file = writeJson('hive.config.json', {
    apps: [
      { name: 'c', script: 'c.js', port: 3001, sticky: 'ip', balance: 'rr' },
      { name: 'f', script: 'f.js', execMode: 'fork', instanceVar: 'INSTANCE_ID' },
    ],
  });
  assert.deepEqual((await loadConfig(file)).warnings, []);
});

// An interpreter makes an app a fork-mode one; a file that asked for cluster mode (PM2 runs that with its own node and
// ignores the interpreter, an nvm node path most often) got plain processes, each listening on the port, silently: all
// but the first crash-looped on EADDRINUSE. A node there is now ignored as PM2 ignores it; any other is warned about.
test('a node interpreter under an asked-for cluster mode is ignored, as PM2 does; another is warned about', async () => {
  const hiveFile = writeJson('hive.config.json', {
    apps: [
      { name: 'c', script: 'c.js', execMode: 'cluster', interpreter: '/opt/node/bin/node' },
      // Hive's own rule, said in docs/config.md: an interpreter with no execMode is fork mode, no warning.
      { name: 'f', script: 'f.py', interpreter: 'python3' },
      { name: 'n', script: 'n.js', execMode: 'cluster', interpreter: 'node' },
      { name: 'b', script: 'b.js', execMode: 'cluster', interpreter: '/usr/local/bin/bun' },
    ],
  });
  const hive = await loadConfig(hiveFile);
  assert.equal(hive.warnings.length, 2, hive.warnings.join('\n'));
  assert.ok(
    hive.warnings[0]!.startsWith(
      `${hiveFile}: apps[0] (c).interpreter: "/opt/node/bin/node" is ignored under execMode cluster, as PM2 ignores it:`,
    ),
    hive.warnings[0],
  );
  assert.ok(
    hive.warnings[1]!.startsWith(
      `${hiveFile}: apps[3] (b).interpreter: "/usr/local/bin/bun" runs the app in fork mode, over execMode cluster:`,
    ),
    hive.warnings[1],
  );
  assert.deepEqual(
    hive.apps.map((app) => app.interpreter),
    [undefined, 'python3', 'node', '/usr/local/bin/bun'],
  );
  const pm2File = writeJson('ecosystem.config.json', {
    apps: [
      { name: 'a', script: 'a.js', exec_mode: 'cluster_mode', exec_interpreter: '/opt/node/bin/node' },
      // No exec_mode: cluster once instances is given, as PM2 decides.
      { name: 'b', script: 'b.js', instances: 2, interpreter: '/opt/node/bin/node' },
      { name: 'f', script: 'f.js', exec_mode: 'fork', interpreter: '/opt/node/bin/node' },
      // PM2 reads instances as cluster mode for a node or bun interpreter only: these run fork mode there too.
      { name: 'p', script: 'p.py', instances: 2, interpreter: 'python3' },
      { name: 'x', script: 'x.sh', instances: 2, interpreter: 'none' },
    ],
  });
  const pm2 = await loadConfig(pm2File);
  assert.deepEqual(
    pm2.warnings.map((warning) => warning.replace(/ is ignored under (.*?), as PM2 ignores it: .*/, ' $1')),
    [
      `${pm2File}: apps[0] (a).exec_interpreter: "/opt/node/bin/node" exec_mode cluster`,
      `${pm2File}: apps[1] (b).interpreter: "/opt/node/bin/node" instances (cluster mode in PM2)`,
    ],
  );
  assert.deepEqual(
    pm2.apps.map((app) => app.interpreter),
    [undefined, undefined, '/opt/node/bin/node', 'python3', 'none'],
  );
});

// The processes of such an app run on the Hive daemon's Node.js, which may not be the loader's (`hive update` run with
// another): the warning names the one `appsNode` gives, asked only when a warning needs it.
test('the ignored node interpreter warning names the Node.js appsNode gives, asked only for it', async () => {
  const file = writeJson('hive.config.json', {
    apps: [{ name: 'c', script: 'c.js', execMode: 'cluster', interpreter: '/opt/node/bin/node' }],
  });
  const asked: string[] = [];
  const appsNode = async () => {
    asked.push(file);
    return 'v99.1.0';
  };
  const [warning] = (await loadConfig(file, { appsNode })).warnings;
  assert.match(warning!, / the processes run on the Node\.js that runs the Hive daemon \(v99\.1\.0\), /);
  assert.match((await loadConfig(file)).warnings[0]!, new RegExp(`\\(${process.version.replaceAll('.', '\\.')}\\)`));
  const plain = writeJson('hive.config.json', { apps: [{ name: 'c', script: 'c.js' }] });
  assert.deepEqual((await loadConfig(plain, { appsNode })).warnings, []);
  assert.deepEqual(asked, [file]);
});
