import { type FSWatcher, watch } from 'node:fs';
import { sep } from 'node:path';

// Editors and `git checkout` touch many files at once: one reload for a burst.
const DEBOUNCE_MS = 500;
const alwaysIgnored = ['node_modules', '.git'];

/**
 * Watches folders (recursively) and calls `onChange` once per burst of changes. A path is ignored when one of its
 * segments is node_modules or .git, or equals or starts with an `ignore` entry (a name such as `logs`, or a relative
 * path such as `dist/cache`).
 */
export class FileWatcher {
  #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(paths: string[], ignore: string[], onChange: (file: string) => void) {
    const ignored = [...alwaysIgnored, ...ignore.map((entry) => entry.replace(/^\.\//, '').replace(/\/+$/, ''))];
    const skip = (file: string) => {
      const segments = file.split(sep);
      return ignored.some((entry) => segments.includes(entry) || file === entry || file.startsWith(`${entry}${sep}`));
    };
    for (const path of paths) {
      const watcher = watch(path, { recursive: true, persistent: false }, (_event, file) => {
        if (file === null || skip(String(file))) return;
        clearTimeout(this.#timer);
        this.#timer = setTimeout(() => onChange(String(file)), DEBOUNCE_MS);
      });
      // A watched folder that disappears must not take the daemon down.
      watcher.on('error', () => {});
      this.#watchers.push(watcher);
    }
  }

  close(): void {
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers) watcher.close();
    this.#watchers = [];
  }
}
