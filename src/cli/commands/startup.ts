import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDaemonSettings, daemonSettingsOf } from '../../daemon/daemon-settings-env.js';
import type { SavedApp } from '../../daemon/dump.js';
import { dumpRemoved, readSavedApps } from '../../daemon/dump-backup.js';
import { DumpInvalidError, DumpReadError } from '../../daemon/errors.js';
import { hivePaths } from '../../daemon/paths.js';
import { killTimeoutOf, stopTimeout } from '../../daemon/stop-timeout.js';
import { parseCommand, printJson, runCommand, UsageError } from '../daemon-command.js';
import { messageOf } from '../error-line.js';
import { printableLines } from '../printable.js';
import { shellQuote } from '../shell-quote.js';

const usage = `Usage: hive startup [systemd] [--remove] [--json]

Prints a systemd unit that supervises this user's daemon (\`hive resurrect\` at boot, and again after the daemon dies
of a crash, a kill -9 or the OOM killer), and the lines that install it. Writes nothing itself. \`systemd\`, PM2's
platform argument, is the one platform Hive writes for. The daemon's settings set here (HIVE_LOG_*,
HIVE_DAEMON_METRICS_*) go into the unit, checked as the daemon checks them.
  --remove  print the line that stops, disables and removes that unit instead (PM2's \`pm2 unstartup\`:
            \`hive unstartup\`)`;

/** `hive startup`: a systemd unit that runs the daemon, resurrected (run `hive save` first), as PM2's unit does. */
export default function startup(argv: string[]): Promise<number> {
  return runCommand('startup', async () => {
    const { values, positionals } = parseCommand(
      argv,
      { remove: { type: 'boolean' } },
      { command: 'startup', min: 0, max: 1 },
    );
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // PM2's `pm2 startup systemd` habit works; its other init systems (upstart, launchd, rcd, ...) are not written.
    const platform = positionals[0];
    if (platform !== undefined && platform !== 'systemd') {
      throw new UsageError(`${JSON.stringify(platform)}: Hive writes systemd units only (\`hive startup systemd\`)`);
    }
    const user = userInfo().username;
    const paths = hivePaths();
    const otherHome = process.env.HIVE_HOME ? paths.home !== join(homedir(), '.hive') : false;
    const name = `hive-${user}${otherHome ? `-${homeTag(paths.home)}` : ''}`;
    const file = `/etc/systemd/system/${name}.service`;
    if (values.remove) {
      // As PM2's unstartup: the service stopped (the daemon and its apps with it), then no longer started at boot.
      const remove = `sudo systemctl disable --now ${name} && sudo rm ${file} && sudo systemctl daemon-reload`;
      if (values.json) printJson({ file, remove });
      else process.stdout.write(`# Remove the unit of \`hive startup\` (its daemon and apps stop):\n${remove}\n`);
      return 0;
    }
    // The daemon's own settings of this environment, checked as the unit's daemon would at boot: a bad one would have
    // it exit there, after each Restart=, with the apps down. Its error (naming the variable) is said here instead.
    checkDaemonSettings();
    const settings = daemonSettingsOf();
    const warning = sudoWarning(user, paths.dump);
    if (warning !== undefined) warn(warning);
    const stopSec = stopSeconds(await unitApps(paths.dump));
    // fileURLToPath, not the URL's pathname: that keeps a space of the path as `%20`.
    const script = fileURLToPath(new URL('../hive.js', import.meta.url));
    const node = execQuote(process.execPath, `the path of Node.js ${JSON.stringify(process.execPath)}`);
    const hive = `${node} ${execQuote(script, `the path of Hive ${JSON.stringify(script)}`)}`;
    // Absolute (hivePaths resolves it): systemd starts the unit in /, where a relative HIVE_HOME would name another
    // home.
    const homeSource = `HIVE_HOME ${JSON.stringify(paths.home)}`;
    const home = process.env.HIVE_HOME ? `Environment=${quote(`HIVE_HOME=${paths.home}`, homeSource)}\n` : '';
    // Environment= lines, whatever their values hold (a cron line's spaces, an IPv6 zone's `%`), by the rule of HOME's.
    const daemonEnv = settings
      .map(([name, value]) => `Environment=${quote(`${name}=${value}`, `${name} ${JSON.stringify(value)}`)}\n`)
      .join('');
    const path = process.env.PATH ?? '/usr/bin:/bin';
    const userName = unitValue(user, `the user name ${JSON.stringify(user)}`);
    // Type=forking: `hive resurrect` starts the daemon (detached) and exits once the apps are up; the daemon, named by
    // its pid file, is the service's main process. When it dies (a crash, a kill -9, the OOM killer), systemd stops
    // what is left of the unit (its apps' primaries) and runs ExecStart again: PM2's unit. No ExecStop=`hive kill`:
    // after `hive update` (the old daemon exits 0), systemd would run it and kill the NEW daemon, outside the unit,
    // and its apps. A stop is SIGTERM to the daemon alone (KillMode=mixed), which stops every app as `hive kill` does
    // and exits; only what outlives TimeoutStopSec is SIGKILLed, the whole cgroup then.
    // LimitNOFILE and LimitNPROC as PM2's unit: systemd's 1024 open files per process, and the kernel's boot-time
    // count of processes and threads per user (threads-max / 2: a few thousand on a small VM, where every app worker
    // has a dozen threads and a pool more), are low for a server; the unit's TasksMax still bounds its tasks. Not
    // PM2's LimitCORE=infinity: with systemd's soft 0 kept, an app in a crash loop does not write a core of its whole
    // heap (its env secrets with it) into its folder at each restart; an app that wants cores raises its soft limit.
    // TimeoutStartSec=infinity: the start lasts until `hive resurrect` exits, and it starts the apps one after another,
    // each waiting out its first try (AppTable#resurrect): ready, or failed at its listen timeout (10 s by default;
    // the app's primary then stops its workers within its kill timeout), the next tries running in the background.
    // Nine apps waiting at boot for a database would pass systemd's default 90 s: it would kill the unit, and Restart=
    // begin the same again. Resurrect is bounded by those timeouts (and the daemon's 10 s start), app by app, so it ends
    // without systemd's bound; a bound derived here from the dump would go stale at the next `hive save` of more apps,
    // which needs no new unit.
    const unit = `[Unit]
Description=Hive apps of ${userName}${otherHome ? ` (HIVE_HOME ${unitValue(paths.home, homeSource)})` : ''}
After=network.target

[Service]
Type=forking
User=${userName}
LimitNOFILE=infinity
LimitNPROC=infinity
Environment=${quote(`PATH=${path}`, `PATH ${JSON.stringify(path)}`)}
${home}${daemonEnv}PIDFile=${unitValue(paths.pidFile, homeSource)}
Restart=on-failure
ExecStart=${hive} resurrect
ExecReload=${hive} reload all
KillMode=mixed
TimeoutStartSec=infinity
TimeoutStopSec=${stopSec}

[Install]
WantedBy=multi-user.target
`;
    // `hive kill` first: a daemon running now (the usual case, right after `hive save`) is outside the unit, which
    // would refuse its pid file and fail; the unit's resurrect brings the apps back under it.
    // `install -m 644 -o root`, not `mv`: a moved file keeps its owner (this user) and its umask's mode (0664 under
    // the usual 002), and a unit this user (or any app it runs, or its group) can edit is root at the next start.
    // From stdin, never through a file in the current folder: `<name>.service` there, a name known in advance, could be
    // made beforehand (or linked elsewhere) by anyone who can write the folder, and its ExecStart= changed before
    // root installs it. Held in a variable first, not piped straight: a `hive startup` that fails (not on the PATH of
    // the shell it is pasted in) would install an empty unit, and `hive kill` then stop the apps.
    // The line's `hive` commands are given this home: pasted in a shell without HIVE_HOME (a new login), they would
    // write the default home's unit under this one's name and kill the default home's daemon.
    // The daemon's settings likewise, to `hive startup` alone: without them it would write a unit without them.
    const homeWord = otherHome ? `HIVE_HOME=${shellQuote(paths.home)} ` : '';
    const hiveCommand = `${homeWord}hive`;
    const startupCommand = `${homeWord}${settings.map(([name, value]) => `${name}=${shellQuote(value)} `).join('')}hive`;
    const install = `unit="$(${startupCommand} startup)" && printf '%s\\n' "$unit" | sudo install -m 644 -o root -g root /dev/stdin ${file} && ${hiveCommand} kill && sudo systemctl enable --now ${name}`;
    if (values.json) printJson({ unit, file, install });
    else {
      process.stdout.write(
        `${unit}\n# Install (after \`hive save\`; the daemon running now stops and the unit resurrects its apps):\n#   ${install}\n`,
      );
    }
    return 0;
  });
}

/**
 * Said when `sudo hive startup` (PM2's `sudo ... pm2 startup` habit) writes root's unit, which resurrects root's dump,
 * while the user who ran sudo has theirs: root's home holding no dump, the unit would bring nothing back at boot.
 */
function sudoWarning(user: string, dump: string): string | undefined {
  const by = process.env.SUDO_USER;
  if (process.getuid?.() !== 0 || !by || by === user || existsSync(dump)) return undefined;
  return `run by sudo, this is ${user}'s unit: it resurrects ${user}'s saved apps (${dump}), and there are none; for ${by}'s apps, run \`hive startup\` as ${by}, without sudo (it writes nothing itself; the install line it prints uses sudo)`;
}

// Beyond the apps' own stop bounds: the daemon's socket and lock, its exit.
const DAEMON_STOP_MARGIN = 10_000;

/**
 * TimeoutStopSec: how long the daemon may take to stop every app (side by side, each within its stop bound, see
 * stop-timeout.ts) before systemd SIGKILLs the unit, for the apps the unit resurrects. An app's graceful drain must
 * not be cut short by systemd where `hive kill` would have waited for it.
 */
function stopSeconds(apps: readonly SavedApp[]): number {
  let longest = stopTimeout(killTimeoutOf({ runArgs: [] }));
  for (const { spec } of apps) longest = Math.max(longest, stopTimeout(killTimeoutOf(spec)));
  return Math.ceil((longest + DAEMON_STOP_MARGIN) / 1000);
}

/**
 * The apps the unit's resurrect will start, read as it reads them (daemon.ts): none when no dump is there, those of
 * dump.json.bak when dump.json cannot be read (readSavedApps), which is said. A dump that cannot be read, nor its
 * backup, is said too: the unit's bounds are then the default apps', which the saved ones may outlast.
 */
async function unitApps(dump: string): Promise<SavedApp[]> {
  try {
    if (dumpRemoved(dump)) return [];
    return await readSavedApps(dump, (warning) => warn(`the unit's resurrect would read the backup: ${warning}`), {
      command: 'startup',
      state: `the unit is written for apps of the default timeouts (TimeoutStopSec), which the saved apps may outlast`,
    });
  } catch (error) {
    // A dump that cannot be read (DumpReadError) says the way out and what the unit is written for itself; its code
    // as `hive update` and `hive resurrect` print it.
    if (error instanceof DumpReadError) {
      warn(`${error.code}: ${messageOf(error)}`);
      return [];
    }
    const why = error instanceof DumpInvalidError ? messageOf(error) : `cannot read ${dump}: ${messageOf(error)}`;
    warn(
      `${why}; the unit is written for apps of the default timeouts (TimeoutStopSec), which the saved apps may outlast: run \`hive startup\` again once the dump can be read`,
    );
    return [];
  }
}

function warn(warning: string): void {
  process.stderr.write(`hive startup: warning: ${printableLines(warning)}\n`);
}

/**
 * A short stable tag of a HIVE_HOME other than ~/.hive, for the unit's name: one user's two homes (two daemons) get
 * two units rather than one file written over the other. A hash: a path has characters a unit name cannot.
 */
function homeTag(home: string): string {
  return createHash('sha256').update(home).digest('hex').slice(0, 8);
}

// C0 and C1 control characters and DEL (Unicode's Cc): systemd reads a unit a line at a time, so a newline (or a carriage return)
// would end a value's line and what follows would be read as directives of its own; the others are refused with them,
// none being a character a path or a user name is meant to hold.
const CONTROL_CHARACTER = /\p{Cc}/u;

/**
 * The one rule for a value written into the unit (quote and execQuote build on it), bare as in Description=, User= and
 * PIDFile= (a value taken whole, where quotes would be part of it): systemd expands % specifiers in each of them, so `%` is written `%%`. A value with a
 * control character is refused (InvalidArgumentError): `source` names it, for the message.
 */
function unitValue(value: string, source: string): string {
  const control = CONTROL_CHARACTER.exec(value)?.[0];
  if (control !== undefined) {
    const code = control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new UsageError(
      `${source} holds a control character (U+${code}), which a unit cannot hold as written (a newline would end its line, and what follows would be read as directives of its own); use one without control characters`,
    );
  }
  return value.replace(/%/g, '%%');
}

// Environment= and ExecStart= split at spaces unless quoted, and read `\` and `"` as escapes inside the quotes.
function quote(value: string, source: string): string {
  return `"${unitValue(value, source).replace(/[\\"]/g, '\\$&')}"`;
}

// ExecStart= and ExecReload= also expand `$VAR` and `${VAR}`, quoted or not (a path under `/opt/$app` would lose its
// `$app`): `$$` is a literal `$` there. Not in Environment= or PIDFile=, where `$` is literal and `$$` would stay two.
function execQuote(value: string, source: string): string {
  return quote(value, source).replace(/\$/g, '$$$$');
}
