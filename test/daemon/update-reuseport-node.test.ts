// `hive update` under a Node.js that cannot run an app (`--balance reuseport` needs 22.12; nvm back to 20) stopped
// the daemon and its apps, then the app's primary refused to start here, retried for ever, and update exited 0. It
// is refused before anything is stopped, naming the app.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { supportsReusePort } from '../../dist/cluster/index.js';
import { freePort } from '../ports.js';
import { appFixture, type Described, otherNode, otherNodeSkip, tempHome } from './helpers.js';

const otherVersion = otherNodeSkip
  ? ''
  : spawnSync(otherNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim();
const skip =
  otherNodeSkip ||
  (supportsReusePort() || !supportsReusePort(otherVersion)
    ? `needs this Node without reusePort (${process.versions.node}) and another with it (${otherVersion})`
    : false);

const hive = tempHome();

test('hive update under a Node without reusePort refuses, and leaves a reuseport app and its daemon running', {
  skip,
}, async () => {
  const port = await freePort();
  const started = await hive.run(['start', appFixture, '--name', 'rp', '-i', '2', '--balance', 'reuseport'], {
    node: otherNode,
    env: { PORT: String(port) },
  });
  assert.equal(started.code, 0, started.stderr);
  // A stopped reuseport app comes back stopped: it need not run here, and is not named.
  const parked = await hive.run(['start', appFixture, '--name', 'parked', '-i', '1', '--balance', 'reuseport'], {
    node: otherNode,
    env: { PORT: String(await freePort()) },
  });
  assert.equal(parked.code, 0, parked.stderr);
  assert.equal((await hive.run(['stop', 'parked'], { node: otherNode })).code, 0);
  const daemon = await hive.daemonPid();

  const updated = await hive.run(['update']);
  assert.equal(updated.code, 1, updated.stdout);
  assert.match(
    updated.stderr,
    new RegExp(
      `^hive update: ERR_HIVE_BALANCE_UNSUPPORTED: "rp" runs --balance reuseport, which needs Node.js >= 22.12 \\(this is ${process.versions.node.replaceAll('.', '\\.')}\\): the daemon \\(pid ${daemon}\\) and its apps are left running; run \`hive update\` under a Node\\.js >= 22\\.12, or give it another balance first \\(\`hive delete rp\`, then \`hive start\` it with --balance rr\\)`,
      'm',
    ),
  );
  assert.equal(await hive.daemonPid(), daemon);
  const app = await hive.json<Described>(['describe', 'rp']);
  assert.deepEqual([app.status, app.ready], ['online', 2]);
});
