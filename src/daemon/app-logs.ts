import {
  closeSync,
  constants,
  createWriteStream,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readSync,
  type Stats,
  statSync,
} from 'node:fs';
import { chmod, type FileHandle, open, stat, truncate, unlink } from 'node:fs/promises';
import { Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { PassThrough, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { createStream, RotatingFileStream } from 'rotating-file-stream';
import { LOG_FILE_BACKLOG, MAX_OUTPUT_BACKLOG, readerBehind, STDERR_RESERVE } from '../output-backlog.js';
import { formatTime } from '../time-format.js';
import { DaemonLogWriter } from './daemon-log-writer.js';
import { instanceLogPath, instanceLogStem } from './instance-log-path.js';
import { LogBacklog } from './log-backlog.js';
import { daemonLogRotation, type LogRotation } from './log-rotation.js';
import { remakeLogsFolder } from './paths.js';
import type { AppLogFile } from './protocol.js';
import { isRotatedLogCopy, rotatedLogNamer } from './rotated-log-name.js';

/** The process a line came from: a worker (instance and pid), or the primary itself (neither). */
export interface LineSource {
  instance?: number;
  pid?: number;
  /**
   * When the primary read the line from the process (its record's `time`, ms since the epoch): the time the line is
   * stamped with. Absent (a primary's own words, an older primary's record), the daemon's time as it writes it.
   */
  time?: number;
}

/**
 * Log files of one app: out and err, and with `logFile` a third that gets both (PM2's `log_file`), each rotated as
 * `rotation` says (the daemon's `HIVE_LOG_*` settings; 10 MB, 5 kept by default). Writes are buffered, never blocking
 * the daemon. Lines are `[name:instance] line` (`text`, with `time` prefixed by an ISO time, or with `logDateFormat` by
 * the local time in that format and `: `, as PM2 writes it) or, with `logFormat: 'json'`, one object a line:
 * `{"time","app","instance","pid","stream","line"}` (instance and pid absent for the primary's own; `time` in
 * `logDateFormat` when set, as PM2's `timestamp`). The time is the primary's, when it read the line (LineSource's
 * `time`), else the daemon's as it writes it.
 *
 * With `mergeLogs: false` (PM2's `merge_logs` unset in cluster mode) each instance has its own files, named as PM2
 * names them (instanceLogPath), holding its lines without the `[name:instance] ` prefix; the primary's own lines (no
 * instance) go on into the unsuffixed files, opened at the first.
 */
export class AppLogs {
  readonly outFile: string;
  readonly errorFile: string;
  readonly logFile: string | undefined;
  #name: string;
  #perInstance: boolean;
  // Every path opened since the app was made, open or released: flushed and watched for as the open ones.
  #opened = new Set<string>();
  // Every file opened, by path (PM2 configs often give two of them the same one): two rotating streams on one path
  // would each rotate it, and the other would go on writing into the file rotated away; and a line written to "both"
  // of one file would be there twice.
  #open = new Map<string, LogFile>();
  // Per-instance files of earlier runs found on disk (a daemon restarted, an instance scaled away): listed (out and
  // err) and flushed (all) as the open ones.
  #found: AppLogFile[] = [];
  #foundPaths = new Set<string>();
  // The out and err files opened, by stream and path (a file both streams write is listed for each).
  #listed = new Map<string, AppLogFile>();
  #time: boolean;
  #dateFormat: string | undefined;
  #json: boolean;
  #rotation: LogRotation;
  #logsDir: string;
  #closed = false;
  // What the open files' writers hold: a primary's stdout is read at their pace (pace()).
  #backlog = new LogBacklog(() => {
    let pending = 0;
    for (const file of this.#open.values()) pending += file.pending;
    return pending;
  });

  constructor(
    logsDir: string,
    name: string,
    options: {
      outFile?: string;
      errorFile?: string;
      logFile?: string | true;
      time?: boolean;
      logDateFormat?: string;
      logFormat?: 'text' | 'json';
      mergeLogs?: boolean;
      /** This app's own settings (`logRotation`), over the daemon's. */
      logRotation?: Partial<LogRotation>;
    },
  ) {
    this.outFile = options.outFile ?? join(logsDir, `${name}-out.log`);
    this.errorFile = options.errorFile ?? join(logsDir, `${name}-error.log`);
    this.logFile = options.logFile === true ? join(logsDir, `${name}.log`) : options.logFile;
    this.#name = name;
    this.#logsDir = logsDir;
    this.#perInstance = options.mergeLogs === false;
    this.#time = options.time ?? false;
    this.#dateFormat = options.logDateFormat;
    this.#json = options.logFormat === 'json';
    this.#rotation = { ...daemonLogRotation(), ...options.logRotation };
    if (!this.#perInstance) {
      this.open();
      return;
    }
    // Not the combined logFile's: `<name>.log`'s instance files, `<name>-2.log`, are also another app's (`<name>-2`)
    // combined log, which a flush of this app would empty.
    for (const [stream, base] of [
      ['out', this.outFile],
      ['err', this.errorFile],
    ] as const) {
      for (const found of findInstanceLogs(base)) {
        if (this.#found.some((file) => file.stream === stream && file.path === found.path)) continue;
        this.#foundPaths.add(found.path);
        this.#found.push({ stream, path: found.path, instance: found.instance, raw: !this.#json });
      }
    }
  }

  /**
   * Whether the app's lines are written to `path` (absolute): one of its files, an instance's, a rotated copy of one,
   * or rotating-file-stream's list of those (`<file>.txt`). A watch of the folder they are in ignores them: each line
   * the app logs would reload it.
   */
  writesTo(path: string): boolean {
    return this.#files().some(
      (file) => file !== undefined && (file === path || path === `${file}.txt` || isRotatedLogCopy(file, path)),
    );
  }

  /**
   * Whether `path` is a folder on the way to one of its files (`logs` of `logs/out.log`), which the log writer makes
   * when it is missing: its appearance is no change of the app's files for a watch to reload on.
   */
  makesFolder(path: string): boolean {
    return this.#files().some((file) => file?.startsWith(`${path}/`));
  }

  // Every file it writes or wrote: the configured ones, those opened per instance, those found on disk.
  #files(): (string | undefined)[] {
    return [this.outFile, this.errorFile, this.logFile, ...this.#opened, ...this.#foundPaths];
  }

  /**
   * Opens the unsuffixed files up front, as they always were: the files are there once the app is, and once it runs
   * again after release(). With `mergeLogs: false`, each instance's are opened as it starts (openInstance).
   */
  open(): void {
    if (this.#closed || this.#perInstance) return;
    this.#file('out', null);
    this.#file('err', null);
    if (this.logFile !== undefined) this.#file('log', null);
  }

  /**
   * Ends the open files once no process of the app is left to write them (a stop, a job that ended, a primary that
   * crashed), every line written before still written: a stopped app must not keep a log removed or rotated away
   * (its disk space held for good), nor write its next run's first lines into the copy renamed away. A line written
   * after (a late one of an orphan's) opens its file again, as the next run does (open()).
   */
  release(): void {
    for (const file of this.#open.values()) file.end();
    this.#open.clear();
    this.#backlog.progressed();
  }

  /**
   * Reads `pipe`, a primary's stdout, no faster than the app's files are written (LogBacklog), until it ends or is
   * {@link unpace}d.
   */
  pace(pipe: Readable): void {
    this.#backlog.pace(pipe);
  }

  /** Reads `pipe` to its end from now on, however far behind the files' writers are: its primary is leaving. */
  unpace(pipe: Readable): void {
    this.#backlog.release(pipe);
  }

  /** Reads the paced pipes whatever the files' pace until the returned function is called (LogBacklog#hurry). */
  hurry(): () => void {
    return this.#backlog.hurry();
  }

  /** Opens an instance's files (`mergeLogs: false`) as it starts, so that they are there before its first line. */
  openInstance(instance: number): void {
    if (this.#closed || !this.#perInstance) return;
    this.#file('out', instance);
    this.#file('err', instance);
    if (this.logFile !== undefined) this.#file('log', instance);
  }

  /**
   * The files the app's out and error lines are in: outFile and errorFile, or with `mergeLogs: false` each instance's
   * (and the unsuffixed ones once the primary wrote to them), in instance order. A file both streams write is listed
   * for each (`hive logs --err` shows an errorFile that is the outFile; `hive logs` reads it once).
   */
  files(): AppLogFile[] {
    if (!this.#perInstance) {
      return [
        { stream: 'out', path: this.outFile, instance: null, raw: false },
        { stream: 'err', path: this.errorFile, instance: null, raw: false },
      ];
    }
    const all = new Map<string, AppLogFile>();
    for (const file of [...this.#found, ...this.#listed.values()]) {
      const key = `${file.stream}\0${file.path}`;
      if (!all.has(key)) all.set(key, file);
    }
    return [...all.values()].sort(
      (a, b) => (a.instance ?? -1) - (b.instance ?? -1) || (a.stream === b.stream ? 0 : a.stream === 'out' ? -1 : 1),
    );
  }

  /**
   * Writes one line of the app's output to its out or error file, and to the combined file if there is one. `hive`:
   * the line is Hive's own (its primary's), which is written even while the file's writer is behind, when the app's
   * lines are dropped (see LogFile).
   */
  write(stream: 'stdout' | 'stderr', line: string, source: LineSource = {}, hive = false): void {
    if (this.#closed) return;
    const own = this.#perInstance && source.instance !== undefined;
    const text = this.#format(stream, line, source);
    const instance = own ? (source.instance as number) : null;
    const file = this.#file(stream === 'stderr' ? 'err' : 'out', instance);
    // A stderr line in a file the stdout lines share (errorFile as outFile) has the reserve there (LogFile).
    file.write(`${text}\n`, hive, stream === 'stderr' && this.errorFile === this.outFile);
    if (this.logFile === undefined) return;
    const combined = this.#file('log', instance);
    if (combined !== file) combined.write(`${text}\n`, hive, stream === 'stderr');
  }

  // A line as the app's files hold it: text with its prefix (and time), or a JSON object.
  #format(stream: 'stdout' | 'stderr', line: string, source: LineSource): string {
    const now = new Date(source.time ?? Date.now());
    const own = this.#perInstance && source.instance !== undefined;
    let text: string;
    if (this.#json) {
      const { instance, pid } = source;
      const time = this.#dateFormat === undefined ? now.toISOString() : formatTime(now, this.#dateFormat);
      text = JSON.stringify({ time, app: this.#name, instance, pid, stream, line });
    } else {
      // An instance's own file says whose its lines are: they are written as the app wrote them (PM2's), so that an
      // app's JSON lines stay JSON for a log shipper.
      const prefix = own
        ? ''
        : source.instance === undefined
          ? `[${this.#name}] `
          : `[${this.#name}:${source.instance}] `;
      const time =
        this.#dateFormat !== undefined
          ? `${formatTime(now, this.#dateFormat)}: `
          : this.#time
            ? `${now.toISOString()} `
            : '';
      text = `${time}${prefix}${line}`;
    }
    return text;
  }

  /**
   * Empties the app's files in place (`hive flush`), and the per-instance ones of earlier runs, and resolves with the
   * files emptied: regular files only (a pipe or a device holds nothing to empty). The app's lines go on into the
   * emptied files.
   */
  async empty(): Promise<string[]> {
    const files = [...this.#open.values()];
    // A released file (the app stopped) is emptied as one of earlier runs is.
    const others = [...new Set([...this.#opened, ...this.#foundPaths])].filter((path) => !this.#open.has(path));
    const emptied = await Promise.all([
      ...files.map((file) => file.empty()),
      ...others.map((path) =>
        isRegularFile(path)
          ? truncate(path, 0).then(
              () => true,
              () => false,
            )
          : false,
      ),
    ]);
    return [...files.map((file) => file.path), ...others].filter((_, i) => emptied[i]);
  }

  /** True while one of the app's files is rotated: emptying it or opening it again waits for that. */
  get rotating(): boolean {
    return [...this.#open.values()].some((file) => file.rotating);
  }

  /**
   * Opens again, now, the files moved or removed since they were opened (logrotate without `copytruncate`, whose
   * `postrotate` runs `hive reloadLogs` as it ran `pm2 reloadLogs`), as a write notices by itself within a second; and
   * resolves with them once every line written before is in the moved file: logrotate compresses it (and removes it)
   * right after `postrotate`, and a line written to it later would be lost.
   */
  async reopenMoved(): Promise<string[]> {
    const files = [...this.#open.values()];
    const reopened = await Promise.all(files.map((file) => file.reopenIfMoved()));
    return files.filter((_, i) => reopened[i]).map((file) => file.path);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const file of this.#open.values()) file.end();
    this.#backlog.progressed();
  }

  // The file of a stream for an instance (null: the unsuffixed one), opened at the first ask.
  #file(kind: 'out' | 'err' | 'log', instance: number | null): LogFile {
    const base = kind === 'out' ? this.outFile : kind === 'err' ? this.errorFile : (this.logFile as string);
    const path = instance === null ? base : instanceLogPath(base, instance);
    let file = this.#open.get(path);
    if (file === undefined) {
      // The gap in a file whose writer fell behind, said in it as a line of the primary's (PM2 users look for one).
      const mark = (dropped: number, why = 'the app logged faster than this log was written') =>
        this.#format('stderr', `hive: ${dropped} line(s) of the app's output dropped here: ${why}`, {});
      file = new LogFile(path, this.#rotation, mark, this.#logsDir, () => this.#backlog.progressed());
      this.#open.set(path, file);
      this.#opened.add(path);
    }
    if (kind !== 'log' && !this.#listed.has(`${kind}\0${path}`)) {
      // A path PM2 gives no suffix (`/dev/null`, `app.txt`) is every instance's: whose a line is, it does not say.
      const own = path === base ? null : instance;
      this.#listed.set(`${kind}\0${path}`, {
        stream: kind,
        path,
        instance: own,
        raw: instance !== null && !this.#json,
      });
    }
    return file;
  }
}

// The per-instance files of a base path already on disk (of earlier runs): `<stem>-<digits>.log` in its folder.
function findInstanceLogs(base: string): { path: string; instance: number }[] {
  const stem = instanceLogStem(basename(base));
  if (stem === undefined) return [];
  const pattern = new RegExp(`^${escapeRegExp(stem)}-([0-9]+)\\.log$`);
  let names: string[];
  try {
    names = readdirSync(dirname(base));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const match = pattern.exec(name);
    const path = join(dirname(base), name);
    return match && path !== base ? [{ path, instance: Number(match[1]) }] : [];
  });
}

// After a failed write (a full disk, a folder removed) a file's stream is dead for good; a new one is tried this long
// after, so that the app's logs come back once the disk has room, without a retry per line meanwhile.
const REOPEN_DELAY = 1_000;
// After a rotation that failed (its gzip on a full disk), the stream opened again rotates the file again at once, the
// file being still over its size: each failure doubles the wait, up to pm2-logrotate's 30 s between its checks, so that
// a full disk does not cost a read and a gzip of the whole file every second.
const MAX_ROTATION_RETRY_DELAY = 30_000;
// How often, at most, a file being written is checked to still be the one at its path.
const MOVED_CHECK_EVERY = 1_000;

/**
 * One log file: a rotating stream, opened again after a write to it failed (the lines meanwhile are dropped). Its
 * writer is bounded: an app that logs faster than the file (or a pipe's reader) takes its lines must not grow the
 * daemon's memory, so while more than a bound waits to be written (16 MiB for a file, 1 MiB for a pipe, whose reader
 * may stall for good: output-backlog.ts) the app's lines are dropped (never Hive's own), and the gap is written into
 * the file as one line, `mark(n)`, before the next line written (or once the writer has caught up, or as the file is
 * closed, if none comes).
 */
class LogFile {
  #file: string;
  #rotation: LogRotation;
  #mark: (dropped: number, why?: string) => string;
  #stream: Writable | undefined;
  #failedAt = 0;
  // How long after #failedAt a new stream is tried: REOPEN_DELAY, more after failed rotations (#rotationFailures in a
  // row, none once a stream opens its file).
  #retryDelay = REOPEN_DELAY;
  #rotationFailures = 0;
  // The streams that failed in a rotation (#openRotating), for the error handler of #open.
  #failedRotation = new WeakSet<Writable>();
  // Lines dropped since the stream failed, and the error that made it fail (said once, not once per attempt).
  #dropped = 0;
  #failure: string | undefined;
  // Of those, the ones a mark in a write not yet called back counts (#markFailureGap).
  #marked = 0;
  // The inode of the file the stream writes, known once it is open (none while rotating-file-stream rotates it).
  #inode: number | undefined;
  #checkedAt = 0;
  #checking = false;
  // The app's lines dropped while the writer was behind, not yet marked in the file.
  #gap = 0;
  // A pipe's: those dropped since daemon.log said its reader is behind, not yet said to be caught up.
  #pipeDropped = 0;
  // What a stream whose rotation found its file moved away had taken but not written (see #unwritten): written to the
  // new file at the path, first.
  #salvaged = '';
  // The streams that failed a write already: a later write's error is one the stream never attempted.
  #failedWrite = new WeakSet<Writable>();
  // While the file is being emptied: the lines that come meanwhile, written once it is (the app's up to the bound),
  // their size, and the app's lines dropped beyond it.
  #held: { text: string; hive: boolean; stderr: boolean }[] | undefined;
  #heldBytes = 0;
  #heldGap = 0;
  // How far behind its writer may fall before the app's lines are dropped (output-backlog.ts).
  #bound = LOG_FILE_BACKLOG;
  // The lines of this turn of the event loop, not yet written (#batch).
  #batched = '';
  #emptying: Promise<boolean> | undefined;
  // The stream while it rotates (its copy gzipped, which may take long for a large file): its end, which a flush or a
  // reloadLogs waits for, comes after that (see AppTable#flush).
  #rotatingStream: Writable | undefined;
  // While the stream is opened again after its file was truncated under it (#checkMoved).
  #recounting: Promise<void> | undefined;
  #ended = false;
  // The stream whose `drain` is awaited to mark a gap (#markOnDrain).
  #drainWatch: Writable | undefined;

  // The daemon's logs folder (see remakeLogsFolder).
  #logsDir: string;
  // Called as each write is done (LogBacklog).
  #progressed: () => void;

  constructor(
    file: string,
    rotation: LogRotation,
    mark: (dropped: number, why?: string) => string,
    logsDir: string,
    progressed: () => void,
  ) {
    this.#file = file;
    this.#rotation = rotation;
    this.#mark = mark;
    this.#logsDir = logsDir;
    this.#progressed = progressed;
    this.#stream = this.#open();
  }

  /** True while the file is rotated (see #rotatingStream). */
  get rotating(): boolean {
    return this.#rotatingStream !== undefined && this.#rotatingStream === this.#stream;
  }

  get path(): string {
    return this.#file;
  }

  /**
   * The bytes taken and not yet written: what its stream holds, the lines of this turn, those held while the file is
   * emptied. None for a named pipe, whose reader may stall for good: its lines are dropped past its bound, and the
   * app is not held for it.
   */
  get pending(): number {
    if (this.#stream instanceof Socket) return 0;
    return (this.#stream?.writableLength ?? 0) + this.#batched.length + this.#salvaged.length + this.#heldBytes;
  }

  /**
   * Writes `text`; `hive`: Hive's own line, written even while the writer is behind. `stderr`: a line of the app's
   * stderr in a file its stdout lines share (the combined logFile), which may go STDERR_RESERVE past the bound: a
   * stdout flood that keeps the writer at its bound drops its own lines, not the app's error messages with them.
   */
  write(text: string, hive = false, stderr = false): void {
    const reserve = stderr ? STDERR_RESERVE : 0;
    if (this.#held) {
      if (!hive && this.#heldBytes > this.#bound + reserve) {
        this.#heldGap += 1;
        return;
      }
      this.#held.push({ text, hive, stderr });
      this.#heldBytes += text.length;
      return;
    }
    if (!this.#stream) {
      if (Date.now() - this.#failedAt < this.#retryDelay) {
        this.#dropped += 1;
        return;
      }
    }
    const stream = this.#stream ?? this.#reopen();
    this.#checkMoved();
    // A writer that is behind (a pipe's slow reader, a disk slower than the app logs) holds up its lines in the
    // daemon; beyond a bound the app's are dropped, not kept. A pipe's reader is told of in daemon.log as well.
    const pipe = stream instanceof Socket;
    const pending = this.#batched.length + this.#salvaged.length;
    if (!hive && readerBehind(stream, this.#bound + reserve - pending)) {
      if (pipe && this.#pipeDropped === 0) report(`log ${this.#file}: its reader is behind; dropping lines`);
      if (pipe) this.#pipeDropped += 1;
      this.#gap += 1;
      this.#markOnDrain(stream);
      return;
    }
    // Said once the reader has caught up, not at each line that passed in the reserve (or Hive's own) meanwhile.
    if (this.#pipeDropped > 0 && !readerBehind(stream, this.#bound - pending)) {
      report(`log ${this.#file}: writing again (${this.#pipeDropped} line(s) dropped after: its reader is behind)`);
      this.#pipeDropped = 0;
    }
    if (this.#gap > 0) text = `${this.#takeMark()}${text}`;
    if (this.#failure === undefined) {
      this.#batch(text);
      return;
    }
    this.#writeBatch();
    const marked = this.#markFailureGap(text);
    // Said once a line is written again, not when a file opens: a full disk lets a file open and then fails its write.
    this.#send(marked.text, (error, counted) => {
      // Not written: its mark is no app line, and the lines it counted are marked by the next write instead.
      if (error && counted && marked.count > 0) {
        this.#dropped -= 1;
        this.#marked -= marked.count;
      }
      if (error || this.#failure === undefined) return;
      report(`log ${this.#file}: writing again (${this.#dropped} line(s) dropped after: ${this.#failure})`);
      this.#failure = undefined;
      this.#dropped = 0;
      this.#marked = 0;
    });
  }

  // The lines dropped while the file could not be written are marked in it where they are missing, as a gap of a
  // writer behind is: `hive logs <app>` shows it, where daemon.log's report is not the app's. Once: the writes that
  // follow before this one is called back mark only what was dropped after it. A full disk takes the part of a write
  // that fits, and fails the rest: the file may end inside a line, which the mark then does not go on (it would be
  // neither, and with `logFormat: 'json'` not one valid record): the cut line is ended first.
  #markFailureGap(text: string): { text: string; count: number } {
    const count = this.#dropped - this.#marked;
    if (count <= 0) return { text, count: 0 };
    this.#marked += count;
    const mark = this.#mark(count, `this log could not be written (${this.#failure})`);
    return { text: `${endsInsideLine(this.#file) ? '\n' : ''}${mark}\n${text}`, count };
  }

  end(): void {
    this.#ended = true;
    // The app stopped within a gap: it is said all the same.
    if (this.#gap > 0) this.#batched += this.#takeMark();
    this.#writeBatch();
    this.#stream?.end();
    this.#stream = undefined;
  }

  /**
   * Truncates the file to nothing, in place (the inode stays: a `tail -f` or a link keeps following it), and resolves
   * true; false for what is not a regular file. The stream is ended first, so every line written before is in the
   * file before it is emptied, never after; and opened again after, so that rotating-file-stream, which counts the
   * bytes it wrote to know when to rotate, counts from the emptied file (its count would otherwise rotate the file
   * early). Both its and a link's stream open the file O_APPEND anyway: a write lands at the end, whatever the size.
   */
  empty(): Promise<boolean> {
    // After a reopen for a truncation under way, which holds the lines as this would.
    const recounting = this.#recounting;
    this.#emptying ??= (recounting ? recounting.then(() => this.#empty()) : this.#empty()).finally(() => {
      this.#emptying = undefined;
    });
    return this.#emptying;
  }

  // Lines written in one turn of the event loop (a chunk of a primary's output holds many) go to the stream as one
  // write: rotating-file-stream writes each chunk with a write of its own, too slow for an app that logs fast.
  #batch(text: string): void {
    if (this.#batched === '') queueMicrotask(() => this.#writeBatch());
    this.#batched += text;
  }

  // The batch to the stream as it is now.
  #writeBatch(): void {
    const text = this.#batched;
    this.#batched = '';
    if (text !== '') this.#send(text);
  }

  // Writes `text` to the stream; what the stream fails to write is kept or counted as dropped (#unwritten).
  #send(text: string, written?: (error: Error | null | undefined, counted: boolean) => void): void {
    const stream = this.#stream;
    if (stream === undefined) {
      this.#dropped += lineCount(text);
      return;
    }
    stream.write(text, (error) => {
      const counted = error ? this.#unwritten(stream, text) : false;
      written?.(error, counted);
      this.#progressed();
    });
  }

  // A failed stream calls back every write it had taken with its error, in order: first the one it was writing (one
  // at a time, see #openRotating), then those it held, never attempted. Those were lost with the stream, unsaid, the
  // report of the failure counting only the lines that came after (1 MB of them in a flood). After a rotation that
  // found its file moved away, the one it was writing is in the moved file (the rename comes after the write), and
  // the others go to the new file; after any other failure, they count as dropped.
  // True when counted as dropped.
  #unwritten(stream: Writable, text: string): boolean {
    const attempted = !this.#failedWrite.has(stream);
    this.#failedWrite.add(stream);
    if (movedAway(stream.errored)) {
      if (!attempted) this.#salvaged += text;
      return false;
    }
    this.#dropped += lineCount(text);
    return true;
  }

  // A new stream at the path, written first what the failed one had not.
  #reopen(): Writable {
    const stream = this.#open();
    this.#stream = stream;
    const salvaged = this.#salvaged;
    this.#salvaged = '';
    if (salvaged !== '') this.#send(salvaged);
    return stream;
  }

  // A gap that ends the app's output (a burst, then quiet) has no next line to be marked before: the writer catching
  // up marks it, and a pipe's is said to write again. (Behind by more than its high-water mark, a stream emits `drain`
  // once it has written all it held.)
  #markOnDrain(stream: Writable): void {
    if (this.#drainWatch === stream) return;
    this.#drainWatch = stream;
    stream.once('drain', () => {
      if (this.#drainWatch === stream) this.#drainWatch = undefined;
      if (this.#stream === stream && this.#gap > 0 && !this.#held && !this.#ended) this.write('', true);
    });
  }

  // The line that marks the gap so far (with its newline), which is then no longer pending.
  #takeMark(): string {
    const gap = this.#gap;
    this.#gap = 0;
    return `${this.#mark(gap)}\n`;
  }

  async #empty(): Promise<boolean> {
    if (!isRegularFile(this.#file)) return false;
    await this.#reopenAfter(() => truncate(this.#file, 0));
    return true;
  }

  /**
   * Ends the stream and, once every line written before is in the file, runs `between`, then opens a new stream at
   * the path: rotating-file-stream counts the file's size then, not the bytes it wrote before (`hive flush` empties the
   * file in `between`; logrotate's copytruncate had emptied it under the stream). The lines that come meanwhile are
   * held, and written once it is open.
   */
  async #reopenAfter(between?: () => Promise<void>): Promise<void> {
    this.#writeBatch();
    const stream = this.#stream;
    const held: { text: string; hive: boolean; stderr: boolean }[] = [];
    this.#held = held;
    this.#heldBytes = 0;
    this.#heldGap = 0;
    this.#stream = undefined;
    try {
      if (stream) {
        stream.end();
        // A stream that failed meanwhile has nothing more to write.
        await finished(stream).catch(() => {});
      }
      await between?.();
    } finally {
      this.#held = undefined;
      this.#heldBytes = 0;
      // Ended meanwhile (its app deleted or given a new spec): nothing is opened again, and the lines go nowhere, as
      // they would have. A stream that was not there (failed) is opened by the next write as it would have been.
      if (!this.#ended) {
        if (stream) {
          this.#inode = undefined;
          this.#stream = this.#open();
        }
        for (const { text, hive, stderr } of held) this.write(text, hive, stderr);
        // Dropped after the lines held: marked there now, with no later line to mark them before.
        this.#gap += this.#heldGap;
        if (this.#gap > 0 && this.#stream) this.write('', true);
      }
    }
  }

  /** Opens a new file at the path when the file written was moved or removed; true then, once the old one is ended. */
  async reopenIfMoved(): Promise<boolean> {
    const stream = this.#stream;
    const inode = this.#inode;
    if (stream === undefined || inode === undefined || this.#ended || this.#held) return false;
    const now = await stat(this.#file).then(
      (found) => found.ino,
      () => undefined,
    );
    // Replaced meanwhile (a failure, a rotation, the check a write made): nothing left to compare.
    if (stream !== this.#stream || inode !== this.#inode || now === inode) return false;
    this.#reopenMoved(stream, ' (reloadLogs)');
    await finished(stream).catch(() => {});
    return true;
  }

  // The one way both checks above and below open a new file at the path once the written one was moved or removed:
  // the lines batched so far end the old file.
  #reopenMoved(stream: Writable | undefined, why = ''): void {
    report(`log ${this.#file}: moved or removed; writing a new file there${why}`);
    this.#inode = undefined;
    this.#writeBatch();
    stream?.end();
    this.#stream = this.#open();
  }

  // A file moved away (logrotate without copytruncate) or removed (`rm` to free the disk) would be written on unseen,
  // its space never freed: once its path names another file or none, a new file is opened there. One truncated under
  // the stream (logrotate's copytruncate: the same inode) would be rotated early, rotating-file-stream counting the
  // bytes written before the truncation as still in it: once it is shorter than those, the stream is opened again.
  #checkMoved(): void {
    const stream = this.#stream;
    if (this.#inode === undefined || this.#checking || Date.now() - this.#checkedAt < MOVED_CHECK_EVERY) return;
    this.#checking = true;
    this.#checkedAt = Date.now();
    const inode = this.#inode;
    // Taken before the look: every byte it counts is in the file by then, unless the file was truncated.
    const written = stream === undefined ? 0 : bytesWritten(stream);
    void stat(this.#file)
      .then(
        (now) => now,
        () => undefined,
      )
      .then((now) => {
        this.#checking = false;
        // Replaced meanwhile (a failure, a rotation, a flush): there is nothing to compare.
        if (stream !== this.#stream || inode !== this.#inode) return;
        if (now?.ino !== inode) this.#reopenMoved(stream);
        else if (now.size < written) {
          report(`log ${this.#file}: truncated in place; rotation counts from its new size`);
          this.#recounting = this.#reopenAfter().finally(() => {
            this.#recounting = undefined;
          });
        }
      });
  }

  // A named pipe, written through the event loop: a reader that is slow fills the pipe, and a write to it then waits
  // for room (a file stream's write would fail with EAGAIN and drop the lines for a second). Opened without blocking:
  // with no reader, the open fails (ENXIO), said as the stream's error, and is tried again.
  #openPipe(): Writable {
    let fd: number;
    try {
      fd = openSync(this.#file, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      const failed = new PassThrough();
      process.nextTick(() => failed.destroy(error as Error));
      return failed;
    }
    return new Socket({ fd, readable: false, writable: true });
  }

  #openRotating(): RotatingFileStream {
    const { size, maxFiles, compress, interval } = this.#rotation;
    // Removed while the daemon runs: made again private, as at the start, not by rotating-file-stream (0755).
    if (dirname(this.#file) === this.#logsDir) remakeLogsFolder(this.#logsDir);
    // Named so that name order is time order (rotating-file-stream's own names reuse a count freed by retention).
    // The name of the copy a rotation makes: rotating-file-stream says none when the rotation fails.
    const namer = rotatedLogNamer(this.#file, compress);
    let copy: string | undefined;
    let rotating = false;
    const stream = createStream(
      (time, index) => {
        const name = namer(time, index);
        if (rotating && time instanceof Date) copy = join(dirname(this.#file), name);
        return name;
      },
      {
        path: dirname(this.#file),
        size,
        maxFiles,
        mode: 0o600,
        ...(compress ? { compress: 'gzip' } : {}),
        ...(interval === undefined ? {} : { interval }),
      },
    );
    // One chunk at a time (Writable calls _write for each): rotating-file-stream's _writev writes several, rotating
    // after any, and calls them all back with the error of a rotation that failed, so which were written is unknown.
    Reflect.set(stream, '_writev', null);
    if (interval !== undefined) skipEmptyRotation(stream);
    // The mode (and group) of the file rotated away, for the new one: an admin who opened the file up to a log
    // shipper (`chmod 640`) keeps it so. Read as the rotation starts, the file still at its path.
    let kept: { mode: number; gid: number } | undefined;
    stream.on('rotation', () => {
      rotating = true;
      this.#rotatingStream = stream;
      copy = undefined;
      // Not through a link: one put in the file's place would hand its target's mode to the log.
      const found = lstatSync(this.#file, { throwIfNoEntry: false });
      kept = found?.isFile() ? { mode: found.mode & 0o666, gid: found.gid } : undefined;
    });
    stream.on('open', () => {
      const wanted = kept;
      kept = undefined;
      // The handle the stream just opened, not its path: a link swapped in there meanwhile is not followed.
      const handle = Reflect.get(stream, 'file') as FileHandle | undefined;
      if (wanted !== undefined && handle !== undefined) void keepAccess(handle, wanted);
    });
    stream.on('rotated', (filename: string) => {
      rotating = false;
      if (this.#rotatingStream === stream) this.#rotatingStream = undefined;
      // A gzipped copy is a file of its own, made 0600 (a plain one is the file renamed): it gets the file's access too.
      if (compress && kept !== undefined && filename) void keepCopyAccess(filename, kept);
    });
    stream.on('open', () => {
      this.#rotationFailures = 0;
    });
    // Before #open's handler, which reads #failedRotation.
    stream.on('error', (error: Error) => {
      if (this.#rotatingStream === stream) this.#rotatingStream = undefined;
      if (!rotating) return;
      this.#failedRotation.add(stream);
      if (copy !== undefined) this.#discardFailedCopy(copy, error);
    });
    // rotating-file-stream's list of the rotated files it keeps, `<file>.txt` next to the file: left where it is
    // (moved, the copies it lists would never be removed), but made as private as the logs (it writes it 0644).
    stream.on('history', () => {
      void chmod(`${this.#file}.txt`, 0o600).catch(() => {});
    });
    return stream;
  }

  /**
   * A rotation that failed leaves its copy behind: rotating-file-stream removes neither a gzip cut short (a full disk)
   * nor an empty one (the file gone), and lists neither in its history, so retention would never remove them (one a
   * second while the disk stayed full). The copy is removed when the file it was made from is still there (the gzip,
   * or the removal of the file after it, failed: the lines are still in the file, which is rotated again later), or
   * when it is empty; never otherwise: the copy may then hold the only lines of the file (its history, after it, failed
   * to be written).
   */
  #discardFailedCopy(copy: string, error: Error): void {
    const made = statSync(copy, { throwIfNoEntry: false });
    if (made === undefined) return;
    if (made.size > 0 && !isRegularFile(this.#file)) return;
    void unlink(copy).then(
      () => report(`log ${this.#file}: rotation failed (${error.message}); its copy ${basename(copy)} removed`),
      () => {},
    );
  }

  #open(): Writable {
    const kind = fileKind(this.#file);
    const stream: Writable =
      kind === 'pipe'
        ? this.#openPipe()
        : kind === 'plain'
          ? this.#openRotating()
          : // `/dev/null` (PM2's way to keep no log), a link such as `/dev/stdout`: written as they are. Rotation
            // refuses them, and would rename a link itself away (`/dev/stdout`, as root). Not blocking: a link to a
            // pipe that is no named pipe (`/dev/stdout`) does not hold up a thread of the daemon's file I/O. A link
            // whose target is not there yet (`/var/log/app.log` -> `/data/logs/app.log`) has it created through it.
            // (fs.open takes numeric flags; the option's type says string.)
            createWriteStream(this.#file, {
              flags: (kind === 'link' ? appendNonBlocking | constants.O_CREAT : appendNonBlocking) as unknown as string,
              mode: 0o600,
            });
    this.#bound = stream instanceof Socket ? MAX_OUTPUT_BACKLOG : LOG_FILE_BACKLOG;
    if (stream instanceof RotatingFileStream) {
      this.#inode = undefined;
      stream.on('rotation', () => {
        if (this.#stream === stream) this.#inode = undefined;
      });
      stream.on('open', () => {
        if (this.#stream !== stream) return;
        void stat(this.#file).then(
          (opened) => {
            if (this.#stream === stream) this.#inode = opened.ino;
          },
          () => {},
        );
      });
    }
    // A full disk or a removed folder must not take the daemon down; the app keeps running unlogged until a stream
    // opened again can write.
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (this.#stream === stream) {
        this.#stream = undefined;
        // A rotation whose file was moved away meanwhile (logrotate's `create` mode, before the move was noticed)
        // failed that rename only: the path is free, and a new file is opened there, not a second later: now, for
        // the lines the stream had not written, else at the next line.
        const moved = movedAway(error);
        this.#failedAt = moved ? 0 : Date.now();
        // A rotation that failed otherwise would fail again at once: tried again later and later.
        if (this.#failedRotation.has(stream) && !moved) this.#rotationFailures += 1;
        this.#retryDelay =
          this.#rotationFailures === 0
            ? REOPEN_DELAY
            : Math.min(REOPEN_DELAY * 2 ** (this.#rotationFailures - 1), MAX_ROTATION_RETRY_DELAY);
        if (moved && this.#salvaged !== '' && !this.#ended) this.#reopen();
        // A pipe whose reader was behind, and then went: its count is said now, not as the next reader catching up.
        if (this.#pipeDropped > 0)
          report(`log ${this.#file}: ${this.#pipeDropped} line(s) dropped: its reader was behind`);
        this.#pipeDropped = 0;
      }
      if (this.#failure === undefined) {
        this.#failure = error.message;
        report(`log ${this.#file}: ${error.message}`);
      }
    });
    return stream;
  }
}

/**
 * An interval's rotation of an empty file is skipped, the next boundary awaited as before (pm2-logrotate's and
 * logrotate's `notifempty`): a quiet log would otherwise be rotated into an empty copy at every boundary, and
 * retention would soon remove its last copy that holds lines. rotating-file-stream rotates at each boundary whatever
 * the file holds, and has no option not to: its rotate() (private, read as no API gives it) is wrapped on the stream.
 * A rotation by size always finds bytes in the file; one that finds none (the file truncated under the stream) has
 * nothing to rotate either. Left as it is, should the methods go.
 */
function skipEmptyRotation(stream: RotatingFileStream): void {
  const rotate: unknown = Reflect.get(stream, 'rotate');
  const schedule: unknown = Reflect.get(stream, 'interval');
  const clear: unknown = Reflect.get(stream, 'clear');
  if (typeof rotate !== 'function' || typeof schedule !== 'function' || typeof clear !== 'function') return;
  Reflect.set(stream, 'rotate', async () => {
    // The handle it writes (a FileHandle); none while closed, when it rotates as it would have.
    const file = Reflect.get(stream, 'file') as { stat?: () => Promise<Stats> } | undefined;
    const size = await file?.stat?.().then(
      (found) => found.size,
      () => undefined,
    );
    if (size !== 0) return rotate.call(stream);
    // Not rotated: the timer is set for the next boundary, from now, as the open after a rotation sets it.
    clear.call(stream);
    schedule.call(stream);
  });
}

/**
 * Gives the file a rotation made (its open `handle`) the mode and group of the one rotated away: never wider than that
 * one (created 0600, then given its mode); a group the daemon may not give (its user not in it) is left as it is.
 */
async function keepAccess(handle: FileHandle, wanted: { mode: number; gid: number }): Promise<void> {
  const made = await handle.stat().catch(() => undefined);
  if (made === undefined || !made.isFile()) return;
  if (made.gid !== wanted.gid) await handle.chown(-1, wanted.gid).catch(() => {});
  if ((made.mode & 0o777) !== wanted.mode) await handle.chmod(wanted.mode).catch(() => {});
}

// Opened without following a link, as keepAccess is given the stream's own handle: a link put in the copy's place
// would hand its target the log's mode.
async function keepCopyAccess(copy: string, wanted: { mode: number; gid: number }): Promise<void> {
  const handle = await open(copy, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined);
  if (handle === undefined) return;
  await keepAccess(handle, wanted).finally(() => handle.close().catch(() => {}));
}

/**
 * The bytes a rotating stream has written to its file, at least: rotating-file-stream's own count (a private field,
 * read as no API gives it), which takes in a chunk as it starts writing it, less what waits to be called back (that
 * chunk among them). 0 for another stream, or should the field go: nothing is then taken for a truncation.
 */
function bytesWritten(stream: Writable): number {
  const counted: unknown = stream instanceof RotatingFileStream ? Reflect.get(stream, 'size') : undefined;
  return typeof counted === 'number' ? counted - stream.writableLength : 0;
}

// A rotation's rename that failed because the file was no longer at its path.
function movedAway(error: NodeJS.ErrnoException | Error | null | undefined): boolean {
  const failed = error as NodeJS.ErrnoException | null | undefined;
  return failed?.code === 'ENOENT' && failed.syscall === 'rename';
}

function lineCount(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count += 1;
  return count;
}

const appendNonBlocking = constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK;

// 'plain': a regular file, or none yet (rotating-file-stream creates it); 'pipe': a named pipe (or a link to one);
// 'link': a symbolic link to anything else, there or not; 'special': a device.
function fileKind(file: string): 'plain' | 'pipe' | 'link' | 'special' {
  let found: Stats;
  try {
    found = lstatSync(file);
  } catch {
    return 'plain';
  }
  if (found.isFile()) return 'plain';
  try {
    if (statSync(file).isFIFO()) return 'pipe';
  } catch {}
  return found.isSymbolicLink() ? 'link' : 'special';
}

/**
 * Whether the file at `path` is a regular file (or a link to one) whose last byte is not a newline: a write cut short
 * ended it inside a line. Read at once, as the mark that follows is written: only after a failed write, rarely.
 */
function endsInsideLine(path: string): boolean {
  // Not opened unless a regular file: a pipe's or a device's open is not free of effects.
  if (!isRegularFile(path)) return false;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const found = fstatSync(fd);
    if (!found.isFile() || found.size === 0) return false;
    const last = Buffer.alloc(1);
    return readSync(fd, last, 0, 1, found.size - 1) === 1 && last[0] !== 0x0a;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

// A regular file, or a link to one (stat follows links).
function isRegularFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$|()[\]{}\\]/g, '\\$&');
}

// daemon.log too (client.ts): a line that cannot be written is dropped and counted, never thrown (DaemonLogWriter).
const stderr = new DaemonLogWriter(
  2,
  (dropped, failure) =>
    `hive daemon: writing daemon.log again (${dropped} line(s) of the daemon dropped after: ${failure})\n`,
);

function report(line: string): void {
  stderr.write(`hive daemon: ${line}\n`);
}
