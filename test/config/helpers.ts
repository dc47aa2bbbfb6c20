import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach } from 'node:test';
import { loadConfig } from 'hive/config';

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

/**
 * How loadConfig refuses `file`: an ERR_HIVE_CONFIG whose message starts with the file's path; its key, and its message
 * after that path. Fails the test when the file loads (`what`: the test's words for it).
 */
export async function configRefusal(file: string, what = file): Promise<{ key: unknown; message: string }> {
  try {
    await loadConfig(file);
  } catch (error) {
    const { code, key, message } = error as Error & Record<string, unknown>;
    assert.equal(code, 'ERR_HIVE_CONFIG');
    assert.ok(message.startsWith(`${file}: `), message);
    return { key, message: message.slice(file.length + 2) };
  }
  throw new Error(`${what} loaded`);
}
