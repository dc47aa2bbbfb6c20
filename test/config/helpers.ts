import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach } from 'node:test';

/**
 * Config files a test file writes to load: `dir`, the given one or else a temp directory removed when the test file
 * ends, and writers of a file in it, each returning the file's path. Called at the top of a test file.
 */
export function configFiles(given?: string): {
  dir: string;
  /** Saves `text` as `name` in `dir`. */
  write(name: string, text: string): string;
  /** Saves `value` as JSON as `name` in `dir`. */
  writeJson(name: string, value: unknown): string;
} {
  // The test runner reports on stdout, which loadConfig sends to stderr while a file loads: a report written then
  // reached the run as garbage, a failure's details lost with it. Its pending writes are let out before each test.
  beforeEach(() => new Promise((resolve) => setImmediate(resolve)));
  let dir = given;
  if (dir === undefined) {
    const temp = mkdtempSync(join(tmpdir(), 'hive-config-'));
    after(() => rmSync(temp, { recursive: true, force: true }));
    dir = temp;
  }
  const write = (name: string, text: string): string => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  return { dir, write, writeJson: (name, value) => write(name, JSON.stringify(value)) };
}
