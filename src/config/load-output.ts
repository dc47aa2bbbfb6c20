/**
 * What a config file's load puts out besides its value. What a JavaScript or TypeScript config prints while it loads
 * (`console.log('loading config')`, dotenv 17's `require('dotenv').config()` line) goes to stderr: stdout is the
 * command's output, one JSON document under `--json`. And Node's MODULE_TYPELESS_PACKAGE_JSON warning about the file
 * itself (an `export default` config in a package without `"type"`, which Node >= 22.7 loads as ESM by its syntax) is
 * dropped: it asks for `"type": "module"`, which would change how every .js file of the app loads, and said at every
 * command (and by the daemon, once more) it reads as a fault of the start. Node's "To load an ES module, set "type":
 * "module"" warning beside a load that fails on ES module syntax is held back and dropped too: the load's error says
 * to rename the file to .mjs, and two answers with opposite advice confuse (a load that ends otherwise gets it).
 */

type Write = typeof process.stdout.write;
type EmitWarning = typeof process.emitWarning;
type Emit = typeof process.emit;

let depth = 0;
// process.stdout.write and process.emitWarning as they were: an own property (someone patched it) or inherited.
let saved: { own: boolean; write: Write; ownEmit: boolean; emitWarning: EmitWarning; emit: Emit } | undefined;
// Node's ES-module-syntax warnings of the loads running now (Node 20's wording, then Node 22's and 24's).
let held: Error[] = [];
const kEsmSyntaxWarning = /^(To load an ES module, set "type": "module"|Failed to load the ES module: )/;

// Config files load under a `?hive-load=` query (load-config.ts): only warnings about them are dropped.
const kTypeless = 'MODULE_TYPELESS_PACKAGE_JSON';
const kConfigUrl = '?hive-load=';

/** Whether a load's error is ES module syntax in a file Node loads as CommonJS. */
export function isEsmSyntaxInCommonJs(message: string): boolean {
  return /Unexpected token 'export'|Cannot use import statement outside a module/.test(message);
}

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
    const emit = process.emit;
    saved = {
      own: Object.hasOwn(stdout, 'write'),
      write: stdout.write,
      ownEmit: Object.hasOwn(process, 'emitWarning'),
      emitWarning,
      emit,
    };
    stdout.write = ((...args: unknown[]) => Reflect.apply(process.stderr.write, process.stderr, args)) as Write;
    process.emitWarning = ((warning: unknown, ...rest: unknown[]) => {
      if (isConfigTypelessWarning(warning, rest[0])) return;
      Reflect.apply(emitWarning, process, [warning, ...rest]);
    }) as EmitWarning;
    // Node emits that warning itself (not through process.emitWarning), on the next tick: before the load rejects.
    process.emit = function (this: NodeJS.Process, event: string | symbol, ...args: unknown[]) {
      if (event === 'warning' && args[0] instanceof Error && kEsmSyntaxWarning.test(args[0].message)) {
        held.push(args[0]);
        return true;
      }
      return Reflect.apply(emit, this, [event, ...args]);
    } as Emit;
  }
  let failure: unknown;
  try {
    return await load();
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    if (--depth === 0 && saved !== undefined) {
      process.emit = saved.emit;
      const warnings = held;
      held = [];
      const explained = failure instanceof Error && isEsmSyntaxInCommonJs(failure.message);
      if (!explained) for (const warning of warnings) process.emit('warning', warning);
      if (saved.own) process.stdout.write = saved.write;
      else delete (process.stdout as { write?: Write }).write;
      if (saved.ownEmit) process.emitWarning = saved.emitWarning;
      else delete (process as { emitWarning?: EmitWarning }).emitWarning;
      saved = undefined;
    }
  }
}
