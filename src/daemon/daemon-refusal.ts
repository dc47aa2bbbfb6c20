import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * The daemon's exit status when it refuses to start for a reason the user must fix (its metrics port is taken):
 * the command that started it reports the error from daemon.log rather than start it again. EX_CONFIG of sysexits.h.
 */
export const DAEMON_REFUSED_EXIT = 78;

const PREFIX = 'hive daemon: refused to start: ';
// A refusal is the daemon's last line: what follows it in the file is at most another daemon's few lines.
const TAIL_BYTES = 64 * 1024;

/** A typed error's code and message, as the daemon writes it to daemon.log and the CLI reads it back. */
export interface Refusal {
  code: string;
  message: string;
}

/** The daemon.log line of a refusal. */
export function refusalLine(refusal: Refusal): string {
  return `${PREFIX}${JSON.stringify({ code: refusal.code, message: refusal.message })}`;
}

/** The last refusal written to `daemonLog`, or undefined. */
export function lastRefusal(daemonLog: string): Refusal | undefined {
  let text: string;
  try {
    const size = statSync(daemonLog).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    const fd = openSync(daemonLog, 'r');
    try {
      readSync(fd, buffer, 0, buffer.length, start);
    } finally {
      closeSync(fd);
    }
    text = buffer.toString('utf8');
  } catch {
    return undefined;
  }
  const line = text
    .split('\n')
    .reverse()
    .find((l) => l.startsWith(PREFIX));
  if (line === undefined) return undefined;
  try {
    const parsed = JSON.parse(line.slice(PREFIX.length)) as Partial<Refusal>;
    return typeof parsed.code === 'string' && typeof parsed.message === 'string'
      ? { code: parsed.code, message: parsed.message }
      : undefined;
  } catch {
    return undefined;
  }
}
