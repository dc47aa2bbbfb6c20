import { HiveError } from '../errors.js';

/** A config file could not be read, or a value in it is wrong. `file` and `key` (a path like `apps[0].instances`) name it. */
export class ConfigError extends HiveError {
  readonly file: string;
  readonly key: string | undefined;

  constructor(file: string, key: string | undefined, message: string, options?: { cause?: unknown }) {
    super('ERR_HIVE_CONFIG', key === undefined ? `${file}: ${message}` : `${file}: ${key}: ${message}`, options);
    this.file = file;
    this.key = key;
  }
}
