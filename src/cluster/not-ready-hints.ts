import { existsSync, readFileSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import { jsModuleType } from '../package-type.js';
import { grantFlagOf } from '../pool/permission-refusal.js';

// tsx (not Node) decides a `.ts` file's module format, from the nearest package.json alone: Node 24 run on the same
// file detects its module syntax and runs it as an ES module, so an app that works with plain `node app.ts` can fail
// under Hive. Making tsx detect it too would turn every `.ts` app with an `import` in such a package into an ES module
// (its `__dirname` and `require` gone), so Hive says what to do instead.
const TS_COMMONJS =
  'tsx runs a .ts file as CommonJS outside a package of "type": "module" (where Node 24 alone detects an ES module)';
const TS_ESM_FIX = 'rename the file .mts, or set "type": "module" in its package.json';

const TOP_LEVEL_AWAIT = 'Top-level await is currently not supported with the "cjs" output format';
// The file esbuild names: tsx hands it a `.cts` file as `.ts` (its sourcefile), so the name alone cannot tell them.
const awaitFile = new RegExp(`^(.+)\\.ts:\\d+:\\d+: ERROR: ${TOP_LEVEL_AWAIT}`, 'm');

/**
 * Whether the file of tsx's top-level await error is a `.cts`: CommonJS whatever its package.json says, so setting
 * "type" cannot help it. The one named `.ts` absent and the `.cts` there, or both there in a package of "type":
 * "module", where a `.ts` is no CommonJS.
 */
function isCts(report: string): boolean {
  const base = awaitFile.exec(report)?.[1];
  if (base === undefined || !existsSync(`${base}.cts`)) return false;
  return !existsSync(`${base}.ts`) || jsModuleType(dirname(base)) === 'module';
}

/**
 * Known causes of a process that exited before it was ready, by what its crash report says, with what to do (said
 * after the error's line): one table, for the cluster's workers and fork mode's processes alike (both fail with
 * WorkerNotReadyError).
 */
const crashHints: ReadonlyArray<{ when: (crash: Crash) => boolean; hint: (report: string) => string | undefined }> = [
  {
    // esbuild's, through tsx, for a TypeScript file it compiles to CommonJS.
    when: ({ report }) => report.includes(TOP_LEVEL_AWAIT),
    hint: (report) =>
      isCts(report)
        ? '; a .cts file is CommonJS whatever its package.json says, and CommonJS has no top-level await: rename the file .mts, or move the await into an async function'
        : `; ${TS_COMMONJS}, and CommonJS has no top-level await: ${TS_ESM_FIX}`,
  },
  {
    // Node's permission model: the grant it lacked (Node 20's own message names no flag).
    when: ({ code }) => code === 'ERR_ACCESS_DENIED',
    hint: (report) => {
      const grant = grantFlagOf(report);
      return grant && ` (Node's permission model refused it: grant ${grant} in the node args)`;
    },
  },
];

/** What to do about a process's crash, when its report (summarizeCrash's) names a known cause: text to append. */
export function crashHint(crash: Crash): string | undefined {
  return crashHints.find(({ when }) => when(crash))?.hint(crash.report);
}

/** What summarizeCrash read of a crash report that a hint needs. */
interface Crash {
  readonly code?: string | undefined;
  readonly report: string;
}

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
