import { type FileHandle, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { DaemonClient } from '../../daemon/client.js';
import { hivePaths } from '../../daemon/paths.js';
import type { AppInfo, AppLogFile } from '../../daemon/protocol.js';
import { type RotatedLogCopy, rotatedLogCopies } from '../../daemon/rotated-log-name.js';
import { repeatedFlagMessage } from '../../repeated-flag.js';
import { DEFAULT_TIME_FORMAT, formatTime } from '../../time-format.js';
import { parseCommand, printJson, runCommand, UsageError, withDaemon } from '../daemon-command.js';
import { DaemonLogFilter, type DaemonLogLine } from '../daemon-log-lines.js';
import { integerFlag } from '../integer-flag.js';
import { afterLastNewline, bufferReader, lastLinesStart } from '../last-lines.js';
import { refusePm2OnlyFlags } from '../pm2-only-flags.js';
import { logLineSource, rawLogLine } from '../raw-log-line.js';
import { readerCaughtUp } from '../reader-caught-up.js';
import { exitWhenReaderGone } from '../reader-gone.js';
import { stdoutIsStderr } from '../shared-pipe.js';

const usage = `Usage: hive logs [name|id|namespace|all] [--lines N] [-f|--nostream] [--out|--err] [--app-only] [--raw]
                 [--timestamp[=format]] [--json]

Prints the last lines of the app's (a namespace's apps', or every app's) out and error logs, each line prefixed
[app:instance], and the daemon's lines about the app (started, exited, restarting...) from daemon.log, prefixed
"hive | " (with no target, or \`all\`, the daemon's own lines too). Error log lines go to stderr, as PM2's do:
\`hive logs api 2>&1 | grep ...\` searches both.
  --lines <n>   lines per file (default 20)
  -f, --follow  keep printing new lines (Ctrl-C to stop)
  --out         the out logs only (PM2's flag)
  --err         the error logs only (PM2's flag)
  --app-only    leave out the daemon's lines (as --out and --err do)
  --nostream    print and exit, what hive logs does without -f (PM2's flag, for its scripts)
  --raw         the lines as the app wrote them, without the [app:instance] prefix (PM2's flag)
  --timestamp[=format]
                prefix each new line (-f) with the time it is read, in a dayjs format
                (default ${DEFAULT_TIME_FORMAT}; PM2's flag)
  --json        one JSON object per line: {"app","instance","stream","line"} (stream "hive": a daemon line)`;

interface LogFile extends AppLogFile {
  app: string;
  // Follow mode keeps the file open between polls: after a rotation renames it away, what the daemon wrote to it
  // before switching is still read from here (by its inode), then the new file at `path` from its start.
  handle: FileHandle | undefined;
  inode: number;
  offset: number;
  // The bytes after the last newline read: a line still being written (kept as bytes: a UTF-8 character may be cut).
  partial: Buffer;
  // The first and the last bytes read (up to FINGERPRINT each): a file that no longer holds them where they were
  // was truncated (`hive flush`, copytruncate), however far it has grown again since.
  head: Buffer;
  tail: Buffer;
  // The rotated copies of the file there when it was opened, and those printed since: the others are its rotations.
  copies: Set<string>;
  // Whether the open file's own copy was found among them (rotatedSince): the copies made after it are to be read.
  ownCopyFound: boolean;
  // The polls each rotated copy could not be read in (a compressed copy still being written): it is retried.
  failedReads: Map<string, number>;
  // The highest count of the copies listed once the open file was opened: its own copy is counted after it.
  openedAfter: number;
  // The count of the copy to be read next, once known: a copy counted past it means retention removed the ones
  // between before they were read (copies are counted on, never reusing a count: rotated-log-name.ts).
  nextCopy: number | undefined;
}

const FINGERPRINT = 4096;

// How many polls (200 ms apart) a rotated copy that cannot be read is retried in before its lines are given up on.
const COPY_READ_POLLS = 50;

type Print = (file: LogFile, line: string) => void;

// Opens the file at `file.path` (if there is one yet), to be read from its start.
async function reopen(file: LogFile): Promise<void> {
  await file.handle?.close();
  // Only a regular file: `/dev/null` holds nothing, and a pipe has no end to read to (and its lines are its reader's).
  const regular = await stat(file.path).then(
    (found) => found.isFile(),
    () => false,
  );
  // Listed before the file is opened: a copy made after is of this file or a later one, never of the one before.
  file.copies = new Set(regular ? rotatedLogCopies(file.path).map((copy) => copy.path) : []);
  file.ownCopyFound = false;
  file.failedReads = new Map();
  file.handle = regular ? await open(file.path, 'r').catch(() => undefined) : undefined;
  file.inode = file.handle ? (await file.handle.stat()).ino : 0;
  file.openedAfter = highestCount(rotatedLogCopies(file.path));
  file.nextCopy = undefined;
  restart(file);
}

// The highest count of `copies`, 0 for none.
const highestCount = (copies: RotatedLogCopy[]): number => Math.max(0, ...copies.map((copy) => copy.count));

// To read the open file from its start.
function restart(file: LogFile): void {
  file.offset = 0;
  file.partial = Buffer.alloc(0);
  file.head = Buffer.alloc(0);
  file.tail = Buffer.alloc(0);
}

// Keeps the bytes just read (those before file.offset) in the file's fingerprint.
function remember(file: LogFile, bytes: Buffer): void {
  if (file.head.length < FINGERPRINT && file.offset - bytes.length === file.head.length) {
    file.head = Buffer.concat([file.head, bytes.subarray(0, FINGERPRINT - file.head.length)]);
  }
  file.tail = Buffer.from(Buffer.concat([file.tail, bytes]).subarray(-FINGERPRINT));
}

// Whether the open file still holds what was read of it, where it was: false once truncated, even if it has grown
// past the offset again since (reading on from there would print the middle of a line, and miss the lines before).
async function unchanged(file: LogFile, handle: FileHandle): Promise<boolean> {
  if ((await handle.stat()).size < file.offset) return false;
  for (const [at, bytes] of [
    [0, file.head],
    [file.offset - file.tail.length, file.tail],
  ] as const) {
    if (bytes.length === 0) continue;
    const now = Buffer.alloc(bytes.length);
    const { bytesRead } = await handle.read(now, 0, bytes.length, at);
    if (bytesRead < bytes.length || !now.equals(bytes)) return false;
  }
  return true;
}

// Prints the complete lines written since the last read, up to the end of the open file: a read at a time, each once
// the reader took the lines of the one before (a reader that stalls stops the reading, not the memory's growth).
async function readNew(file: LogFile, print: Print): Promise<void> {
  if (!file.handle) return;
  const buffer = Buffer.alloc(64 * 1024);
  for (;;) {
    await readerCaughtUp();
    const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, file.offset);
    if (bytesRead === 0) return;
    // Truncated since the poll's check and grown past the offset again (a flush between the two): these bytes are from
    // the middle of its new lines. Left to the next poll, which finds the truncation and reads the file from its start.
    if (!(await unchanged(file, file.handle))) return;
    file.offset += bytesRead;
    remember(file, buffer.subarray(0, bytesRead));
    const chunk = Buffer.concat([file.partial, buffer.subarray(0, bytesRead)]);
    const end = chunk.lastIndexOf(0x0a);
    file.partial = Buffer.from(chunk.subarray(end + 1));
    if (end !== -1) for (const line of chunk.subarray(0, end).toString('utf8').split('\n')) print(file, line);
  }
}

// One poll of a followed file: new lines, and on rotation the rest of the old file, then the new one from 0.
async function follow(file: LogFile, print: Print): Promise<void> {
  if (!file.handle) {
    await reopen(file);
    return readNew(file, print);
  }
  // Truncated in place (`hive flush`, copytruncate): the same inode; its new lines are read from its start. A line
  // cut short by the truncation is dropped rather than printed in part, unless a copy holds it whole.
  if (!(await unchanged(file, file.handle))) {
    await readCopyRest(file, print);
    restart(file);
  }
  await readNew(file, print);
  const current = await stat(file.path).catch(() => undefined);
  // Missing: mid-rotation (renamed, not yet recreated); the next poll finds the new file.
  if (!current || current.ino === file.inode) return;
  // Rotated: lines written to the old file after the read above come first, and a last unterminated line is done;
  // then the files rotated after it, if the follower fell that far behind; then the new file from its start.
  await readNew(file, print);
  if (file.partial.length > 0) print(file, file.partial.toString('utf8'));
  file.partial = Buffer.alloc(0);
  do {
    for (const copy of await rotatedSince(file)) {
      if (file.nextCopy !== undefined && copy.count > file.nextCopy) {
        removedUnread(file, copy.count - file.nextCopy);
        // Said once, however many polls this copy takes to read.
        file.nextCopy = copy.count;
      }
      const bytes = await readFile(copy.path).catch(() => undefined);
      // Missing though listed: retention removed it, or it is not there yet (rotating-file-stream's touch() creates a
      // copy's name and removes it before the copy is renamed or gzipped there). It is looked for again on the next
      // poll, before the new file; gone only when missing at a second look, listed no more, with no older copy listed
      // (retention removes the oldest first): the next one read is counted past it.
      if (!bytes) {
        const now = rotatedLogCopies(file.path);
        const seenMissing = file.failedReads.has(copy.path);
        if (!seenMissing || now.some((other) => other.path === copy.path || other.count < copy.count)) {
          if (unreadable(file, copy, 'missing')) return;
          continue;
        }
        removedUnread(file, 1);
        done(file, copy);
        continue;
      }
      // An empty plain copy may be touch()'s name, the copy still to be renamed there: read again at the next poll
      // (a rotated copy holds lines: only a file emptied under its stream makes an empty one, read as such then).
      if (bytes.length === 0 && !copy.compressed && !file.failedReads.has(copy.path)) {
        file.failedReads.set(copy.path, 1);
        return;
      }
      const data = copy.compressed ? await gunzipped(bytes) : bytes;
      // Still being compressed (empty, or its gzip stream cut short): read whole on the next poll, before the new file
      // (whose lines are later), and the copies printed so far are not printed again; never taken for all it holds.
      if (!data) {
        if (unreadable(file, copy, 'not gzip data')) return;
        continue;
      }
      const lines = data.toString('utf8').split('\n');
      if (lines.at(-1) === '') lines.pop();
      // The copy is in memory already (up to its rotation size); its lines wait for the reader, not beside it.
      for (const line of lines) {
        print(file, line);
        await readerCaughtUp();
      }
      // Read once all of it was printed.
      done(file, copy);
    }
    // Rotated again while those were read (they take a while, and printing them waits for a slow reader): the copies
    // made meanwhile are read first, as more of the ones missed.
  } while (!(await openRotated(file)));
  await readNew(file, print);
}

/**
 * Opens the file now at `file.path` after the open one was rotated and its copies since were read, to be read from its
 * start, and true; false, opening nothing, when a copy not read yet was made before it was opened: of a file that was
 * at the path after those and was rotated in turn while they were read, whose lines come first. (Listed before the
 * open, as reopen lists them, that copy would count as one from before, and its lines would be skipped.) The opened
 * file's own copy, when it is rotated already, is not one: its lines are read from the open file. True too, opening
 * nothing, when there is no file at the path yet: the old one stays open until the next poll.
 */
async function openRotated(file: LogFile): Promise<boolean> {
  const regular = await stat(file.path).then(
    (found) => found.isFile(),
    () => false,
  );
  const handle = regular ? await open(file.path, 'r').catch(() => undefined) : undefined;
  // No new file yet (the one the copies were read up to was rotated in turn, and rotating-file-stream creates the
  // next after its gzip and its retention): the old one stays open, and the next poll reads the copies made by then
  // and opens the new file. Opening none here would leave the file to reopen(), which takes every copy there then as
  // one from before it: all the copies made until that poll (a dozen under a flood) would never be read.
  if (!handle) return true;
  const inode = (await handle.stat()).ino;
  const listed = rotatedLogCopies(file.path);
  const unseen = listed.filter((copy) => !file.copies.has(copy.path));
  const inodes = await Promise.all(
    unseen.map((copy) =>
      stat(copy.path).then(
        (found) => found.ino,
        () => 0,
      ),
    ),
  );
  if (inodes.some((copyInode) => copyInode !== inode)) {
    await handle.close();
    return false;
  }
  await file.handle?.close();
  file.handle = handle;
  file.inode = inode;
  file.ownCopyFound = false;
  file.failedReads = new Map();
  file.openedAfter = highestCount(listed);
  restart(file);
  return true;
}

// A rotated copy accounted for: read (or given up on); the next one read is counted after it.
function done(file: LogFile, copy: RotatedLogCopy): void {
  file.copies.add(copy.path);
  file.failedReads.delete(copy.path);
  file.nextCopy = copy.count + 1;
}

/**
 * A listed copy that could not be read this poll: true to try it again on the next (the poll ends there, its later
 * copies and the new file after it); false once it stayed unreadable for COPY_READ_POLLS polls, given up on, said once.
 */
function unreadable(file: LogFile, copy: RotatedLogCopy, why: string): boolean {
  const failed = (file.failedReads.get(copy.path) ?? 0) + 1;
  file.failedReads.set(copy.path, failed);
  if (failed < COPY_READ_POLLS) return true;
  process.stderr.write(`hive logs: cannot read ${copy.path} (${why}); its lines are skipped\n`);
  done(file, copy);
  return false;
}

// Retention removed `count` copies the follower had not read yet (it fell behind by more than it keeps): said, as
// their lines are missing from what it printed.
function removedUnread(file: LogFile, count: number): void {
  const copies = count === 1 ? '1 rotated copy' : `${count} rotated copies`;
  process.stderr.write(
    `hive logs: ${copies} of ${file.path} ${count === 1 ? 'was' : 'were'} removed before ${count === 1 ? 'it' : 'they'} could be read (raise HIVE_LOG_RETAIN)\n`,
  );
}

// Copied, then truncated (daemon.log's own rotation to daemon.log.1, logrotate's copytruncate): the lines written
// after the last read and before the copy are in the copy only. They are read from it, as `tail -F` would have, when
// `<file>.1` holds what was read of the file where it was (else it is an older copy, or the file was only emptied).
async function readCopyRest(file: LogFile, print: Print): Promise<void> {
  // Nothing read yet: nothing to tell the file's copy from an older one by.
  if (file.offset === 0 || !file.handle) return;
  const copy = await open(`${file.path}.1`, 'r').catch(() => undefined);
  if (!copy) return;
  const own = file.handle;
  try {
    if (!(await unchanged(file, copy))) return;
    file.handle = copy;
    await readNew(file, print);
    if (file.partial.length > 0) print(file, file.partial.toString('utf8'));
  } finally {
    file.handle = own;
    await copy.close();
  }
}

const gunzipped = (bytes: Buffer): Promise<Buffer | undefined> => promisify(gunzip)(bytes).catch(() => undefined);

/**
 * The rotated copies of files that were at `file.path` after the one open (which was rotated first), oldest first:
 * those made since it was opened but its own copy and those before it. When retention has removed its copy, every
 * copy made since is of a later file, and is read.
 */
async function rotatedSince(file: LogFile): Promise<RotatedLogCopy[]> {
  const made = rotatedLogCopies(file.path).filter((copy) => !file.copies.has(copy.path));
  // A poll that read some of them already has the own copy (and those before it) among file.copies.
  if (file.ownCopyFound) return made;
  const own = await ownCopy(file, made);
  for (const copy of made.slice(0, own + 1)) file.copies.add(copy.path);
  file.ownCopyFound = true;
  // Its own copy gone too, it was counted after those listed when it was opened (or is one of them, renamed before
  // it was opened: then one copy removed unread may go unsaid, never one too many).
  file.nextCopy = own === -1 ? file.openedAfter + 2 : made[own]!.count + 1;
  return made.slice(own + 1);
}

/**
 * Which of `made` is the open file's own copy: the file itself renamed (its inode), or a gzipped copy holding the same
 * bytes (gzip writes a new file and removes the old one, which the open handle still reads); -1 when there is none.
 * Not the oldest gzipped copy made since, taken for it: retention may have removed the own copy, and the oldest left
 * is then a later file's, whose lines were never read.
 */
async function ownCopy(file: LogFile, made: RotatedLogCopy[]): Promise<number> {
  const inodes = await Promise.all(
    made.map((copy) =>
      stat(copy.path).then(
        (found) => found.ino,
        () => 0,
      ),
    ),
  );
  const renamed = inodes.indexOf(file.inode);
  if (renamed !== -1 || !file.handle) return renamed;
  const size = (await file.handle.stat()).size;
  // An empty file's copy is empty too: reading it again prints nothing, and another empty copy would match it.
  if (size === 0) return -1;
  let content: Buffer | undefined;
  for (const [i, copy] of made.entries()) {
    if (!copy.compressed) continue;
    const bytes = await readFile(copy.path).catch(() => undefined);
    // gzip's last four bytes are the size of what it holds (mod 2^32): only a copy of the open file's size is unpacked.
    if (!bytes || bytes.length < 18 || bytes.readUInt32LE(bytes.length - 4) !== size % 2 ** 32) continue;
    content ??= await readRange(file.handle, 0, size);
    if ((await gunzipped(bytes))?.equals(content)) return i;
  }
  return -1;
}

/**
 * The last `count` lines of the rotated copies listed when the file was opened, newest copy first, then older ones
 * while lines are short: `hive logs --lines 20` right after a rotation prints the 20 lines before it, not the one or
 * none the new file has yet (`pm2 logs` prints those). A copy that cannot be read (a gzipped one still being written)
 * ends the reading there: the lines of older copies would come with a gap before them.
 */
async function copiedLines(file: LogFile, count: number): Promise<string[]> {
  const lines: string[] = [];
  for (const path of [...file.copies].reverse()) {
    const tail = await lastLinesOfCopy(path, count - lines.length);
    if (!tail) break;
    const copy = tail.toString('utf8').split('\n');
    if (copy.at(-1) === '') copy.pop();
    lines.unshift(...copy);
    if (lines.length >= count) break;
  }
  return lines;
}

// The bytes of a rotated copy's last `count` lines (all of a gzipped one is unpacked to find them, a plain one read
// from its end), undefined when it cannot be read.
async function lastLinesOfCopy(path: string, count: number): Promise<Buffer | undefined> {
  if (path.endsWith('.gz')) {
    const bytes = await readFile(path).catch(() => undefined);
    const data = bytes && (await gunzipped(bytes));
    if (!data) return undefined;
    return data.subarray(await lastLinesStart(bufferReader(data), data.length, count));
  }
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return undefined;
  try {
    const size = (await handle.stat()).size;
    return await readRange(handle, await lastLinesStart(handle, size, count), size);
  } finally {
    await handle.close();
  }
}

/** The log files in $HIVE_HOME/logs as `hive logs -f` began: by path, the file (inode) and its size then. */
interface LogsSnapshot {
  time: number;
  files: Map<string, { inode: number; size: number }>;
}

async function logsSnapshot(): Promise<LogsSnapshot> {
  const dir = hivePaths().logs;
  const files = new Map<string, { inode: number; size: number }>();
  const time = Date.now();
  for (const name of await readdir(dir).catch(() => [])) {
    const found = await stat(join(dir, name)).catch(() => undefined);
    if (found?.isFile()) files.set(join(dir, name), { inode: found.ino, size: found.size });
  }
  return { time, files };
}

/**
 * Opens a file listed while following (an app started since, an instance scaled up) where the lines written since the
 * follow began start: its size then, when it was in the logs folder; else its start, unless it was last written before
 * (an app's own outFile, older lines of an earlier run). A file not there yet is read from its start when it comes.
 */
async function startFrom(file: LogFile, since: LogsSnapshot): Promise<void> {
  await reopen(file);
  if (!file.handle) return;
  const now = await file.handle.stat();
  const then = since.files.get(file.path);
  const offset =
    then !== undefined
      ? then.inode === now.ino && then.size <= now.size
        ? then.size
        : 0
      : now.mtimeMs < since.time
        ? now.size
        : 0;
  await skipTo(file, offset);
}

// Goes on from `offset` in the file opened from its start: the fingerprint of what is before it, as if it had been
// read.
async function skipTo(file: LogFile, offset: number): Promise<void> {
  if (!file.handle) return;
  for (const at of new Set([0, Math.max(0, offset - FINGERPRINT)])) {
    const bytes = Buffer.alloc(Math.min(FINGERPRINT, offset - at));
    const { bytesRead } = await file.handle.read(bytes, 0, bytes.length, at);
    file.offset = at + bytesRead;
    remember(file, bytes.subarray(0, bytesRead));
  }
}

// The bytes of the open file from `start` to `end`.
async function readRange(handle: FileHandle, start: number, end: number): Promise<Buffer> {
  const bytes = Buffer.alloc(Math.max(0, end - start));
  let read = 0;
  while (read < bytes.length) {
    const { bytesRead } = await handle.read(bytes, read, bytes.length - read, start + read);
    if (bytesRead === 0) break;
    read += bytesRead;
  }
  return bytes.subarray(0, read);
}

/** `hive logs`: reads the log files the daemon writes ($HIVE_HOME/logs or the app's outFile/errorFile). */
export default function logs(argv: string[]): Promise<number> {
  // From the first line on: `hive logs | head` may end its reader during the last lines as well as while following.
  exitWhenReaderGone();
  return runCommand('logs', async () => {
    const { timeFormat, rest } = takeTimestamp(argv);
    refusePm2OnlyFlags('logs', rest);
    const { values, positionals } = parseCommand(
      rest,
      {
        lines: { type: 'string' },
        follow: { type: 'boolean', short: 'f' },
        out: { type: 'boolean' },
        err: { type: 'boolean' },
        nostream: { type: 'boolean' },
        raw: { type: 'boolean' },
        'app-only': { type: 'boolean' },
      },
      { command: 'logs', min: 0, max: 1 },
    );
    if (values.help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    // PM2's `logs` follows unless --nostream; Hive's does not unless -f: the flag is taken, and means the default.
    if (values.nostream && values.follow) throw new UsageError('--nostream and --follow contradict each other');
    const lines = integerFlag((values.lines as string | undefined) ?? '20', '--lines', 0, Number.POSITIVE_INFINITY);
    // `all` is every app, as with no target (docs/cli.md: a target may be `all`).
    const target = positionals[0] === 'all' ? undefined : positionals[0];
    // Asked again while following: a daemon gone meanwhile is not started again by it.
    const listApps = (start = true) =>
      withDaemon(
        (client) =>
          target === undefined
            ? client.request<AppInfo[]>('ls')
            : client.request<AppInfo>('describe', { target }).then(
                (a) => [a],
                (error: unknown) => namespaceApps(client, target, error),
              ),
        start,
      );
    // A file read once, however many apps and streams write it (an errorFile that is the outFile): its lines are
    // printed once, as out, or as err under --err (it is the error log too). With `mergeLogs: false`, each instance's
    // files (the daemon lists them).
    const logFiles = (apps: AppInfo[]): LogFile[] =>
      apps
        .flatMap((app) => app.logs.map((file) => ({ ...file, app: app.name })))
        // Both flags, or neither: both logs. Kept by stream before the repeats go, so that --err keeps a shared file.
        .filter((file) => values.out === values.err || (file.stream === 'out' ? values.out : values.err))
        .filter((file, i, all) => all.findIndex((other) => other.path === file.path) === i)
        .map(logFile);
    // Before the apps are listed: an app started in between is either listed or in the snapshot, never missed.
    const since = values.follow ? await logsSnapshot() : undefined;
    const apps = (await listApps())!;
    const files = logFiles(apps);
    // The daemon's lines about the apps (as `pm2 logs` shows PM2's): not with one log asked for (--out, --err).
    const daemon =
      values['app-only'] || values.out || values.err
        ? undefined
        : {
            file: logFile({ app: '', stream: 'out', path: hivePaths().daemonLog, instance: null, raw: true }),
            // With no target (or `all`), the daemon's own lines too (an uncaught error of its own): with one, only
            // the lines about the target's apps.
            filter: new DaemonLogFilter(
              apps.map((app) => app.name),
              { daemonLines: target === undefined },
            ),
          };
    // As PM2's, only the lines that come while following are stamped: when the lines already there were written is
    // not known (an app with `time` has it in its lines).
    let following = false;
    // The error lines' stream: stdout when both are one pipe (see stdoutIsStderr), so that no line is cut by another.
    const errors = stdoutIsStderr() ? process.stdout : process.stderr;
    const print: Print = (file, fileLine) => {
      // An instance's own file has its lines as the app wrote them: the prefix its merged file would have is added.
      // (A file all instances share, as PM2 shares a path it gives no suffix, cannot say whose a line is.)
      const line = file.raw
        ? values.raw || file.instance === null
          ? fileLine
          : `[${file.app}:${file.instance}] ${fileLine}`
        : values.raw
          ? rawLogLine(fileLine)
          : fileLine;
      const time = following && timeFormat !== undefined ? formatTime(new Date(), timeFormat) : undefined;
      if (values.json) {
        // An instance's own file says whose its lines are; a merged file's lines say it themselves (a file several
        // apps write holds the others' lines too).
        const source = file.instance === null ? logLineSource(fileLine) : undefined;
        const app = source?.app ?? file.app;
        const instance = file.instance ?? source?.instance ?? null;
        printJson({ app, instance, stream: file.stream, ...(time === undefined ? {} : { time }), line });
      } else {
        const text = time === undefined ? line : `${time} ${line}`;
        (file.stream === 'err' ? errors : process.stdout).write(`${text}\n`);
      }
    };
    // A daemon line: on stdout, as PM2's own, marked as Hive's; under --json its stream is `hive`.
    const printDaemon = ({ app, line }: DaemonLogLine): void => {
      const time = following && timeFormat !== undefined ? formatTime(new Date(), timeFormat) : undefined;
      if (values.json) {
        printJson({ app, instance: null, stream: 'hive', ...(time === undefined ? {} : { time }), line });
        return;
      }
      const marked = values.raw ? line : `hive | ${line}`;
      process.stdout.write(`${time === undefined ? marked : `${time} ${marked}`}\n`);
    };
    // The last `count` lines of the file (all of them without `count`; following: its unterminated last line is kept
    // to wait for its end), the file left open at its end when following. Only those lines are read: the end of a
    // 500 MB log, not all of it.
    const readAll = async (file: LogFile, count?: number): Promise<string[]> => {
      await reopen(file);
      const handle = file.handle;
      if (!handle) return [];
      // Kept open only to follow the file, once read: a failed read closes it as the end of the reading does.
      let following = false;
      try {
        // Counted in bytes as read, not re-encoded from text (a file may end inside a character).
        const size = (await handle.stat()).size;
        const end = values.follow ? await afterLastNewline(handle, size) : size;
        const start = count === undefined ? 0 : await lastLinesStart(handle, end, count);
        const text = (await readRange(handle, start, end)).toString('utf8');
        if (values.follow) {
          file.partial = await readRange(handle, end, size);
          await skipTo(file, size);
          following = true;
        }
        const all = text.split('\n');
        if (all.at(-1) === '') all.pop();
        return count === undefined || all.length >= count
          ? all
          : [...(await copiedLines(file, count - all.length)), ...all];
      } finally {
        if (!following) {
          if (file.handle === handle) file.handle = undefined;
          await handle.close().catch(() => {});
        }
      }
    };
    // The last lines about the apps, as many as of each app file.
    const daemonLines = daemon
      ? (await readAll(daemon.file))
          .map((line) => daemon.filter.pick(line))
          .filter((line) => line !== undefined)
          .slice(lines === 0 ? Number.POSITIVE_INFINITY : -lines)
      : [];
    // The instances' files of one app and stream are one group: their lines printed in the order of their times when
    // each has one (`time`), else file after file.
    const groups = new Map<string, LogFile[]>();
    for (const file of files) {
      const key = file.instance === null ? file.path : `${file.app}\0${file.stream}`;
      groups.set(key, [...(groups.get(key) ?? []), file]);
    }
    const header = !values.json && !values.follow && lines > 0;
    // The daemon lines about an app whose out lines all carry their time are printed among them, in time order.
    const merged = new Set<DaemonLogLine>();
    for (const group of groups.values()) {
      const read: { file: LogFile; tail: string[] }[] = [];
      for (const file of group) {
        const all = await readAll(file, lines);
        read.push({ file, tail: lines === 0 ? [] : all.slice(-lines) });
      }
      const timed = read.flatMap(({ file, tail }) =>
        tail.map((line) => ({ time: lineTime(line), show: () => print(file, line) })),
      );
      const app = group[0]!.app;
      const about =
        group[0]!.stream === 'out' && timed.length > 0
          ? daemonLines.filter((line) => line.app === app && !merged.has(line))
          : [];
      if ((read.length > 1 || about.length > 0) && timed.every((entry) => entry.time !== undefined)) {
        const paths = [...group.map((file) => file.path), ...(about.length > 0 ? [daemon!.file.path] : [])];
        if (header) process.stdout.write(`==> ${paths.join(' ')} <==\n`);
        // Stable: lines of one time keep their file's order (a daemon line after the app's of its time).
        timed.sort((a, b) => (a.time as string).localeCompare(b.time as string));
        const shown = [
          ...timed.slice(-lines),
          ...about.map((line) => ({ time: line.time, show: () => printDaemon(line) })),
        ];
        shown.sort((a, b) => (a.time as string).localeCompare(b.time as string));
        for (const entry of shown) entry.show();
        for (const line of about) merged.add(line);
        continue;
      }
      for (const { file, tail } of read) {
        if (header) process.stdout.write(`==> ${file.path} <==\n`);
        for (const line of tail) print(file, line);
      }
    }
    // The others after the apps' lines, as daemon.log's own tail (when the apps' lines were written is not known).
    const unmerged = daemonLines.filter((line) => !merged.has(line));
    if (header && unmerged.length > 0) process.stdout.write(`==> ${daemon!.file.path} <==\n`);
    for (const line of unmerged) printDaemon(line);
    if (!values.follow) return 0;
    following = true;
    if (target === undefined) daemon?.filter.everyApp();
    for (let poll = 1; ; poll++) {
      for (const file of files) await follow(file, print);
      if (daemon) {
        await follow(daemon.file, (_file, line) => {
          const picked = daemon.filter.pick(line);
          if (picked) printDaemon(picked);
        });
      }
      await delay(200);
      // As `pm2 logs`: an app started since (no target, `all`, a namespace), and an instance scaled up
      // (`mergeLogs: false`), have files of their own, followed once listed. An app deleted meanwhile is not listed:
      // its files are read on, harmlessly (they are still there), and come back to life if it is started again.
      if (poll % 10 === 0) {
        const now = await listApps(false).catch(() => undefined);
        for (const app of now ?? []) daemon?.filter.add(app.name);
        for (const file of now === undefined ? [] : logFiles(now)) {
          if (files.some((other) => other.path === file.path)) continue;
          await startFrom(file, since!);
          files.push(file);
        }
      }
    }
  });
}

// A file to read, from its start.
function logFile(file: AppLogFile & { app: string }): LogFile {
  return {
    ...file,
    handle: undefined,
    inode: 0,
    offset: 0,
    partial: Buffer.alloc(0),
    head: Buffer.alloc(0),
    tail: Buffer.alloc(0),
    copies: new Set<string>(),
    ownCopyFound: false,
    failedReads: new Map<string, number>(),
    openedAfter: 0,
    nextCopy: undefined,
  };
}

// The ISO time a line starts with (`time: true`), or a `logFormat: 'json'` line's: lines of several files put in order.
function lineTime(line: string): string | undefined {
  return /^(?:\{"time":")?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)[ "]/.exec(line)?.[1];
}

/**
 * `--timestamp` alone (PM2's default format) or `--timestamp=<format>`, taken out of the arguments: parseArgs has no
 * optional values. PM2 also takes the format as the next argument, which here would be read as the target.
 */
function takeTimestamp(argv: string[]): { timeFormat: string | undefined; rest: string[] } {
  let timeFormat: string | undefined;
  // Whether a format was written out: `--timestamp` twice means one thing, a format beside another is a guess.
  let named = false;
  const rest: string[] = [];
  for (const arg of argv) {
    if (arg !== '--timestamp' && !arg.startsWith('--timestamp=')) {
      rest.push(arg);
      continue;
    }
    const format = arg === '--timestamp' ? DEFAULT_TIME_FORMAT : arg.slice('--timestamp='.length);
    if (format === '') throw new UsageError('expected --timestamp= to be followed by a format, got ""');
    if (timeFormat !== undefined && (named || arg !== '--timestamp')) {
      throw new UsageError(repeatedFlagMessage({ name: 'timestamp', first: timeFormat, second: format }));
    }
    named ||= arg !== '--timestamp';
    timeFormat = format;
  }
  return { timeFormat, rest };
}

/**
 * `hive logs <namespace>` (as `pm2 logs <namespace>`): the apps of the namespace a target that names no app names;
 * `error` (ERR_HIVE_APP_NOT_FOUND, or another) is thrown again when it names none.
 */
async function namespaceApps(client: DaemonClient, target: string, error: unknown): Promise<AppInfo[]> {
  if ((error as { code?: unknown }).code !== 'ERR_HIVE_APP_NOT_FOUND') throw error;
  const apps = (await client.request<AppInfo[]>('ls')).filter((app) => app.namespace === target);
  if (apps.length === 0) throw error;
  return apps;
}
