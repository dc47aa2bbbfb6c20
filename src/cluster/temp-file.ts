import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync, unlinkSync, writeSync } from 'node:fs';

/**
 * Writes `content` to a new file next to `file` (`mode`, under the umask: 0600 unless told) and returns its path, for a
 * rename or link over `file`. The name is random and the open exclusive and O_NOFOLLOW: with a guessable name and a
 * plain open, anyone who can write the folder (a shared `--socket` folder, a HIVE_HOME opened up, a sticky /tmp given
 * to `--out`) could plant a symlink there and have this process overwrite the file it points to. The mode is set by
 * the create itself, so the file the rename puts in place is never a moment more readable than asked.
 */
export function writeTemp(file: string, content: string, mode = 0o600): string {
  const temp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
  try {
    writeSync(fd, content);
  } catch (error) {
    closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {}
    throw error;
  }
  closeSync(fd);
  return temp;
}
