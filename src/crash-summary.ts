/**
 * Picks what matters out of the stderr of a Node.js process that crashed: the last lines of an uncaught error's
 * report are its stack's tail and the `Node.js v20.x` footer, which say nothing of what went wrong. Shared by the pool
 * (a child process's exit under `isolation: 'process'`) and any other owner of a Node child's stderr.
 */

export interface CrashSummary {
  /**
   * The error's first line as Node printed it: `TypeError: bad thing`, `FATAL ERROR: Reached heap limit ...`; with the
   * second after a space when the first ends in a colon (tsx's `Transform failed with 1 error: <file>:1:10: ERROR: ...`).
   */
  readonly line: string;
  /** The class name, when the line reads `Name: message` or `Name [CODE]: message`. */
  readonly name?: string;
  /** The code, when the line reads `Name [CODE]: message`, or the report's `code: '...'` field says it. */
  readonly code?: string;
  /** The message, when the line reads `Name: message`; else the whole line (a thrown non-Error, a fatal error). */
  readonly message: string;
  /** The crash report itself, from the error's first line to the footer (excluded). */
  readonly report: string;
}

const footer = /^Node\.js v\d+\.\d+\.\d+\s*$/;
const caret = /^\s*\^+\s*$/;
const errorLine = /^(?:\w*Error\b|\w+Exception\b|Uncaught\b|FATAL ERROR:)/;
const stackFrame = /^\s+at /;
const namedLine = /^(\w+)(?: \[([A-Z][A-Z0-9_]*)\])?: (.*)$/;
const codeField = /^\s+code: '([^']+)'/m;

/**
 * The summary of the last crash report in `stderr`, or undefined when it holds none (a process that exited with a
 * code of its own, or was killed, leaves no report): its caller then quotes the last lines instead.
 */
export function summarizeCrash(stderr: string): CrashSummary | undefined {
  const lines = stderr.replace(/\r\n/g, '\n').split('\n');
  // The last report: between the last footer and the one before it (what precedes is the app's own output).
  let end = lines.length;
  let reported = false;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (footer.test(lines[i]!)) {
      end = i;
      reported = true;
      break;
    }
  }
  let begin = 0;
  for (let i = end - 1; i >= 0; i--) {
    if (footer.test(lines[i]!)) {
      begin = i + 1;
      break;
    }
  }
  const start = reportStart(lines, begin, end, reported);
  if (start === undefined) return undefined;
  const line = withContinuation(lines[start]!.trim(), start + 1 < end ? lines[start + 1] : undefined);
  const report = lines.slice(start, end).join('\n').trimEnd();
  const named = line.startsWith('FATAL ERROR:') ? null : namedLine.exec(line);
  const code = named?.[2] ?? codeField.exec(report)?.[1];
  return {
    line,
    message: named === null ? line : named[3]!,
    report,
    ...(named === null ? {} : { name: named[1]! }),
    ...(code === undefined ? {} : { code }),
  };
}

/**
 * The error's first line, with the next when the message goes on there after a colon: tsx's (esbuild's) `Transform
 * failed with 1 error:` names the file, line and column of a TypeScript syntax error only on its second line.
 */
/**
 * An error message's first line, with the second after a space when the first ends in a colon, as
 * {@link CrashSummary.line}: tsx's `Transform failed with 1 error:` alone says nothing of the file, line or cause.
 */
export function messageHeadline(message: string): string {
  const [first = '', next] = message.replace(/\r\n/g, '\n').split('\n', 2);
  return withContinuation(first.trimEnd(), next);
}

function withContinuation(line: string, next: string | undefined): string {
  if (!line.endsWith(':') || next === undefined || next.trim() === '' || stackFrame.test(next)) return line;
  return `${line} ${next.trim()}`;
}

/**
 * The index of the error's first line: the first line after the source excerpt's `^` caret, else the last line that
 * reads like an error's first (not a stack frame; nested errors of a report are indented, so they do not match).
 * Without Node's footer that last line is only taken when it is V8's fatal error: an `Error: retrying` the app logged
 * before it was killed is no crash report.
 */
function reportStart(lines: string[], begin: number, end: number, reported: boolean): number | undefined {
  for (let i = end - 1; i >= begin; i--) {
    if (!caret.test(lines[i]!)) continue;
    for (let j = i + 1; j < end; j++) if (lines[j]!.trim() !== '') return j;
    break;
  }
  for (let i = end - 1; i >= begin; i--) {
    const line = lines[i]!;
    if (!stackFrame.test(line) && errorLine.test(line) && (reported || line.startsWith('FATAL ERROR:'))) return i;
  }
  return undefined;
}

const closingLine = /^[\s\]})]*$/;

/**
 * What an app's last lines say of why it stopped, where they hold no crash report (`main().catch(e => {
 * console.error(e); process.exit(1) })`): the last line that reads like an error's first, else the last that is no
 * stack frame and no lone closing bracket (an error object printed by console.error ends with `}`).
 */
export function lastErrorLine(lines: readonly string[]): string | undefined {
  const candidates = lines.map((line) => line.trim()).filter((line) => !closingLine.test(line) && !/^at /.test(line));
  return candidates.findLast((line) => errorLine.test(line)) ?? candidates.at(-1);
}
