import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { jsModuleType } from './package-type.js';
import { grantFlagOf } from './pool/permission-refusal.js';

// tsx (not Node) decides a `.ts` file's module format, from the nearest package.json alone: Node 24 run on the same
// file detects its module syntax and runs it as an ES module, so an app that works with plain `node app.ts` can fail
// under Hive. Making tsx detect it too would turn every `.ts` app with an `import` in such a package into an ES module
// (its `__dirname` and `require` gone), so Hive says what to do instead.
export const TS_COMMONJS =
  'tsx runs a .ts file as CommonJS outside a package of "type": "module" (where Node 24 alone detects an ES module)';
export const TS_ESM_FIX = 'rename the file .mts, or set "type": "module" in its package.json';

const TOP_LEVEL_AWAIT = 'Top-level await is currently not supported with the "cjs" output format';
// The file esbuild names: tsx's `--import` hook hands it a `.cts` file as `.ts` (its sourcefile), its scoped loader (the
// pool's) as `.cts`.
const awaitFile = new RegExp(`^(.+)\\.(c?)ts:\\d+:\\d+: ERROR: ${TOP_LEVEL_AWAIT}`, 'm');

/**
 * Whether the file of tsx's top-level await error is a `.cts`: CommonJS whatever its package.json says, so setting
 * "type" cannot help it. Named `.cts`; or named `.ts`, that one absent and the `.cts` there, or both there in a package
 * of "type": "module", where a `.ts` is no CommonJS.
 */
function isCts(report: string): boolean {
  const named = awaitFile.exec(report);
  if (named === null) return false;
  const [, base, c] = named as unknown as [string, string, string];
  if (c === 'c') return true;
  if (!existsSync(`${base}.cts`)) return false;
  return !existsSync(`${base}.ts`) || jsModuleType(dirname(base)) === 'module';
}

/**
 * Known causes of a failure to start a Node process or load a module, by what its crash report (or the error's
 * inspection) says, with what to do (said after the error's line): one table, for the cluster's workers, fork mode's
 * processes and the pool's task modules alike.
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

/** What to do about a crash, when its report (summarizeCrash's, or an error's inspection) names a known cause. */
export function crashHint(crash: Crash): string | undefined {
  return crashHints.find(({ when }) => when(crash))?.hint(crash.report);
}

/** What a hint needs of a crash: its error's code and its report. */
export interface Crash {
  readonly code?: string | undefined;
  readonly report: string;
}
