// summarizeCrash (src/crash-summary.ts) against real crash reports of the Node.js running the tests: the pool quoted
// the last 3 stderr lines of a child that died, which for an uncaught error are its stack's tail and the
// `Node.js v20.x` footer.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { lastErrorLine, summarizeCrash } from '../../dist/crash-summary.js';

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
