// `hive startup` prints a unit systemd reads as meant: HIVE_HOME absolute (the unit runs in /), values quoted.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { printableLines } from '../../dist/cli/printable.js';
import { hiveBin, tempHome } from '../daemon/helpers.js';

const hive = tempHome();
after(() => hive.cleanup());

test('a relative HIVE_HOME with a space is written absolute and quoted', async () => {
  const cwd = hive.dir;
  const { unit } = await hive.json<{ unit: string }>(['startup'], { cwd, env: { HIVE_HOME: 'my hive' } });
  assert.ok(unit.includes(`Environment="HIVE_HOME=${join(cwd, 'my hive')}"\n`), unit);
  assert.match(unit, /^ExecStart=".+" ".+hive\.js" resurrect$/m);
});

test("PM2's `startup systemd` is accepted; another init system is refused naming the one Hive writes", async () => {
  const plain = await hive.json<{ unit: string }>(['startup']);
  const systemd = await hive.json<{ unit: string }>(['startup', 'systemd']);
  assert.equal(systemd.unit, plain.unit);
  const other = await hive.run(['startup', 'upstart']);
  assert.equal(other.code, 2);
  assert.match(other.stderr, /ERR_HIVE_INVALID_ARGUMENT: "upstart": Hive writes systemd units only/);
});

test('a hive.js path with $, % and a space is escaped for ExecStart (systemd expands $VAR and %x there)', async () => {
  // A copy of this build under such a folder; its packages are this checkout's.
  const root = join(hive.dir, 'a $HOME 100%');
  const dist = new URL('../../dist', import.meta.url).pathname;
  const checkout = new URL('../..', import.meta.url).pathname;
  mkdirSync(root);
  cpSync(dist, join(root, 'dist'), { recursive: true });
  cpSync(join(checkout, 'package.json'), join(root, 'package.json'));
  symlinkSync(join(checkout, 'node_modules'), join(root, 'node_modules'));
  const bin = join(root, 'dist', 'cli', hiveBin.split('/').at(-1)!);
  const result = await hive.run(['startup', '--json'], { bin, env: { HIVE_HOME: join(hive.dir, '$h') } });
  assert.equal(result.code, 0, result.stderr);
  const { unit } = JSON.parse(result.stdout) as { unit: string };
  const escaped = `"${join(hive.dir, 'a $$HOME 100%%', 'dist', 'cli', 'hive.js')}"`;
  assert.ok(unit.includes(`\nExecStart="${process.execPath}" ${escaped} resurrect\n`), unit);
  assert.ok(unit.includes(`\nExecReload="${process.execPath}" ${escaped} reload all\n`), unit);
  // Environment= expands no variable: its `$` stays one.
  assert.ok(unit.includes(`\nEnvironment="HIVE_HOME=${join(hive.dir, '$h')}"\n`), unit);
});

// PM2's habit is `sudo ... pm2 startup`: `sudo hive startup` printed root's unit without a word, a unit that resurrects
// root's dump (none), so the user's apps did not come back at boot.
test('under sudo, a unit that would resurrect no saved app says whose apps it is for', {
  skip: process.getuid?.() !== 0 && 'needs root (run as sudo would)',
}, async () => {
  const other = join(hive.dir, 'root-home');
  const result = await hive.run(['startup'], { env: { HIVE_HOME: other, SUDO_USER: 'me' } });
  assert.equal(result.code, 0, result.stderr);
  const user = userInfo().username;
  assert.equal(
    result.stderr,
    `hive startup: warning: run by sudo, this is ${user}'s unit: it resurrects ${user}'s saved apps (${join(other, 'dump.json')}), and there are none; for me's apps, run \`hive startup\` as me, without sudo (it writes nothing itself; the install line it prints uses sudo)\n`,
  );
  assert.match(result.stdout, new RegExp(`^User=${user}$`, 'm'));
  // Root's own saved apps: the unit is meant.
  mkdirSync(other, { recursive: true });
  writeFileSync(join(other, 'dump.json'), JSON.stringify({ version: 1, apps: [] }));
  assert.equal((await hive.run(['startup'], { env: { HIVE_HOME: other, SUDO_USER: 'me' } })).stderr, '');
  // Not under sudo: nothing to say.
  const plain = await hive.run(['startup'], { env: { HIVE_HOME: join(hive.dir, 'none'), SUDO_USER: '' } });
  assert.equal(plain.stderr, '');
});

// Description= (where systemd expands % specifiers too) named the home as it was: `%n` became the unit's name there.
test('a HIVE_HOME with % is written %% in every value of the unit, Description= too', async () => {
  const home = join(hive.dir, 'h%n x');
  const { unit } = await hive.json<{ unit: string }>(['startup'], { env: { HIVE_HOME: home } });
  const escaped = join(hive.dir, 'h%%n x');
  assert.match(unit, new RegExp(`^Description=Hive apps of .+ \\(HIVE_HOME ${escaped}\\)$`, 'm'));
  assert.ok(unit.includes(`\nEnvironment="HIVE_HOME=${escaped}"\n`), unit);
  assert.ok(unit.includes(`\nPIDFile=${escaped}/daemon.pid\n`), unit);
  assert.doesNotMatch(unit.replaceAll('%%', ''), /%/, 'no specifier left for systemd to expand');
});

// A newline in HIVE_HOME was written as is: what followed it became directives of the unit (ExecStartPre=, User=...).
test('a HIVE_HOME with a newline or another control character is refused, naming HIVE_HOME', async () => {
  for (const [character, code] of [
    ['\n', '000A'],
    ['\r', '000D'],
    ['\t', '0009'],
    ['\u0085', '0085'],
  ] as const) {
    const home = join(hive.dir, `a${character}ExecStartPre=/bin/true`);
    for (const args of [['startup'], ['startup', '--json']]) {
      const result = await hive.run(args, { env: { HIVE_HOME: home } });
      assert.equal(result.code, 2, `${JSON.stringify(character)}: ${result.stdout}`);
      assert.equal(result.stdout, '');
      assert.ok(
        // Printed as every error is, its control characters escaped (JSON leaves U+0085 raw: shown as \x85).
        result.stderr.startsWith(
          printableLines(
            `hive startup: ERR_HIVE_INVALID_ARGUMENT: HIVE_HOME ${JSON.stringify(home)} holds a control character (U+${code}),`,
          ),
        ),
        result.stderr,
      );
    }
  }
});

// The daemon's own settings (HIVE_LOG_*, HIVE_DAEMON_METRICS_*) were left out of the unit: the daemon it starts at boot
// rotated logs by the defaults and served no metrics endpoint, whatever `hive startup` ran with.
const daemonSettings = {
  HIVE_LOG_MAX_SIZE: '50M',
  HIVE_LOG_RETAIN: ' 12 ',
  HIVE_LOG_COMPRESS: 'true',
  // A cron line: spaces, which Environment= splits at unless quoted.
  HIVE_LOG_ROTATE_INTERVAL: '0 0 * * *',
  HIVE_DAEMON_METRICS_PORT: '43017',
  // An IPv6 zone: a `%`, which systemd expands as a specifier unless written `%%`.
  HIVE_DAEMON_METRICS_HOST: 'fe80::1%lo',
};

test("the daemon's HIVE_LOG_* and HIVE_DAEMON_METRICS_* settings are carried as Environment= lines", async () => {
  const { unit, install } = await hive.json<{ unit: string; install: string }>(['startup'], { env: daemonSettings });
  const setting = (line: string) => /^Environment="HIVE_(?!HOME=)/.test(line);
  const lines = unit.split('\n').filter(setting);
  assert.deepEqual(lines, [
    'Environment="HIVE_LOG_MAX_SIZE=50M"',
    // As the daemon reads it: trimmed.
    'Environment="HIVE_LOG_RETAIN=12"',
    'Environment="HIVE_LOG_COMPRESS=true"',
    'Environment="HIVE_LOG_ROTATE_INTERVAL=0 0 * * *"',
    'Environment="HIVE_DAEMON_METRICS_PORT=43017"',
    'Environment="HIVE_DAEMON_METRICS_HOST=fe80::1%%lo"',
  ]);
  // The install line runs `hive startup` again, perhaps in a shell without them: it is given them.
  // (The test's HIVE_HOME is another than ~/.hive: the line's commands are given it first.)
  assert.ok(
    install.startsWith(
      `unit="$(HIVE_HOME=${hive.home} HIVE_LOG_MAX_SIZE=50M HIVE_LOG_RETAIN=12 HIVE_LOG_COMPRESS=true HIVE_LOG_ROTATE_INTERVAL='0 0 * * *' HIVE_DAEMON_METRICS_PORT=43017 HIVE_DAEMON_METRICS_HOST=fe80::1%lo hive startup)" && `,
    ),
    install,
  );
  // Pasted in a shell without them, its `hive startup` writes these lines, each value one shell word.
  const bin = join(hive.dir, 'settings-bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'hive'), `#!/bin/sh\nexec "${process.execPath}" "${hiveBin}" "$@"\n`);
  chmodSync(join(bin, 'hive'), 0o755);
  const shellEnv: NodeJS.ProcessEnv = { ...process.env, PATH: `${bin}:${process.env.PATH}` };
  for (const name of Object.keys(daemonSettings)) delete shellEnv[name];
  const assignment = install.split(' && ')[0]!;
  const pasted = spawnSync('/bin/sh', ['-c', `${assignment} && printf '%s\\n' "$unit"`], {
    env: shellEnv,
    encoding: 'utf8',
  });
  assert.equal(pasted.status, 0, pasted.stderr);
  assert.deepEqual(pasted.stdout.split('\n').filter(setting), lines);
  // Unset or empty: the daemon's default, and no line.
  const none = await hive.json<{ unit: string }>(['startup'], {
    env: { HIVE_LOG_MAX_SIZE: '', HIVE_LOG_RETAIN: '  ', HIVE_DAEMON_METRICS_PORT: '' },
  });
  assert.doesNotMatch(none.unit, /HIVE_LOG|HIVE_DAEMON/);
});

test('a daemon setting the daemon would refuse fails `hive startup` with its error, naming the variable', async () => {
  for (const [env, error] of [
    [{ HIVE_LOG_RETAIN: '0' }, 'ERR_HIVE_LOG_ROTATION: Expected HIVE_LOG_RETAIN to be a whole number'],
    [{ HIVE_LOG_ROTATE_INTERVAL: '7m' }, 'ERR_HIVE_LOG_ROTATION: Expected HIVE_LOG_ROTATE_INTERVAL to be daily'],
    [{ HIVE_DAEMON_METRICS_PORT: '70000' }, 'ERR_HIVE_DAEMON_METRICS: Expected HIVE_DAEMON_METRICS_PORT to be a port'],
    [{ HIVE_DAEMON_METRICS_HOST: '::1' }, 'ERR_HIVE_DAEMON_METRICS: HIVE_DAEMON_METRICS_HOST is set'],
  ] as const) {
    for (const args of [['startup'], ['startup', '--json']]) {
      const result = await hive.run(args, { env });
      assert.equal(result.code, 1, `${JSON.stringify(env)}: ${result.stdout}`);
      assert.equal(result.stdout, '');
      assert.ok(result.stderr.startsWith(`hive startup: ${error}`), result.stderr);
    }
  }
});
