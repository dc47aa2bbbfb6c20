import { HiveError } from '../errors.js';

/**
 * A config file could not be read, or a value in it is wrong. `file` and `key` (a path like `apps[0].instances`) name
 * it.
 */
export class ConfigError extends HiveError {
  readonly file: string;
  readonly key: string | undefined;
  /**
   * What the file held, as read (before any translation), when it was read and then refused: `hive stop <config>`
   * takes the names from it (cli/config-app-names.ts) rather than running a JavaScript or TypeScript file twice.
   */
  content?: unknown;

  constructor(file: string, key: string | undefined, message: string, options?: { cause?: unknown }) {
    super('ERR_HIVE_CONFIG', key === undefined ? `${file}: ${message}` : `${file}: ${key}: ${message}`, options);
    this.file = file;
    this.key = key;
  }
}
