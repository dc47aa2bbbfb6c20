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
  /**
   * The first line of the error's `cause`, when the report prints one (`[cause]: Error: connect ECONNREFUSED ...`):
   * what a driver's or fetch's wrapper error (`database pool could not start`, `fetch failed`) leaves unsaid.
   */
  readonly cause?: string;
}

const footer = /^Node\.js v\d+\.\d+\.\d+\s*$/;
const caret = /^\s*\^+\s*$/;
const errorLine = /^\[?(?:\w*Error\b|\w+Exception\b|Uncaught\b|FATAL ERROR:)/;
const stackFrame = /^\s+at /;
const namedLine = /^(\w+)(?: \[([A-Z][A-Z0-9_]*)\])?: (.*)$/;
const codeField = /^\s+code: '([^']+)'/m;
// Node 24 prints an error without a stack (undici's `fetch failed`) as `[TypeError: fetch failed] {`, its fields after.
const bracketed = /^\[([\w$]+(?: \[[A-Z][A-Z0-9_]*\])?(?:: .*)?)\](?: \{)?$/;
const causeLine = /^\s+\[cause\]: (.*?)(?: \{)?$/m;

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
  const line = withContinuation(unbracketed(lines[start]!.trim()), start + 1 < end ? lines[start + 1] : undefined);
  const report = lines.slice(start, end).join('\n').trimEnd();
  const named = line.startsWith('FATAL ERROR:') ? null : namedLine.exec(line);
  const code = named?.[2] ?? codeField.exec(report)?.[1];
  const cause = causeLine.exec(report)?.[1];
  return {
    line,
    message: named === null ? line : named[3]!,
    report,
    ...(named === null ? {} : { name: named[1]! }),
    ...(code === undefined ? {} : { code }),
    ...(cause === undefined ? {} : { cause: unbracketed(cause) }),
  };
}

/**
 * A crash in one line: its {@link CrashSummary.line}, with its cause's after it when it has one (`Error: database pool
 * could not start (cause: Error: connect ECONNREFUSED 127.0.0.1:5432)`): the wrapper's message alone does not say the
 * database is down. How every one-line reader of a crash (a worker not ready, an errored app, a pool child) says it.
 */
export function crashHeadline(crash: CrashSummary): string {
  return crash.cause === undefined ? crash.line : `${crash.line} (cause: ${crash.cause})`;
}

// `[TypeError: fetch failed] {` (Node 24's form of an error without a stack) as `TypeError: fetch failed`.
function unbracketed(line: string): string {
  return bracketed.exec(line)?.[1] ?? line;
}

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

// The lines kept before a `^` caret (the source excerpt: `file:line` and the line itself), and at most in a lead.
const EXCERPT_LINES = 2;
const MAX_LEAD_LINES = 8;

/**
 * The last lines of a process's stderr, and the lead of its last crash report (the source excerpt, the error's first
 * line, its cause's), which a long report (an Error with a `cause`, as database drivers throw; an AggregateError)
 * pushes out of any short tail: a summary of the tail alone found no error, only the stack of its cause and the
 * footer. Read as {@link lines}; both parts are bounded, whatever the process writes.
 */
export class StderrTail {
  readonly #size: number;
  readonly #tail: string[] = [];
  // How many lines were pushed: the index of the next.
  #count = 0;
  // The lead of the last report, each line with its index.
  #lead: { at: number; line: string }[] = [];
  // A caret was seen and the error's first line is yet to come; then one more line (see withContinuation).
  #awaiting: 'headline' | 'continuation' | undefined;
  // The current report has a caret: an unindented error-like line after it is no report's start.
  #caretSeen = false;
  // The lead has its cause's line: a nested cause's is not kept.
  #causeKept = false;

  constructor(size: number) {
    this.#size = size;
  }

  push(line: string): void {
    const at = this.#count++;
    if (footer.test(line)) {
      this.#awaiting = undefined;
      this.#caretSeen = false;
    } else if (caret.test(line)) {
      const excerpt = this.#tail.slice(-EXCERPT_LINES);
      this.#lead = [...excerpt.map((text, i) => ({ at: at - excerpt.length + i, line: text })), { at, line }];
      this.#awaiting = 'headline';
      this.#caretSeen = true;
      this.#causeKept = false;
    } else if (this.#awaiting !== undefined && this.#lead.length < MAX_LEAD_LINES) {
      this.#lead.push({ at, line });
      if (this.#awaiting === 'continuation') this.#awaiting = undefined;
      else if (line.trim() !== '') this.#awaiting = 'continuation';
    } else if (!this.#caretSeen && !stackFrame.test(line) && errorLine.test(line)) {
      // A report without a caret (a syntax error of an imported module), or an error the app logged.
      this.#lead = [{ at, line }];
      this.#awaiting = 'continuation';
      this.#causeKept = false;
    } else {
      this.#awaiting = undefined;
      if (!this.#causeKept && this.#lead.length > 0 && this.#lead.length < MAX_LEAD_LINES && causeLine.test(line)) {
        this.#lead.push({ at, line });
        this.#causeKept = true;
      }
    }
    this.#tail.push(line);
    if (this.#tail.length > this.#size) this.#tail.shift();
  }

  /**
   * The last lines, after the lines of the last report's lead that are no longer among them, with a line that says how
   * many were left out wherever some were.
   */
  lines(): string[] {
    const first = this.#count - this.#tail.length;
    const kept: string[] = [];
    let next: number | undefined;
    for (const { at, line } of this.#lead) {
      if (at >= first) break;
      if (next !== undefined && at > next) kept.push(notKept(at - next));
      kept.push(line);
      next = at + 1;
    }
    if (next !== undefined && first > next) kept.push(notKept(first - next));
    return [...kept, ...this.#tail];
  }
}

function notKept(count: number): string {
  return `    ... ${count} line${count === 1 ? '' : 's'} not kept ...`;
}

/** Whether `line` is the one {@link StderrTail.lines} puts where it left lines out: no line of the process's own. */
export function isNotKeptLine(line: string): boolean {
  return /^\s*\.\.\. \d+ lines? not kept \.\.\.$/.test(line);
}
