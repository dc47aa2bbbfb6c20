// `hive run --watch`: the daemon's watcher (daemon/file-watcher.ts, as `hive start --watch` uses it) in the foreground
// primary, a change reloading the app as SIGHUP does.
import { fstatSync, readlinkSync, type Stats, statSync } from 'node:fs';
import type { Supervisor } from '../cluster/supervisor.js';
import { FileWatcher, inHiveHome } from '../daemon/file-watcher.js';
import { hivePaths } from '../daemon/paths.js';
import type { RunWatch } from './run-args.js';

/**
 * Watches `watch.paths` and reloads the app (rolling, replacement ready first, as on SIGHUP) after each burst of
 * changes; `say` tells of each change. A reload that fails (the new code does not start) is reported by its `reload
 * aborted` event, the old processes serving on, as with SIGHUP; the next change tries again. While a reload waits to
 * begin (behind another), a change needs none of its own: that one loads it. `warn` is told of folders that cannot be
 * watched (no inotify watch left for them). Throws as FileWatcher does (WatchLimitError: none left for a watched path)
 * so that the run fails at start; the caller closes it as the run stops.
 */
export function watchForReload(
  supervisor: Supervisor,
  watch: RunWatch,
  say: (text: string) => void,
  warn: (text: string) => void,
): FileWatcher {
  let waiting = false;
  return new FileWatcher(
    watch.paths,
    watch.ignore,
    (file) => {
      if (supervisor.state === 'stopping' || supervisor.state === 'stopped') return;
      if (waiting) {
        say(`${file} changed; the reload already waiting will load it`);
        return;
      }
      say(`${file} changed; reloading`);
      waiting = true;
      let began = false;
      supervisor
        .reload({
          onStart: () => {
            began = true;
            waiting = false;
          },
        })
        // Aborted: said by its event. Refused: the run is stopping.
        .catch(() => {})
        .finally(() => {
          // Refused before it began: it waits no more.
          if (!began) waiting = false;
        });
    },
    watch.delay,
    ownFiles(watch.paths),
    undefined,
    warn,
  );
}

/**
 * Hive's own files, which a watched folder may hold: what this primary's stdout and stderr are redirected to (`hive
 * run --watch app.js > hive.log`: each line it writes would reload the app, whose lines are written there), with their
 * rotated copies (`hive.log.1`), and the Hive home (HIVE_HOME: the daemon's log and its apps' log files), as the daemon's
 * watcher ignores an app's own log files.
 */
function ownFiles(watched: string[]): (path: string) => boolean {
  const outputs: { stats: Stats; path: string | undefined }[] = [];
  for (const fd of [1, 2]) {
    try {
      const stats = fstatSync(fd);
      if (!stats.isFile()) continue;
      let path: string | undefined;
      try {
        path = readlinkSync(`/proc/self/fd/${fd}`);
      } catch {}
      outputs.push({ stats, path });
    } catch {}
  }
  const inHome = inHiveHome(hivePaths().home, watched);
  return (path) => {
    if (inHome(path)) return true;
    if (outputs.length === 0) return false;
    if (outputs.some((output) => output.path !== undefined && isRotatedCopy(output.path, path))) return true;
    let stats: Stats | undefined;
    try {
      stats = statSync(path, { throwIfNoEntry: false });
    } catch {}
    return stats !== undefined && outputs.some(({ stats: own }) => own.dev === stats.dev && own.ino === stats.ino);
  };
}

// A rotated copy as logrotate names it: `hive.log.1`, `hive.log.2.gz`. Not any name the output's is a prefix of: with
// the output redirected to `app`, the app's own `app.js` is a change.
function isRotatedCopy(output: string, path: string): boolean {
  return path.startsWith(`${output}.`) && /^\d+(?:\.(?:gz|bz2|xz|zst))?$/.test(path.slice(output.length + 1));
}
