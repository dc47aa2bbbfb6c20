import { readTakenOver, takenOverWarning } from '../daemon/app-origin.js';
import { warningsTo } from './daemon-warning.js';

/** More apps than this from one old file are said in one line rather than a line each. */
const FEW = 3;

/**
 * The daemon's warnings of a config file's start or reload of its apps, each on stderr as warningsTo says it, except
 * those of an app taken over from another config file (daemon/app-origin.ts): kept, and said once the file's apps are
 * done (`say`), a line each when few came from one old file, else one line for them, naming the first few. A deploy
 * from a new folder took 39 apps over and printed 39 such lines, which hid everything else the command said.
 * `file`: the config file as the requests name it (the daemon's warning ends with it); undefined keeps nothing.
 */
export function takenOver(
  command: string,
  file: string | undefined,
): { warnings: (next?: (progress: unknown) => void) => (progress: unknown) => void; say: () => void } {
  const moved = new Map<string, string[]>();
  return {
    warnings: (next) => {
      const warn = warningsTo(command, next);
      return (progress) => {
        const warning = (progress as { warning?: unknown } | null)?.warning;
        const taken = typeof warning === 'string' && file !== undefined ? readTakenOver(warning, file) : undefined;
        if (taken === undefined) return warn(progress);
        moved.set(taken.from, [...(moved.get(taken.from) ?? []), taken.name]);
      };
    },
    say: () => {
      if (file === undefined) return;
      const warn = warningsTo(command);
      for (const [from, names] of moved) {
        if (names.length <= FEW) {
          for (const name of names) warn({ warning: takenOverWarning(name, from, file) });
          continue;
        }
        const first = names.slice(0, FEW).map((name) => JSON.stringify(name));
        warn({
          warning:
            `${names.length} apps came from ${from}; ${file} now defines them: ` +
            `${first.join(', ')} and ${names.length - FEW} more`,
        });
      }
      moved.clear();
    },
  };
}
