import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Where in a config file its load failed, for messages that name the line: the parsers' own errors do not always, and
// an error the file throws as it runs (`proces.env.A`) names it only in its stack.

/** `line 2, column 16` for a JSON.parse error that gives only `at position 42` (Node 20). */
export function jsonLocation(text: string, message: string): string | undefined {
  const match = /at position (\d+)/.exec(message);
  if (!match || /\(line \d+ column \d+\)/.test(message)) return undefined;
  const before = text.slice(0, Number(match[1]));
  const line = before.split('\n').length;
  return `line ${line}, column ${before.length - before.lastIndexOf('\n')}`;
}

/**
 * `line 1, column 18` of a JS or TypeScript config's syntax error, or of a JS config's error thrown as it ran. esbuild
 * (through tsx) puts a syntax error's on the error; Node's SyntaxError of an ES module carries it nowhere readable, so
 * `node --check` is asked, on this failure path only.
 */
export function moduleLocation(cause: unknown, file: string): string | undefined {
  const esbuild = esbuildError(cause);
  if (esbuild) return `line ${esbuild.line}, column ${esbuild.column + 1}`;
  if (cause instanceof SyntaxError && !/\.[cm]?ts$/.test(file)) {
    // A SyntaxError the file's code threw (`JSON.parse` of a bad value) is not one `node --check` finds.
    return checkLocation(file) ?? frameLocation(cause, file);
  }
  return frameLocation(cause, file);
}

/**
 * Where in `file` an error thrown by its code was: the stack's innermost frame in the file (the throw itself, or the
 * file's call into a module that threw: `require('dotenv')` of a missing package). tsx maps a TypeScript ES module's
 * frames back to its source; one it runs as CommonJS has frames of a `data:` URL, so no location.
 */
function frameLocation(cause: unknown, file: string): string | undefined {
  const stack = (cause as Error | undefined)?.stack;
  if (typeof stack !== 'string') return undefined;
  for (const line of stack.split('\n')) {
    // `    at Object.<anonymous> (/srv/app/ecosystem.config.js:2:12)`, `    at file:///srv/app/x.mjs?hive-load=1:2:12`.
    const frame = /^\s+at (?:.*\()?(.+?):(\d+):(\d+)\)?$/.exec(line);
    if (frame && framePath(frame[1]!) === file) return `line ${frame[2]}, column ${frame[3]}`;
  }
  return undefined;
}

/** A stack frame's file: its path, or its file URL's (the query that made a fresh load dropped). */
function framePath(location: string): string | undefined {
  if (!location.startsWith('file:')) return location;
  try {
    const url = new URL(location);
    url.search = '';
    url.hash = '';
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

/** `node --check`'s location of a syntax error of a JavaScript file. */
function checkLocation(file: string): string | undefined {
  const check = spawnSync(process.execPath, ['--check', file], { encoding: 'utf8', timeout: 10_000 });
  // "<file>:<line>\n<source line>\n<spaces>^\n...", after any warning Node prints first.
  const lines = (check.stderr ?? '').split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${file}:`));
  const line = at >= 0 ? /:(\d+)$/.exec(lines[at]!)?.[1] : undefined;
  const caret = lines[at + 2];
  if (line === undefined) return undefined;
  const column = caret?.indexOf('^') ?? -1;
  return column >= 0 ? `line ${line}, column ${column + 1}` : `line ${line}`;
}

/** The message of a failed load: for esbuild's "Transform failed with 1 error:", the error itself. */
export function loadFailure(cause: unknown): string {
  return esbuildError(cause)?.text ?? String((cause as Error)?.message ?? cause).split('\n')[0]!;
}

// tsx rethrows esbuild's error with its message only: "Transform failed with 1 error:\n<file>:1:18: ERROR: <text>".
function esbuildError(cause: unknown): { line: number; column: number; text: string } | undefined {
  const message = String((cause as Error)?.message ?? '');
  if (!message.startsWith('Transform failed')) return undefined;
  const match = /:(\d+):(\d+): ERROR: (.*)$/m.exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]), text: match[3]! } : undefined;
}
