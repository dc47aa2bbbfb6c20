import { pm2ListCommand } from '../pm2-list-command.js';

const usage = `Usage: hive jlist

PM2's \`pm2 jlist\`: every app process as PM2 lists it (pid, name, pm_id, monit, pm2_env: status, restart_time,
pm_uptime, exec_mode...), one JSON array on one line. Without the apps' environments. No daemon running: [].
Hive's own view of the apps is \`hive ls --json\`.`;

/** `hive jlist`: PM2's process list as one JSON line. */
export default function jlist(argv: string[]): Promise<number> {
  return pm2ListCommand('jlist', usage, argv, (list) => JSON.stringify(list));
}
