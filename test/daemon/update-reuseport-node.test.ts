// `hive update` under a Node.js that cannot run an app (`--balance reuseport` needs 22.12; nvm back to 20) stopped
// the daemon and its apps, then the app's primary refused to start here, retried for ever, and update exited 0. It
// is refused before anything is stopped, naming the app.
// The other way round, a daemon started under 20 refused `hive start --balance reuseport` run from a shell now on 24
// with "(this is 20.x)", as if of the shell's Node: it now says the daemon's runs 20 and that `hive update` moves it.
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

test('a refusal of the daemon Node, asked from a shell on another, says so and names hive update', {
  skip,
}, async () => {
  // The daemon starts on this Node (without reusePort), with an app that `hive update` must keep.
  const kept = await hive.run(['start', appFixture, '--name', 'kept', '-i', '1'], {
    env: { PORT: String(await freePort()) },
  });
  assert.equal(kept.code, 0, kept.stderr);
  const fromOther = (args: string[]) =>
    hive.run(['start', appFixture, '--name', 'fast', '-i', '2', ...args], {
      node: otherNode,
      env: { PORT: String(port) },
    });
  const port = await freePort();
  const refused = await fromOther(['--balance', 'reuseport']);
  assert.equal(refused.code, 1, refused.stdout);
  const daemonVersion = process.versions.node.replaceAll('.', '\\.');
  assert.match(
    refused.stderr,
    new RegExp(
      `^hive start: ERR_HIVE_APP_OPERATION: app "fast": did not start: ERR_HIVE_BALANCE_UNSUPPORTED: --balance reuseport needs Node\\.js >= 22\\.12 \\(this is ${daemonVersion}\\); use --balance rr or --balance os; the daemon runs Node\\.js ${daemonVersion} \\(this shell's is ${otherVersion.replaceAll('.', '\\.')}\\): \`hive update\` restarts it on this Node, keeping its apps$`,
      'm',
    ),
  );
  // What it says holds: after `hive update` from that shell, the same start succeeds, and the other app is still there.
  assert.equal((await hive.run(['delete', 'fast'], { node: otherNode })).code, 0);
  const updated = await hive.run(['update', '--json'], { node: otherNode });
  assert.equal(updated.code, 0, updated.stderr);
  hive.pids.add((JSON.parse(updated.stdout.trim().split('\n').at(-1)!) as { pid: number }).pid);
  const started = await fromOther(['--balance', 'reuseport']);
  assert.equal(started.code, 0, started.stderr);
  assert.equal((await hive.json<Described>(['describe', 'kept'])).status, 'online');
  // The test below starts its own reuseport apps on this daemon (now on the other Node).
  assert.equal((await hive.run(['delete', 'fast'], { node: otherNode })).code, 0);
});

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
      `^hive update: ERR_HIVE_BALANCE_UNSUPPORTED: "rp" runs --balance reuseport, which needs Node.js >= 22.12 \\(this is ${process.versions.node.replaceAll('.', '\\.')}\\): the daemon \\(pid ${daemon}\\) and its apps are left running(?:, and \\S+ is back as it was)?; run \`hive update\` under a Node\\.js >= 22\\.12, or give it another balance first \\(\`hive delete rp\`, then \`hive start\` it with --balance rr\\)`,
      'm',
    ),
  );
  assert.equal(await hive.daemonPid(), daemon);
  const app = await hive.json<Described>(['describe', 'rp']);
  assert.deepEqual([app.status, app.ready], ['online', 2]);
});

test('hive resurrect from a shell on another Node: an app the daemon Node refused says that hive update moves it', {
  skip,
}, async () => {
  // The daemon (on the other Node since the first test's update) saves its reuseport app; the machine then boots a
  // daemon on this Node (an older unit, an nvm default), and the shell on the other Node resurrects into it.
  assert.equal((await hive.run(['delete', 'parked'], { node: otherNode })).code, 0);
  assert.equal((await hive.run(['save'], { node: otherNode })).code, 0);
  assert.equal((await hive.run(['kill'], { node: otherNode })).code, 0);
  assert.equal((await hive.run(['ping'])).code, 0);
  const resurrected = await hive.run(['resurrect'], { node: otherNode });
  assert.equal(resurrected.code, 0, resurrected.stderr);
  const daemonVersion = process.versions.node.replaceAll('.', '\\.');
  assert.match(
    resurrected.stderr,
    new RegExp(
      `^hive resurrect: app "rp" did not start.*needs Node\\.js >= 22\\.12 \\(this is ${daemonVersion}\\).*; the daemon runs Node\\.js ${daemonVersion} \\(this shell's is ${otherVersion.replaceAll('.', '\\.')}\\): \`hive update\` restarts it on this Node, keeping its apps$`,
      'm',
    ),
  );
  assert.doesNotMatch(resurrected.stderr, /app "kept"/);
});
