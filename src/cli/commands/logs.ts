import { open, readFile, stat } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import type { AppInfo } from '../../daemon/protocol.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from '../daemon-command.js';

const usage = `Usage: hive logs [name|id|all] [--lines N] [-f] [--json]

Prints the last lines of the app's (or every app's) out and error logs, each line prefixed [app:instance].
  --lines <n>   lines per file (default 20)
  -f, --follow  keep printing new lines (Ctrl-C to stop)
  --json        one JSON object per line: {"app","stream","line"}`;

interface LogFile {
  app: string;
  stream: 'out' | 'err';
  path: string;
  offset: number;
}

/** `hive logs`: reads the log files the daemon writes ($HIVE_HOME/logs or the app's outFile/errorFile). */
export default function logs(argv: string[]): Promise<number> {
  return runCommand('logs', usage, async () => {
    const { values, positionals } = parseCommand(
      argv,
      { lines: { type: 'string' }, follow: { type: 'boolean', short: 'f' } },
      { min: 0, max: 1 },
    );
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    const lines = Number(values.lines ?? 20);
    if (!Number.isInteger(lines) || lines < 0) {
      throw new UsageError(`expected --lines to be a non-negative integer, got ${JSON.stringify(values.lines)}`);
    }
    // `all` is every app, as with no target (docs/cli.md: a target may be `all`).
    const target = positionals[0] === 'all' ? undefined : positionals[0];
    const apps = (await withDaemon((client) =>
      target === undefined
        ? client.request<AppInfo[]>('ls')
        : client.request<AppInfo>('describe', { target }).then((a) => [a]),
    ))!;
    const files: LogFile[] = apps.flatMap((app) => [
      { app: app.name, stream: 'out' as const, path: app.outFile, offset: 0 },
      { app: app.name, stream: 'err' as const, path: app.errorFile, offset: 0 },
    ]);
    const print = (file: LogFile, line: string) => {
      if (values.json) printJson({ app: file.app, stream: file.stream, line });
      else (file.stream === 'err' ? process.stderr : process.stdout).write(`${line}\n`);
    };
    for (const file of files) {
      const text = await readFile(file.path, 'utf8').catch(() => '');
      file.offset = Buffer.byteLength(text);
      if (!values.json && !values.follow && files.length > 0 && lines > 0) {
        process.stdout.write(`==> ${file.path} <==\n`);
      }
      const all = text.split('\n');
      if (all.at(-1) === '') all.pop();
      for (const line of lines === 0 ? [] : all.slice(-lines)) print(file, line);
    }
    if (!values.follow) return 0;
    process.stdout.on('error', () => process.exit(0));
    for (;;) {
      for (const file of files) {
        const size = await stat(file.path).then(
          (s) => s.size,
          () => 0,
        );
        // Rotated: the file is new and starts from 0.
        if (size < file.offset) file.offset = 0;
        if (size === file.offset) continue;
        const handle = await open(file.path, 'r');
        try {
          const buffer = Buffer.alloc(size - file.offset);
          await handle.read(buffer, 0, buffer.length, file.offset);
          const text = buffer.toString('utf8');
          const end = text.lastIndexOf('\n');
          if (end === -1) continue;
          file.offset += Buffer.byteLength(text.slice(0, end + 1));
          for (const line of text.slice(0, end).split('\n')) print(file, line);
        } finally {
          await handle.close();
        }
      }
      await delay(200);
    }
  });
}
