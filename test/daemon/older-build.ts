import assert from 'node:assert/strict';
import { cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

/**
 * An older build of this very version in `into`: a copy of dist/ whose protocol has no `flush` yet (package.json, and
 * so the version, the same). Its daemon is the real daemon entry of that copy. `edit` changes more of the copy's
 * dist/ (its path given) before anything runs it. Returns the copy's CLI.
 */
export function olderBuild(into: string, edit?: (dist: string) => void): string {
  cpSync(join(root, 'dist'), join(into, 'dist'), { recursive: true, filter: (src) => !src.endsWith('.map') });
  cpSync(join(root, 'package.json'), join(into, 'package.json'));
  symlinkSync(join(root, 'node_modules'), join(into, 'node_modules'));
  const protocol = join(into, 'dist/daemon/protocol.js');
  const text = readFileSync(protocol, 'utf8');
  const flush = /^.*cmd: z\.literal\('flush'\).*\n/m;
  assert.match(text, flush, 'the built protocol module defines flush');
  writeFileSync(protocol, text.replace(flush, ''));
  edit?.(join(into, 'dist'));
  return join(into, 'dist/cli/hive.js');
}
