/**
 * Which of a daemon app's own env a deploy recipe takes, and where: Hive's own variables never (the container's
 * `hive run` sets them itself), the pool's thread count inline (a setting, no secret), and the app's values only when
 * asked (`--with-env`), into the env file, never compose.yaml or k8s.yaml. What is left out is said, by name only.
 */
import { splitArgs } from '../config/split-args.js';
import { ENV } from '../runtime/protocol.js';
import { fitsEnvFileLine, isRecipeEnvName, kEnvFileLineMax } from './deploy-options.js';
import { withoutInspector } from './inspector-ports.js';

/** The app's env split for a recipe: `env` inline, `secretEnv` for the env file, the rest left out and said. */
export interface RecipeEnv {
  env: Record<string, string>;
  secretEnv: Record<string, string>;
  warnings: string[];
}

// Hive's settings that reach the app as variables and are no secret: written inline, as the recipe's own NODE_ENV.
const kHiveSettings = new Set(['HIVE_POOL_THREADS']);
// What the primary sets in (or reads from) each process's env, per instance or from the daemon: its values on this
// machine would be wrong in a container, or would make the container's hive run do what the recipe does not say.
const kHiveInternal = new Set<string>(Object.values(ENV));

/**
 * `env` (the daemon app's own, `app` its quoted name) as a recipe holds it; `envFile` is the file `--with-env` writes.
 * PORT is the port itself (the recipe's --port) and is never taken.
 */
export function recipeEnvOf(app: string, env: Record<string, string>, withEnv: boolean, envFile: string): RecipeEnv {
  const result: RecipeEnv = { env: {}, secretEnv: {}, warnings: [] };
  const odd: string[] = [];
  const internal: string[] = [];
  const multiline: string[] = [];
  const long: string[] = [];
  const unasked: string[] = [];
  // NODE_OPTIONS' inspector flags (`--inspect=0.0.0.0:9229`): what the recipe's --node-args leaves out, by another way.
  const inspector = withoutInspector(splitArgs(env.NODE_OPTIONS ?? '').args).dropped;
  let inspecting = false;
  for (const [name, value] of Object.entries(env)) {
    if (name === 'PORT') continue;
    // A name the recipes cannot hold (a config's `my.var`) is left out and said: refusing it would leave no recipe
    // for the app at all, and no flag could fix that.
    if (!isRecipeEnvName(name)) odd.push(name);
    else if (kHiveSettings.has(name)) result.env[name] = value;
    else if (kHiveInternal.has(name) || name.startsWith('HIVE_')) internal.push(name);
    else if (!withEnv) unasked.push(name);
    else if (/[\n\r\0]/.test(value)) multiline.push(name);
    else if (!fitsEnvFileLine(name, value)) long.push(name);
    // Left out whole: its other flags may be quoted in ways a rewrite could get wrong.
    else if (name === 'NODE_OPTIONS' && inspector.length > 0) inspecting = true;
    else result.secretEnv[name] = value;
  }
  const names = (list: string[]) => list.map((name) => JSON.stringify(name)).join(', ');
  if (odd.length > 0) {
    result.warnings.push(
      `the env of ${app} has ${names(odd)}, not a variable name the recipes take (letters, digits and _): left ` +
        'out; add it to the recipe by hand if the app needs it',
    );
  }
  if (internal.length > 0) {
    result.warnings.push(
      `the env of ${app} has ${names(internal)}, Hive's own variables, which hive run in the container sets itself ` +
        '(per instance, or not at all): left out',
    );
  }
  if (unasked.length > 0) {
    result.warnings.push(
      `the env of ${app} has ${names(unasked)}: left out, since its values may be secrets and the recipe's files ` +
        `get shared; pass --with-env to write them into ${envFile} (mode 0600, never compose.yaml or k8s.yaml)`,
    );
  }
  if (multiline.length > 0) {
    result.warnings.push(
      `the env of ${app} has ${names(multiline)}, whose values hold a line break or a NUL byte, which ${envFile} does not take ` +
        '(compose reads one line per variable, and both recipes take the same values): left out; give the app such ' +
        "a value by the orchestrator's own means",
    );
  }
  if (long.length > 0) {
    result.warnings.push(
      `the env of ${app} has ${names(long)}, whose values make a line over ${kEnvFileLineMax} bytes, which ${envFile} ` +
        'does not take (compose\'s env file reader stops at 64 KiB a line: "token too long"; both recipes take the ' +
        "same values): left out; give the app such a value by the orchestrator's own means (a mounted file)",
    );
  }
  if (inspecting) {
    result.warnings.push(
      `the env of ${app} has NODE_OPTIONS with ${inspector.join(' ')}: a debugger's port in production lets whoever ` +
        'reaches it run code in the app: NODE_OPTIONS left out of the recipe; give its other flags with --node-args',
    );
  }
  return result;
}
