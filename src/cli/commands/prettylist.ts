import { pm2ListCommand } from '../pm2-list-command.js';

const usage = `Usage: hive prettylist

PM2's \`pm2 prettylist\`: what \`hive jlist\` prints, indented. No daemon running: [].`;

/** `hive prettylist`: PM2's process list, indented two spaces a level. */
export default function prettylist(argv: string[]): Promise<number> {
  return pm2ListCommand('prettylist', usage, argv, (list) => JSON.stringify(list, null, 2));
}
