import { readFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { TS_COMMONJS, TS_ESM_FIX } from '../crash-hints.js';
import { jsModuleType } from '../package-type.js';

/**
 * What to do about a process that did not listen in time when its script is a `.ts` (or `.tsx`) file tsx runs as
 * CommonJS and that reads `import.meta.main`: undefined there, so `if (import.meta.main) server.listen()` never
 * listens. Read only when the time is up.
 */
export function importMetaMainHint(script: string): string | undefined {
  const ext = extname(script);
  if (ext !== '.ts' && ext !== '.tsx') return undefined;
  if (jsModuleType(dirname(script)) !== 'commonjs') return undefined;
  let source: string;
  try {
    source = readFileSync(script, 'utf8');
  } catch {
    return undefined;
  }
  if (!/\bimport\.meta\.main\b/.test(source)) return undefined;
  return `the script reads import.meta.main, which is undefined as ${TS_COMMONJS}: ${TS_ESM_FIX}`;
}
