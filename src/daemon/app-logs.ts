import { basename, dirname, join } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';

/** Log files of one app: out and err, rotated at 10 MB, 5 kept. Writes are buffered, never blocking the daemon. */
export class AppLogs {
  readonly outFile: string;
  readonly errorFile: string;
  #out: RotatingFileStream;
  #err: RotatingFileStream;
  #time: boolean;
  #closed = false;

  constructor(logsDir: string, name: string, options: { outFile?: string; errorFile?: string; time?: boolean }) {
    this.outFile = options.outFile ?? join(logsDir, `${name}-out.log`);
    this.errorFile = options.errorFile ?? join(logsDir, `${name}-error.log`);
    this.#time = options.time ?? false;
    this.#out = open(this.outFile);
    this.#err = open(this.errorFile);
  }

  /** Writes one line, prefixed `[name:instance]` (and the time, with `time`). */
  write(stream: 'stdout' | 'stderr', prefix: string, line: string): void {
    if (this.#closed) return;
    const text = `${this.#time ? `${new Date().toISOString()} ` : ''}${prefix} ${line}\n`;
    (stream === 'stderr' ? this.#err : this.#out).write(text);
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
