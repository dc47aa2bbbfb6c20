import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import { parseCommand, printJson, runCommand, UsageError } from '../daemon-command.js';

const usage = `Usage: hive startup [systemd] [--json]

Prints a systemd unit that runs \`hive resurrect\` at boot for this user, and the lines that install it. Writes
nothing itself. \`systemd\`, PM2's platform argument, is the one platform Hive writes for.`;

/** `hive startup`: a systemd unit for `hive resurrect` (run `hive save` first). */
export default function startup(argv: string[]): Promise<number> {
  return runCommand('startup', usage, async () => {
    const { values, positionals } = parseCommand(argv, {}, { min: 0, max: 1 });
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
    const hive = new URL('../hive.js', import.meta.url).pathname;
    // Absolute: systemd starts the unit in /, where a relative HIVE_HOME would name another home than this one's.
    const home = process.env.HIVE_HOME ? `Environment=${quote(`HIVE_HOME=${resolve(process.env.HIVE_HOME)}`)}\n` : '';
    const unit = `[Unit]
Description=Hive apps of ${user}
After=network.target

[Service]
Type=oneshot
RemainAfterExit=yes
User=${user}
Environment=${quote(`PATH=${process.env.PATH ?? '/usr/bin:/bin'}`)}
${home}ExecStart=${quote(process.execPath)} ${quote(hive)} resurrect
ExecStop=${quote(process.execPath)} ${quote(hive)} kill

[Install]
WantedBy=multi-user.target
`;
    const file = `/etc/systemd/system/hive-${user}.service`;
    const install = `hive startup > hive-${user}.service && sudo mv hive-${user}.service ${file} && sudo systemctl enable --now hive-${user}`;
    if (values.json) printJson({ unit, file, install });
    else process.stdout.write(`${unit}\n# Install (after \`hive save\`):\n#   ${install}\n`);
    return 0;
  });
}

// systemd splits Environment= and ExecStart= at spaces unless quoted, and expands % specifiers.
function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, '\\$&').replace(/%/g, '%%')}"`;
}
