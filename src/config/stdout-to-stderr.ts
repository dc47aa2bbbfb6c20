/**
 * What a JavaScript or TypeScript config file prints while it loads (`console.log('loading config')`, dotenv 17's
 * `require('dotenv').config()` line) goes to stderr: stdout is the command's output, one JSON document under `--json`.
 */

type Write = typeof process.stdout.write;

let depth = 0;
// process.stdout.write as it was: an own property (someone patched it) or the stream's prototype method.
let saved: { own: boolean; write: Write } | undefined;

/** Runs `load` with process.stdout's writes sent to process.stderr; restored once the last overlapping load ends. */
export async function withStdoutOnStderr<T>(load: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    const stdout = process.stdout;
    saved = { own: Object.hasOwn(stdout, 'write'), write: stdout.write };
    stdout.write = ((...args: unknown[]) => Reflect.apply(process.stderr.write, process.stderr, args)) as Write;
  }
  try {
    return await load();
  } finally {
    if (--depth === 0 && saved !== undefined) {
      if (saved.own) process.stdout.write = saved.write;
      else delete (process.stdout as { write?: Write }).write;
      saved = undefined;
    }
  }
}
