// summarizeCrash (src/crash-summary.ts) against real crash reports of the Node.js running the tests: the pool quoted
// the last 3 stderr lines of a child that died, which for an uncaught error are its stack's tail and the
// `Node.js v20.x` footer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { crashHeadline, lastErrorLine, StderrTail, summarizeCrash } from '../../dist/crash-summary.js';

/** The stderr of `node <flags> -e <code>`, a real crash report. */
function crash(code: string, flags: string[] = []): string {
  const { stderr, status, signal } = spawnSync(process.execPath, [...flags, '-e', code], { encoding: 'utf8' });
  assert.ok(status !== 0 || signal !== null, `the script crashed: ${code}`);
  return stderr;
}

test('an uncaught Error: the line after the caret, with its name and message', () => {
  const summary = summarizeCrash(crash("throw new TypeError('bad thing')"));
  assert.equal(summary?.line, 'TypeError: bad thing');
  assert.equal(summary?.name, 'TypeError');
  assert.equal(summary?.message, 'bad thing');
  assert.equal(summary?.code, undefined);
  assert.match(summary?.report ?? '', /^TypeError: bad thing\n {4}at /);
  assert.doesNotMatch(summary?.report ?? '', /Node\.js v/);
});

test("a code from the report's fields, or from the Name [CODE] form", () => {
  const fields = summarizeCrash(crash("const e = new Error('with code'); e.code = 'E_X'; throw e"));
  assert.equal(fields?.line, 'Error: with code');
  assert.equal(fields?.code, 'E_X');
  const bracketed = summarizeCrash(crash("import('/no/such/module.mjs')"));
  assert.equal(bracketed?.name, 'Error');
  assert.equal(bracketed?.code, 'ERR_MODULE_NOT_FOUND');
  assert.match(bracketed?.message ?? '', /^Cannot find module '\/no\/such\/module\.mjs'/);
});

test('an unhandled rejection, of an Error and of a non-Error', () => {
  assert.equal(summarizeCrash(crash("Promise.reject(new RangeError('rejected'))"))?.line, 'RangeError: rejected');
  const value = summarizeCrash(crash('Promise.reject(42)'));
  assert.equal(value?.name, 'UnhandledPromiseRejection');
  assert.equal(value?.code, 'ERR_UNHANDLED_REJECTION');
  assert.match(value?.message ?? '', /"42"/);
});

test('a thrown non-Error: the value as printed, no name', () => {
  const text = summarizeCrash(crash("throw 'a string'"));
  assert.equal(text?.line, 'a string');
  assert.equal(text?.name, undefined);
  assert.equal(summarizeCrash(crash('throw { a: 1 }'))?.line, '{ a: 1 }');
});

test('a custom class, a multi-line message, an AggregateError with nested errors', () => {
  const custom =
    "class MyErr extends Error { constructor(m) { super(m); this.name = 'MyErr'; } }; throw new MyErr('x')";
  assert.equal(summarizeCrash(crash(custom))?.line, 'MyErr: x');
  assert.equal(summarizeCrash(crash("throw new Error('first\\nsecond')"))?.line, 'Error: first');
  assert.equal(
    summarizeCrash(crash("throw new AggregateError([new Error('inner')], 'outer')"))?.line,
    'AggregateError: outer',
  );
});

test("a syntax error in an imported module (no caret), after the app's own output", () => {
  const code = "console.error('Error: logged by the app'); import('data:text/javascript,function f({')";
  assert.equal(summarizeCrash(crash(code))?.line, 'SyntaxError: Unexpected end of input');
});

test('V8 out of memory: the FATAL ERROR line', () => {
  const summary = summarizeCrash(
    crash('const a = []; for (;;) a.push(new Array(1e5).fill(1))', ['--max-old-space-size=16']),
  );
  assert.match(summary?.line ?? '', /^FATAL ERROR: .*JavaScript heap out of memory/);
  assert.equal(summary?.name, undefined);
});

test('no crash report: undefined', () => {
  assert.equal(summarizeCrash(crash("process.stderr.write('just a log line\\n'); process.exit(3)")), undefined);
  assert.equal(summarizeCrash(''), undefined);
  // An error the app logged, then killed (no report, no footer): not taken for the crash.
  assert.equal(summarizeCrash('Error: retrying in 1 s\n    at connect (/srv/db.js:1:1)\n'), undefined);
});

test('lastErrorLine: the error line of what an app printed itself, not its stack or closing bracket', () => {
  const printed = [
    'Error: connect ECONNREFUSED 127.0.0.1:5432',
    '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16) {',
    "  code: 'ECONNREFUSED',",
    '}',
  ];
  assert.equal(lastErrorLine(printed), 'Error: connect ECONNREFUSED 127.0.0.1:5432');
  assert.equal(lastErrorLine(['starting', 'DB not reachable yet']), 'DB not reachable yet');
  assert.equal(lastErrorLine(['    at main (/srv/app.js:1:1)', '}']), undefined);
});

// Node 24's report of an error without a stack (undici's, a fetch to a port nothing listens on), as it printed it: the
// error's first line is bracketed, and what went wrong is in its cause.
const NODE_24_FETCH_FAILED = `node:internal/modules/run_main:107
    triggerUncaughtException(
    ^

[TypeError: fetch failed] {
  [cause]: Error: connect ECONNREFUSED 127.0.0.1:43151
      at TCPConnectWrap.afterConnect [as oncomplete] (node:net:2083:16) {
    errno: -111,
    code: 'ECONNREFUSED',
    syscall: 'connect',
    address: '127.0.0.1',
    port: 43151
  }
}

Node.js v24.22.3
`;

test("Node 24's bracketed form of an error without a stack, and the first line of its cause", () => {
  const summary = summarizeCrash(NODE_24_FETCH_FAILED);
  assert.equal(summary?.line, 'TypeError: fetch failed');
  assert.equal(summary?.name, 'TypeError');
  assert.equal(summary?.message, 'fetch failed');
  assert.equal(summary?.cause, 'Error: connect ECONNREFUSED 127.0.0.1:43151');
  assert.equal(summarizeCrash(crash("throw new Error('x', { cause: new RangeError('y') })"))?.cause, 'RangeError: y');
  assert.equal(summarizeCrash(crash("throw new Error('x')"))?.cause, undefined);
  // In one line, as every reader of a crash quotes it.
  assert.equal(crashHeadline(summary!), 'TypeError: fetch failed (cause: Error: connect ECONNREFUSED 127.0.0.1:43151)');
  assert.equal(crashHeadline(summarizeCrash(crash("throw new Error('x')"))!), 'Error: x');
});

// An Error with a cause whose stacks are deep (a database driver's): its report outgrows a 20-line tail, which kept
// only the cause's stack and the footer.
test('StderrTail keeps the start of a crash report longer than its tail, and bounds what it keeps', () => {
  const deep = 'function deep(n, f) { return n === 0 ? f() : deep(n - 1, f); }';
  const code = `Error.stackTraceLimit = 20; ${deep}; let inner; try { deep(12, () => { throw new Error('connect ECONNREFUSED'); }); } catch (e) { inner = e; } console.error('Error: logged by the app first'); deep(12, () => { throw new Error('database pool could not start', { cause: inner }); });`;
  const lines = crash(code).trimEnd().split('\n');
  const tail = new StderrTail(20);
  for (const line of lines) tail.push(line);
  const kept = tail.lines();
  assert.doesNotMatch(lines.slice(-20).join('\n'), /database pool could not start$/m, 'a report longer than 20 lines');
  assert.ok(kept.length < lines.length, `${lines.length} lines, ${kept.length} kept`);
  assert.deepEqual(kept.slice(-20), lines.slice(-20));
  const summary = summarizeCrash(kept.join('\n'));
  assert.equal(summary?.line, 'Error: database pool could not start');
  assert.equal(summary?.cause, 'Error: connect ECONNREFUSED');
  // However much an app writes, no more than its lead and its tail.
  for (let i = 0; i < 1000; i++) tail.push(`    at frame ${i}`);
  assert.ok(tail.lines().length <= 30, `${tail.lines().length} lines kept`);
  assert.match(tail.lines().join('\n'), /^Error: database pool could not start$/m);
});
