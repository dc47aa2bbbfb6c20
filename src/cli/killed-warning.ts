import type { AppInfo } from '../daemon/protocol.js';

/**
 * Writes to stderr one warning per app whose processes the command's operation had to SIGKILL at killTimeout
 * (AppInfo.killed): its drain did not finish, so requests in flight were cut off, and the command still succeeded
 * (exit code 0). Said on stderr, the output stays the table; `--json` callers read the field instead.
 */
export function writeKilledWarnings(command: string, apps: readonly AppInfo[]): void {
  for (const app of apps) {
    const killed = app.killed ?? 0;
    if (killed <= 0) continue;
    // An older daemon's settings may lack it: then the line names no duration rather than a wrong one.
    const timeout = typeof app.settings?.killTimeout === 'number' ? ` (${app.settings.killTimeout} ms)` : '';
    const processes = killed === 1 ? '1 process' : `${killed} processes`;
    process.stderr.write(
      `hive ${command}: warning: app ${JSON.stringify(app.name)}: ${processes} SIGKILLed at killTimeout${timeout}: ` +
        `${killed === 1 ? 'its drain' : 'their drains'} did not finish; see \`hive logs ${app.name}\`\n`,
    );
  }
}
