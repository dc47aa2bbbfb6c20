import { basename, dirname, join } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

/** The process a line came from: a worker (instance and pid), or the primary itself (neither). */
export interface LineSource {
  instance?: number;
  pid?: number;
}

/**
 * Log files of one app: out and err, rotated at 10 MB, 5 kept. Writes are buffered, never blocking the daemon.
 * Lines are `[name:instance] line` (`text`, with `time` prefixed by an ISO time) or, with `logFormat: 'json'`, one
 * object a line: `{"time","app","instance","pid","stream","line"}` (instance and pid absent for the primary's own).
 */
export class AppLogs {
  readonly outFile: string;
  readonly errorFile: string;
  #name: string;
  #out: RotatingFileStream;
  #err: RotatingFileStream;
  #time: boolean;
  #json: boolean;
  #closed = false;

  constructor(
    logsDir: string,
    name: string,
    options: { outFile?: string; errorFile?: string; time?: boolean; logFormat?: 'text' | 'json' },
  ) {
    this.outFile = options.outFile ?? join(logsDir, `${name}-out.log`);
    this.errorFile = options.errorFile ?? join(logsDir, `${name}-error.log`);
    this.#name = name;
    this.#time = options.time ?? false;
    this.#json = options.logFormat === 'json';
    this.#out = open(this.outFile);
    this.#err = open(this.errorFile);
  }

  /** Writes one line of the app's output to its out or error file. */
  write(stream: 'stdout' | 'stderr', line: string, source: LineSource = {}): void {
    if (this.#closed) return;
    let text: string;
    if (this.#json) {
      const { instance, pid } = source;
      text = JSON.stringify({ time: new Date().toISOString(), app: this.#name, instance, pid, stream, line });
    } else {
      const prefix = source.instance === undefined ? `[${this.#name}]` : `[${this.#name}:${source.instance}]`;
      text = `${this.#time ? `${new Date().toISOString()} ` : ''}${prefix} ${line}`;
    }
    (stream === 'stderr' ? this.#err : this.#out).write(`${text}\n`);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#out.end();
    this.#err.end();
  }
}

function open(file: string): RotatingFileStream {
  const stream = createStream(basename(file), { path: dirname(file), size: '10M', maxFiles: 5, mode: 0o600 });
  // A full disk or a removed folder must not take the daemon down; the app keeps running unlogged.
  stream.on('error', (error) => process.stderr.write(`hive daemon: log ${file}: ${error.message}\n`));
  return stream;
}
