import {
  type Dirent,
  type FSWatcher,
  lstatSync,
  readdirSync,
  realpathSync,
  type Stats,
  statSync,
  watch,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { WatchLimitError, watchLimitMessage } from './errors.js';

// Editors and `git checkout` touch many files at once: one reload for a burst. An app's `watchDelay` replaces it.
export const DEBOUNCE_MS = 500;
// How often a watched folder that is gone (a build's `rm -rf dist`, not there yet at start) is looked for again.
const REAPPEAR_POLL_MS = 1000;
// `.*`: any dot-segment below a watched path (PM2's default: .git, an editor's .swp, .cache, .next), as PM2 ignores
// them; a watched path that is one itself (`--watch=.config`) is not below itself.
const alwaysIgnored = ['node_modules', '.*'];

/**
 * Watches folders (recursively) and calls `onChange` once per burst of changes. A path is ignored when one of its
 * segments below the watched folder is node_modules or starts with a dot (.git, .cache), or it matches an `ignore`
 * entry: an entry without a slash (a name such as `logs`, or a glob such as `*.log`) is matched against each segment
 * of the path, one with a slash (`dist/cache`, `logs/*.gz`) against the path from the watched folder, an absolute one
 * (`/srv/app/data`) against the path itself, and covers what is under a match. Globs: `*` and `?` within a segment,
 * `**` across segments (a trailing `/**` matches the folder itself too), `{a,b}` alternatives, a backslash escapes the
 * next character. A watched path that is a file is watched whatever its name.
 *
 * A watched folder (or file) that is deleted and created again, or replaced (an editor's save by rename), is watched
 * anew: its watcher would see nothing of the new one. One that is not there (at start, or deleted) is watched once
 * it is there (its parent folder's watcher sees it come; a second's poll when that folder is missing too). Either
 * counts as a change.
 *
 * Symbolic links under a watched folder are followed, as chokidar does: a link to a folder is watched as a folder (once
 * per real folder, and never one to a folder it is in: `ln -s .. loop`), one to a file has its target watched.
 *
 * A watched path that cannot be watched because the system's inotify watches are used up (ENOSPC) throws
 * WatchLimitError at start; folders under it that cannot be are told to `warn` (how many, the first, the fix) once
 * per start and per burst of changes, and left unwatched.
 */
export class FileWatcher {
  readonly #onChange: (file: string) => void;
  readonly #skip: (file: string, root: string) => boolean;
  readonly #ignoreFile: (path: string) => boolean;
  readonly #ignoreChange: (path: string) => boolean;
  readonly #folders = new Map<string, WatchedFolder>();
  readonly #debounceMs: number;
  readonly #warn: (message: string) => void;
  // Folders left unwatched (ENOSPC) since the last warning: said once for a start or a burst, not once per folder.
  #unwatched: { folders: number; first: string } | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  /**
   * `debounceMs`: how long the files must stay quiet after a change before `onChange` (PM2's `watch_delay`).
   * `ignoreFile`: whether a file (by absolute path) is ignored as well: the app's own log files. `ignoreChange`:
   * whether a change of that very path (not of what is under it) is no change: a folder made for those files.
   * `warn`: told of folders that cannot be watched (see above).
   */
  constructor(
    paths: string[],
    ignore: string[],
    onChange: (file: string) => void,
    debounceMs = DEBOUNCE_MS,
    ignoreFile: (path: string) => boolean = () => false,
    ignoreChange: (path: string) => boolean = () => false,
    warn: (message: string) => void = () => {},
  ) {
    this.#warn = warn;
    this.#onChange = onChange;
    this.#debounceMs = debounceMs;
    this.#skip = ignoreMatcher([...alwaysIgnored, ...ignore]);
    this.#ignoreFile = ignoreFile;
    this.#ignoreChange = ignoreChange;
    try {
      for (const path of paths) this.#watch(path, true);
    } catch (error) {
      // The caller gets no object to close: what the paths before this one set up (watchers, polls) would run on,
      // calling onChange for good, and each retry would leave more.
      this.close();
      throw error;
    }
    this.#sayUnwatched();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    for (const path of this.#folders.keys()) this.#unwatch(path);
  }

  // (Re)starts watching a folder, or looking for it while it is not there.
  #watch(path: string, initial = false): void {
    this.#unwatch(path);
    if (this.#closed) return;
    const folder: WatchedFolder = {};
    this.#folders.set(path, folder);
    if (!exists(path)) {
      folder.poll = setInterval(() => {
        if (exists(path)) this.#rewatch(path);
      }, REAPPEAR_POLL_MS);
      folder.poll.unref();
      // The poll alone is slower than the debounce: a build's `rm -rf dist && mkdir dist` seen between the two
      // reloaded the app into no folder, then again a second later. Its parent sees it come at once.
      this.#watchParent(path, folder, () => exists(path));
      return;
    }
    try {
      folder.tree = new FolderTree(
        path,
        (file) => this.#skip(file, path) || this.#ignoreFile(join(path, file)),
        (event, file) => {
          // The folder itself deleted: its own watcher names it like one of its files.
          if (event === 'rename' && !exists(path)) {
            this.#rewatch(path);
            return;
          }
          if (file && this.#ignoreChange(join(path, file))) return;
          this.#changed(file || path);
        },
        // Not taking the daemon down. An error with the folder still there (a subfolder it may not read) is left
        // alone: watching anew would meet it again, and each time count as a change.
        () => {
          if (!exists(path)) this.#rewatch(path);
        },
        (unwatched, folders) => this.#noteUnwatched(unwatched, folders),
      );
    } catch (error) {
      // Deleted meanwhile: looked for. Anything else (no inotify watches left) is the caller's to hear at start; later
      // the folder is no longer watched rather than retried in a loop.
      this.#unwatch(path);
      if (!exists(path)) this.#rewatch(path);
      else if (initial) throw isWatchLimit(error) ? new WatchLimitError(path, error) : error;
      else if (isWatchLimit(error)) this.#noteUnwatched(path, 1);
      return;
    }
    // Deleted and created again at once (`rm -rf dist && mkdir dist`, a build's clean step), the folder may never
    // look missing to its own watcher, which stays on the old one and sees nothing more: its parent sees the name
    // come and go.
    this.#watchParent(path, folder);
  }

  // Watches `path`'s name in its parent folder: watched anew when it comes or goes (and `when` holds).
  #watchParent(path: string, folder: WatchedFolder, when: () => boolean = () => true): void {
    try {
      folder.parent = watch(dirname(path), { persistent: false }, (event, name) => {
        if (event === 'rename' && name === basename(path) && when()) this.#rewatch(path);
      });
      folder.parent.on('error', () => {});
    } catch {}
  }

  #noteUnwatched(path: string, folders: number): void {
    if (this.#unwatched === undefined) this.#unwatched = { folders, first: path };
    else this.#unwatched.folders += folders;
  }

  #sayUnwatched(): void {
    const unwatched = this.#unwatched;
    if (unwatched === undefined) return;
    this.#unwatched = undefined;
    const { folders, first } = unwatched;
    const which = folders === 1 ? '1 folder is' : `${folders} folders are`;
    this.#warn(
      `${which} not watched, the first ${first}: ${watchLimitMessage('changes in them do not reload the app')}`,
    );
  }

  // The folder went away or came back: watched anew (or looked for), and that is a change.
  #rewatch(path: string): void {
    if (this.#closed) return;
    this.#watch(path);
    this.#changed(path);
  }

  #unwatch(path: string): void {
    const folder = this.#folders.get(path);
    if (folder === undefined) return;
    folder.tree?.close();
    folder.parent?.close();
    clearInterval(folder.poll);
    this.#folders.delete(path);
  }

  #changed(file: string): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#sayUnwatched();
      this.#onChange(file);
    }, this.#debounceMs);
  }
}

interface WatchedFolder {
  tree?: FolderTree;
  parent?: FSWatcher;
  poll?: NodeJS.Timeout;
}

// A watched path may be a file too (`watch: ['server.js', 'src']`).
function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * One watched path and the folders under it: a plain (non-recursive) watcher per folder, since inotify reports a
 * folder's files to the folder's watcher, and ignored folders are not walked at all. Node's own `recursive` watch on
 * Linux walks everything and watches every file, node_modules included: for a project folder, seconds of a blocked
 * daemon, tens of MB and an inotify watch per file (ENOSPC on a system left at 8192).
 */
class FolderTree {
  readonly #root: string;
  readonly #skip: (file: string) => boolean;
  readonly #onEvent: (event: string, file: string) => void;
  readonly #onError: () => void;
  readonly #onUnwatched: (path: string, folders: number) => void;
  // A watched file's own name is no path below a watched folder: `--watch=.env` watches it.
  readonly #rootIsFolder: boolean;
  // By path relative to the root ('' for the root itself); `real`: a folder's real path (none for a linked file's).
  readonly #watchers = new Map<string, { watcher: FSWatcher; real?: string }>();
  // The real paths of the watched folders: one reached again through a symlink is not watched (nor walked) twice.
  readonly #reals = new Set<string>();

  /**
   * Throws when the root cannot be watched; a folder under it that cannot be is left out, and one left out for ENOSPC
   * told to `onUnwatched` (with how many folders it and those under it are).
   */
  constructor(
    root: string,
    skip: (file: string) => boolean,
    onEvent: (event: string, file: string) => void,
    onError: () => void,
    onUnwatched: (path: string, folders: number) => void,
  ) {
    this.#root = root;
    this.#skip = skip;
    this.#onEvent = onEvent;
    this.#onError = onError;
    this.#onUnwatched = onUnwatched;
    this.#rootIsFolder = isFolder(root);
    this.#add('', realPath(root) ?? root, true);
  }

  close(): void {
    for (const { watcher } of this.#watchers.values()) watcher.close();
    this.#watchers.clear();
    this.#reals.clear();
  }

  #add(folder: string, real: string, isRoot = false): void {
    if (this.#watchers.has(folder) || this.#reals.has(real)) return;
    const path = folder === '' ? this.#root : join(this.#root, folder);
    let watcher: FSWatcher;
    try {
      watcher = watch(path, { persistent: false }, (event, name) => this.#event(folder, event, name));
    } catch (error) {
      if (isRoot) throw error;
      // Said (once for all of them) rather than dropped in silence: saves there would never reload the app.
      if (isWatchLimit(error)) this.#onUnwatched(path, 1 + this.#foldersUnder(folder));
      return;
    }
    watcher.on('error', () => {
      this.#remove(folder);
      this.#onError();
    });
    this.#watchers.set(folder, { watcher, real });
    this.#reals.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(path, { withFileTypes: true });
    } catch {
      // A file (a watched path may be one), or a folder gone meanwhile.
      return;
    }
    for (const entry of entries) {
      this.#addEntry(folder === '' ? entry.name : join(folder, entry.name), entry, join(real, entry.name));
    }
  }

  /**
   * What is at `file` (from the walk, or just created): a folder is watched with what is under it; a symlink is
   * followed, as chokidar does (to a folder: watched as one, unless it is one the link is in, `ln -s .. loop`; to a
   * file: its target watched, of which the link's own folder sees no change). `real`: where it is with its folders'
   * links resolved, not the link's own.
   */
  #addEntry(file: string, kind: Dirent | Stats, real: string): void {
    // Plain files are most of a tree: not matched against the ignore entries for nothing.
    if ((!kind.isDirectory() && !kind.isSymbolicLink()) || this.#skip(file)) return;
    if (kind.isDirectory()) {
      this.#add(file, real);
      return;
    }
    const path = join(this.#root, file);
    const target = realPath(path);
    if (target === undefined) return;
    if (isFolder(target)) {
      if (!isWithin(dirname(real), target)) this.#add(file, target);
      return;
    }
    if (this.#watchers.has(file)) return;
    let watcher: FSWatcher;
    try {
      // Watching the link watches its target (inotify follows it).
      watcher = watch(path, { persistent: false }, (event) => {
        this.#onEvent('change', file);
        // The target replaced (an editor's save by rename): its old file is gone from under this watcher.
        if (event === 'rename') this.#renewEntry(file);
      });
    } catch {
      // Out of watches too (ENOSPC): the folders the walk meets are what is told of, in a count of folders.
      return;
    }
    watcher.on('error', () => this.#remove(file));
    this.#watchers.set(file, { watcher });
  }

  // `file` created, deleted or replaced: what was watched there is closed, what is there now watched.
  #renewEntry(file: string): void {
    this.#remove(file);
    const path = join(this.#root, file);
    let stats: Stats | undefined;
    try {
      stats = lstatSync(path);
    } catch {
      return;
    }
    const parent = realPath(dirname(path));
    if (parent !== undefined) this.#addEntry(file, stats, join(parent, basename(path)));
  }

  // How many folders are under `folder` (not followed through links, not ignored): those left out with it.
  #foldersUnder(folder: string): number {
    let entries: Dirent[];
    try {
      entries = readdirSync(join(this.#root, folder), { withFileTypes: true });
    } catch {
      return 0;
    }
    let count = 0;
    for (const entry of entries) {
      const child = folder === '' ? entry.name : join(folder, entry.name);
      if (entry.isDirectory() && !this.#skip(child)) count += 1 + this.#foldersUnder(child);
    }
    return count;
  }

  #event(folder: string, event: string, name: string | Buffer | null): void {
    if (name === null) {
      this.#onEvent(event, folder);
      return;
    }
    const file = folder === '' ? String(name) : join(folder, String(name));
    if (this.#rootIsFolder && this.#skip(file)) return;
    // A folder or link created (watched from now on, with what it already holds, as the walk at start does) or
    // deleted (its watchers closed).
    if (event === 'rename') this.#renewEntry(file);
    this.#onEvent(event, file);
  }

  #remove(folder: string): void {
    for (const [key, { watcher, real }] of this.#watchers) {
      if (key !== '' && (key === folder || key.startsWith(`${folder}${sep}`))) {
        watcher.close();
        this.#watchers.delete(key);
        if (real !== undefined) this.#reals.delete(real);
      }
    }
  }
}

/**
 * Whether a path is in Hive's home (`$HIVE_HOME`: the daemon's log and dump, every app's log files), which a watched
 * folder may hold (`HIVE_HOME=./home`): each line logged there would be a change, each reload more lines, for ever. A
 * watched path in the home itself is left watched.
 */
export function inHiveHome(home: string, watched: string[]): (path: string) => boolean {
  if (watched.some((path) => isWithin(resolve(path), home))) return () => false;
  return (path) => isWithin(path, home);
}

function isWatchLimit(error: unknown): error is NodeJS.ErrnoException {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOSPC';
}

// Where a path leads with every link resolved; undefined when it leads nowhere (gone, a dangling link).
function realPath(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

// Whether `path` is `folder` or under it.
function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Whether a path relative to the watched folder `root` is ignored by one of `entries` (see FileWatcher). An absolute
 * entry (PM2's `path.join(__dirname, 'data')`, which chokidar matches against absolute paths) is matched against the
 * path from the filesystem's root, in whichever watched folder it is.
 */
export function ignoreMatcher(entries: string[]): (file: string, root: string) => boolean {
  const matchers = entries
    .map((entry) => (isAbsolute(entry) ? entry : entry.replace(/^\.\//, '')).replace(/(?<=.)\/+$/, ''))
    .filter((entry) => entry !== '')
    .map((entry) => ({
      by: isAbsolute(entry) ? ('absolute' as const) : entry.includes('/') ? ('path' as const) : ('segment' as const),
      pattern: globToRegExp(entry),
    }));
  // Each leading part of a path (`a`, `a/b`, `a/b/c`): an entry matching one covers what is under it.
  const prefixes = (path: string) => path.split(sep).map((_, i, segments) => segments.slice(0, i + 1).join('/'));
  return (file, root) => {
    const segments = file.split(sep);
    return matchers.some(({ by, pattern }) => {
      if (by === 'segment') return segments.some((segment) => pattern.test(segment));
      return prefixes(by === 'path' ? file : resolve(root, file)).some((prefix) => pattern.test(prefix));
    });
  };
}

// PM2's ignore_watch takes globs (its docs' example ignores "*.log"); a name with no glob character stays literal.
function globToRegExp(glob: string): RegExp {
  let source = '';
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char === '\\' && i + 1 < glob.length) source += escapeRegExp(glob[++i]!);
    // `cache/**` is the folder and what is under it, as picomatch has it: a folder deleted and made again is a change
    // of that folder, not of a file in it.
    else if (char === '/' && glob.slice(i + 1) === '**') {
      source += '(?:/.*)?';
      break;
    } else if (char === '*' && glob[i + 1] === '*') {
      i++;
      // `**/` also matches no folder at all: `**/x` ignores a top-level x too.
      if (glob[i + 1] === '/') {
        i++;
        source += '(?:.*/)?';
      } else source += '.*';
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '{') {
      braces++;
      source += '(?:';
    } else if (char === '}' && braces > 0) {
      braces--;
      source += ')';
    } else if (char === ',' && braces > 0) source += '|';
    else source += escapeRegExp(char);
  }
  // An unclosed `{` is a literal brace, as in a shell.
  if (braces > 0) return new RegExp(`^${escapeRegExp(glob)}$`);
  return new RegExp(`^${source}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
