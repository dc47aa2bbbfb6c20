// PM2's `pm2 env <id>`: the environment an app's processes run in, as the daemon keeps it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { hivePaths } from '../../dist/daemon/paths.js';
import { freePort, get } from '../cluster/helpers.js';
import { appFixture, tempHome, waitFor } from '../daemon/helpers.js';

const hive = tempHome();

interface App {
  id: number;
  status: string;
}

/**
 * `hive env` read back as a shell reads it (`. file` in sh), checking that its assignments come sorted by key: each
 * variable a line assigns, with the value sh gives it.
 */
async function envLines(target: string, shell: Record<string, string> = {}): Promise<Record<string, string>> {
  const result = await hive.run(['env', target], { env: shell });
  assert.equal(result.code, 0, result.stderr);
  return readAsShell(result.stdout);
}

function readAsShell(text: string): Record<string, string> {
  // Keys at a line's start outside any quotes: a quoted value's later lines start with text of the value.
  const keys: string[] = [];
  let quoted = false;
  for (const line of text.split('\n')) {
    const key = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(line)?.[1];
    if (!quoted && key !== undefined) keys.push(key);
    for (let i = 0; i < line.length; i++) {
      if (line[i] === "'") quoted = !quoted;
      else if (line[i] === '\\' && !quoted) i++;
    }
  }
  assert.deepEqual(keys, [...keys].sort(), 'sorted by key');
  const file = join(hive.dir, 'env.sh');
  writeFileSync(file, text);
  const read = spawnSync('/bin/sh', ['-c', `. "$0" && printf '%s\\0' ${keys.map((k) => `"$${k}"`).join(' ')}`, file], {
    env: {},
    cwd: hive.dir,
    encoding: 'utf8',
  });
  assert.equal(read.status, 0, read.stderr);
  const values = read.stdout.split('\0').slice(0, -1);
  assert.equal(values.length, keys.length);
  return Object.fromEntries(keys.map((key, i) => [key, values[i]!]));
}

test('hive env prints the shell environment of the start with the config env over it, by name, id and --json', async () => {
  const none = await hive.run(['env', 'envy']);
  assert.equal(none.code, 1, 'no daemon: no app');
  assert.match(none.stderr, /^hive env: ERR_HIVE_APP_NOT_FOUND: no app named or numbered "envy"/m);
  assert.equal(await hive.daemonPid(), undefined, 'and no daemon started for a question');

  const env = { CONFIG_VAR: 'from config', SHARED: 'config wins', MULTI: 'a=b' };
  const config = hive.writeConfig([{ name: 'envy', script: appFixture, instances: 2, env }], 'hive.config.json');
  const [app] = await hive.json<App[]>(['start', config], { env: { GREETING: 'a', SHARED: 'shell' } });

  const byName = await envLines('envy', { GREETING: 'not this shell' });
  assert.equal(byName.GREETING, 'a', "the start's shell variable");
  assert.equal(byName.CONFIG_VAR, 'from config');
  assert.equal(byName.SHARED, 'config wins', "the config's env over the shell's");
  assert.equal(byName.MULTI, 'a=b', 'a value with = in it whole');
  assert.equal(byName.HIVE_HOME, hive.home, 'the rest of the shell too');
  for (const own of ['HIVE_INSTANCE', 'NODE_APP_INSTANCE', 'HIVE_CLUSTER_SIZE']) {
    assert.equal(byName[own], undefined, `${own} is each process's own, not listed`);
  }
  assert.deepEqual(await envLines(String(app!.id)), byName, 'by id');

  const json = await hive.json<Record<string, string>>(['env', 'envy']);
  assert.deepEqual(json, byName);
  assert.deepEqual(Object.keys(json), Object.keys(byName), '--json sorted by key too');

  const reload = await hive.run(['reload', 'envy', '--update-env'], { env: { GREETING: 'b', SHARED: 'shell 2' } });
  assert.equal(reload.code, 0, reload.stderr);
  const updated = await envLines('envy');
  assert.equal(updated.GREETING, 'b', 'the new shell variable after reload --update-env');
  assert.equal(updated.SHARED, 'config wins');
  assert.equal(updated.CONFIG_VAR, 'from config');

  const all = await hive.run(['env', 'all']);
  assert.equal(all.code, 1, 'one app, not all');
  assert.match(all.stderr, /ERR_HIVE_APP_NOT_FOUND/);
});

// The lines were printed raw: a newline in a value started a line of its own (a command, pasted into a shell), and
// `$(...)`, a backquote or a quote were run or broke the line. sh must read back every value as it is.
test('hive env prints values a POSIX shell reads back as they are; a key no shell can assign is only named', async () => {
  const port = await freePort();
  const env = {
    NEWLINE: 'line one\nPWNED=1',
    SINGLE: "it's",
    DOUBLE: 'say "hi"',
    DOLLAR: '$HOME and $(touch pwned) and `touch pwned` and \\n',
    EMPTY: '',
    SPACES: '  two  ',
    UNICODE: 'héllo wörld',
    PLAIN: 'a/b-c:d,e@f%g+h=i.j',
    'NOT-A-NAME': 'x\ny',
  };
  const config = hive.writeConfig([{ name: 'quoted', script: appFixture, port, env }], 'quoting.config.json');
  await hive.json(['start', config]);
  const text = await hive.run(['env', 'quoted']);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /^PLAIN=a\/b-c:d,e@f%g\+h=i\.j$/m, 'a value with nothing special stays bare');
  assert.match(text.stdout, /^# "NOT-A-NAME" is not a shell variable name: see hive env --json$/m);
  const read = readAsShell(text.stdout);
  const { 'NOT-A-NAME': _, ...named } = env;
  for (const [key, value] of Object.entries(named)) assert.equal(read[key], value, key);
  assert.equal(read.PWNED, undefined, 'no line of its own');
  assert.equal(read['NOT-A-NAME'], undefined);
  assert.equal(existsSync(join(hive.dir, 'pwned')), false, 'nothing in a value was run');
  assert.deepEqual(await hive.json<Record<string, string>>(['env', 'quoted']), { ...read, 'NOT-A-NAME': 'x\ny' });
  await hive.run(['delete', 'quoted']);
});

test('hive env during a reload --update-env shows the environment the app has until the reload takes', async () => {
  const port = await freePort();
  const gate = join(hive.dir, 'gate');
  await hive.json(['start', appFixture, '-i', '2', '--name', 'held', '--port', String(port)], {
    env: { GREETING: 'old' },
  });
  // Instance 0's replacement waits for the gate file, then fails: the reload is under way meanwhile, then aborts.
  const reload = hive.run(['reload', 'held', '--update-env'], {
    env: { GREETING: 'new', BROKEN_INSTANCE: '0', BROKEN_GATE: gate },
  });
  await waitFor(
    async () => (await hive.json<App>(['describe', 'held'])).status === 'reloading',
    'the reload under way',
  );
  const during = await envLines('held');
  assert.equal(during.GREETING, 'old');
  assert.equal(during.BROKEN_INSTANCE, undefined);
  writeFileSync(gate, '');
  assert.notEqual((await reload).code, 0, 'the reload aborted');
  assert.equal((await envLines('held')).GREETING, 'old', 'an aborted reload leaves the environment as it was');
  assert.equal((await get(port)).greeting, 'old');
});

test('hive env of no app is ERR_HIVE_APP_NOT_FOUND, as hive pid', async () => {
  const env = await hive.run(['env', 'nope']);
  const pid = await hive.run(['pid', 'nope']);
  assert.deepEqual([env.code, pid.code], [1, 1]);
  assert.match(env.stderr, /^hive env: ERR_HIVE_APP_NOT_FOUND: no app named or numbered "nope"/m);
  assert.equal(env.stderr.replace('hive env:', ''), pid.stderr.replace('hive pid:', ''));
  const json = await hive.run(['env', 'nope', '--json']);
  assert.deepEqual([json.code, json.stdout], [1, '']);

  const missing = await hive.run(['env']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /ERR_HIVE_INVALID_ARGUMENT: missing argument/);
  const help = await hive.run(['env', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: hive env <name\|id> \[--json\]/);
});

test('hive env gives up on a daemon that never answers, as the other reading commands do', async () => {
  const hung = tempHome();
  mkdirSync(hung.home, { recursive: true, mode: 0o700 });
  const sockets: Socket[] = [];
  // Accepts and reads, never answers: a hung or SIGSTOPped daemon.
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    socket.resume();
  });
  server.listen(hivePaths({ HIVE_HOME: hung.home }).socket);
  await once(server, 'listening');
  try {
    const result = await hung.run(['env', 'api']);
    assert.equal(result.code, 1, `exit code (null: killed after hanging); stderr: ${result.stderr}`);
    assert.match(result.stderr, /^hive env: ERR_HIVE_DAEMON_TIMEOUT: .*within 5000 ms/m);
  } finally {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
});
