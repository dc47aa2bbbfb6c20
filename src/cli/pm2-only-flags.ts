import { UsageError } from './daemon-command.js';

const PM2_IO = 'pm2.io monitoring is not part of Hive (metrics come from hive/runtime and Prometheus): drop the flag';
const AS_USER = "Hive runs apps as the daemon's user: run the daemon as that user (`hive startup` as that user)";

/**
 * Flags of `pm2 start` that `hive start` does not take, each with what to write instead: a PM2 user's flag otherwise
 * met parseArgs's "Unknown option ... place it at the end of the command after '--'", which reads as advice to pass
 * it to the app.
 */
const startFlags: Readonly<Record<string, string>> = {
  cwd: "run `hive start` from that folder, or give the app `cwd` in a config file (PM2's `cwd` key)",
  force: 'an app runs once per name: start the script again under another `--name`',
  f: 'an app runs once per name: start the script again under another `--name`',
  'no-daemon': '`hive run <script>` runs the app in the foreground (as `pm2-runtime` and `pm2 start --no-daemon`)',
  cron: 'the flag is `--cron-restart <pattern>`',
  'source-map-support': '`--node-args=--enable-source-maps`',
  'disable-source-map-support': 'Hive adds no source-map support of its own: drop the flag',
  'instance-var': "give the app `instance_var` in a config file (PM2's key)",
  'shutdown-with-message': "give the app `shutdown_with_message` in a config file (PM2's key)",
  'log-type': '`--log-format json`',
  attach: 'follow its logs with `hive logs <name>` after the start',
  // What PM2 users turn off with it (the per-request instrumentation) is Hive's request counting.
  'no-pmx': "Hive's own request counting is turned off with `--no-http-metrics` (no http_* series, no req/s)",
  'no-automation': PM2_IO,
  'no-vizion': 'Hive collects no version-control metadata: drop the flag',
  'deep-monitoring': PM2_IO,
  trace: PM2_IO,
  'disable-trace': PM2_IO,
  user: AS_USER,
  u: AS_USER,
  uid: AS_USER,
  gid: AS_USER,
};

/** Flags of `pm2 logs` that `hive logs` does not take. */
const logsFlags: Readonly<Record<string, string>> = {
  format: '`--json` gives each line with its app, instance and stream',
  highlight: 'pipe the lines to `grep --color=always <text>`',
};

const byCommand = { start: startFlags, logs: logsFlags } as const;

/**
 * Throws a UsageError (ERR_HIVE_INVALID_ARGUMENT, exit 2) naming the first flag of `pm2 <command>` in `args` (the
 * command's own, before any `--`) that `hive <command>` does not take, with what to do instead.
 */
export function refusePm2OnlyFlags(command: keyof typeof byCommand, args: readonly string[]): void {
  const pm2Flags = byCommand[command];
  for (const arg of args) {
    const match = /^--?([a-z][a-z-]*)(?:=|$)/.exec(arg);
    // A short flag is one letter (`-f`); `-uroot` style is not PM2's.
    if (match === null || (!arg.startsWith('--') && match[1]!.length !== 1)) continue;
    const name = match[1]!;
    if (Object.hasOwn(pm2Flags, name)) {
      const flag = `${arg.startsWith('--') ? '--' : '-'}${name}`;
      throw new UsageError(`${flag} is a flag of \`pm2 ${command}\` that Hive does not take: ${pm2Flags[name]}`);
    }
  }
}
