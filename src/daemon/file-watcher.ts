import { type FSWatcher, statSync, watch } from 'node:fs';
import { basename, dirname, sep } from 'node:path';

// Editors and `git checkout` touch many files at once: one reload for a burst.
const DEBOUNCE_MS = 500;
// How often a watched folder that is gone (a build's `rm -rf dist`, not there yet at start) is looked for again.
const REAPPEAR_POLL_MS = 1000;
const alwaysIgnored = ['node_modules', '.git'];

/**
 * Watches folders (recursively) and calls `onChange` once per burst of changes. A path is ignored when one of its
 * segments is node_modules or .git, or equals or starts with an `ignore` entry (a name such as `logs`, or a relative
 * path such as `dist/cache`).
 *
 * A watched folder (or file) that is deleted and created again, or replaced (an editor's save by rename), is watched
 * anew: its watcher would see nothing of the new one. One that is not there (at start, or deleted) is looked for
 * every second and watched once it is there. Either counts as a change.
 */
export class FileWatcher {
  readonly #onChange: (file: string) => void;
  readonly #skip: (file: string) => boolean;
  readonly #folders = new Map<string, WatchedFolder>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(paths: string[], ignore: string[], onChange: (file: string) => void) {
    this.#onChange = onChange;
    const ignored = [...alwaysIgnored, ...ignore.map((entry) => entry.replace(/^\.\//, '').replace(/\/+$/, ''))];
    this.#skip = (file) => {
      const segments = file.split(sep);
      return ignored.some((entry) => segments.includes(entry) || file === entry || file.startsWith(`${entry}${sep}`));
    };
    for (const path of paths) this.#watch(path, true);
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
      return;
    }
    try {
      folder.tree = watch(path, { recursive: true, persistent: false }, (event, file) => {
        // The folder itself deleted: '' names it.
        if (event === 'rename' && (file === '' || !exists(path))) {
          this.#rewatch(path);
          return;
        }
        if (file === null || this.#skip(String(file))) return;
        this.#changed(String(file));
      });
      // Not taking the daemon down. An error with the folder still there (a subfolder it may not read) is left
      // alone: watching anew would meet it again, and each time count as a change.
      folder.tree.on('error', () => {
        if (!exists(path)) this.#rewatch(path);
      });
    } catch (error) {
      // Deleted meanwhile: looked for. Anything else (no inotify watches left) is the caller's to hear at start; later
      // the folder is no longer watched rather than retried in a loop.
      this.#unwatch(path);
      if (!exists(path)) this.#rewatch(path);
      else if (initial) throw error;
      return;
    }
    // Deleted and created again at once (`rm -rf dist && mkdir dist`, a build's clean step), the folder may never
    // look missing to its own watcher, which stays on the old one and sees nothing more: its parent sees the name
    // come and go.
    try {
      folder.parent = watch(dirname(path), { persistent: false }, (event, name) => {
        if (event === 'rename' && name === basename(path)) this.#rewatch(path);
      });
      folder.parent.on('error', () => {});
    } catch {}
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
    this.#timer = setTimeout(() => this.#onChange(file), DEBOUNCE_MS);
  }
}

interface WatchedFolder {
  tree?: FSWatcher;
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
