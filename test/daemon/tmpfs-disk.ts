import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';

/**
 * A real small filesystem for a full or read-only disk test: a tmpfs mounted on a new folder (apart from a HiveHome's
 * folder, which its cleanup removes: a mount inside would make that fail), unmounted after the file's tests, once
 * `before` (a daemon's cleanup: its files are open on it) is done. `skip` says why where this process may not mount.
 */
export function tmpfsDisk(
  prefix: string,
  options: string,
  before?: () => Promise<void>,
): { disk: string; skip: string | false } {
  const disk = mkdtempSync(join(tmpdir(), prefix));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', disk], { stdio: 'ignore' });
  } catch {
    rmSync(disk, { recursive: true, force: true });
    return { disk, skip: 'cannot mount a tmpfs here (not root)' };
  }
  after(async () => {
    await before?.();
    // Busy a moment while processes SIGKILLed by a cleanup (a wedged daemon's) are reaped; lazily at last.
    for (let tries = 0; ; tries++) {
      try {
        execFileSync('umount', [disk], { stdio: 'ignore' });
        break;
      } catch {
        if (tries === 50) {
          execFileSync('umount', ['-l', disk], { stdio: 'ignore' });
          break;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    rmSync(disk, { recursive: true, force: true });
  });
  return { disk, skip: false };
}
