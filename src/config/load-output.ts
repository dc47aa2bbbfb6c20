/**
 * What a config file's load puts out besides its value. What a JavaScript or TypeScript config prints while it loads
 * (`console.log('loading config')`, dotenv 17's `require('dotenv').config()` line) goes to stderr: stdout is the
 * command's output, one JSON document under `--json`. And Node's MODULE_TYPELESS_PACKAGE_JSON warning about the file
 * itself (an `export default` config in a package without `"type"`, which Node >= 22.7 loads as ESM by its syntax) is
 * dropped: it asks for `"type": "module"`, which would change how every .js file of the app loads, and said at every
 * command (and by the daemon, once more) it reads as a fault of the start.
 */

type Write = typeof process.stdout.write;
type EmitWarning = typeof process.emitWarning;

let depth = 0;
// process.stdout.write and process.emitWarning as they were: an own property (someone patched it) or inherited.
let saved: { own: boolean; write: Write; ownEmit: boolean; emitWarning: EmitWarning } | undefined;

// Config files load under a `?hive-load=` query (load-config.ts): only warnings about them are dropped.
const kTypeless = 'MODULE_TYPELESS_PACKAGE_JSON';
const kConfigUrl = '?hive-load=';

function isConfigTypelessWarning(warning: unknown, options: unknown): boolean {
  const code = typeof options === 'object' && options !== null ? (options as { code?: unknown }).code : undefined;
  const text = warning instanceof Error ? warning.message : String(warning);
  return (code === kTypeless || (warning as { code?: unknown })?.code === kTypeless) && text.includes(kConfigUrl);
}

/**
 * Runs `load` with process.stdout's writes sent to process.stderr and the config's typeless-package warning dropped;
 * restored once the last overlapping load ends.
 */
export async function withLoadOutput<T>(load: () => Promise<T>): Promise<T> {
  if (depth++ === 0) {
    const { stdout } = process;
    const emitWarning = process.emitWarning;
    saved = {
      own: Object.hasOwn(stdout, 'write'),
      write: stdout.write,
      ownEmit: Object.hasOwn(process, 'emitWarning'),
      emitWarning,
    };
    stdout.write = ((...args: unknown[]) => Reflect.apply(process.stderr.write, process.stderr, args)) as Write;
    process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
      if (isConfigTypelessWarning(warning, rest[0])) return;
      Reflect.apply(emitWarning, process, [warning, ...rest]);
    }) as EmitWarning;
  }
  try {
    return await load();
  } finally {
    if (--depth === 0 && saved !== undefined) {
      if (saved.own) process.stdout.write = saved.write;
      else delete (process.stdout as { write?: Write }).write;
      if (saved.ownEmit) process.emitWarning = saved.emitWarning;
      else delete (process as { emitWarning?: EmitWarning }).emitWarning;
      saved = undefined;
    }
  }
}
