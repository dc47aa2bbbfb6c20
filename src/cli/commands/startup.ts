import { userInfo } from 'node:os';
import { parseCommand, printJson, runCommand } from '../daemon-command.js';

const usage = `Usage: hive startup [--json]

Prints a systemd unit that runs \`hive resurrect\` at boot for this user, and the lines that install it. Writes
nothing itself.`;

/** `hive startup`: a systemd unit for `hive resurrect` (run `hive save` first). */
export default function startup(argv: string[]): Promise<number> {
  return runCommand('startup', usage, async () => {
    const { values } = parseCommand(argv, {}, { min: 0, max: 0 });
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const user = userInfo().username;
    const hive = new URL('../hive.js', import.meta.url).pathname;
    const home = process.env.HIVE_HOME ? `Environment=HIVE_HOME=${process.env.HIVE_HOME}\n` : '';
    const unit = `[Unit]
Description=Hive apps of ${user}
After=network.target

[Service]
Type=oneshot
RemainAfterExit=yes
User=${user}
Environment=PATH=${process.env.PATH ?? '/usr/bin:/bin'}
${home}ExecStart=${process.execPath} ${hive} resurrect
ExecStop=${process.execPath} ${hive} kill

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
