/**
 * What an app's environment variable may be called and hold, one rule for every door it comes in by (config files,
 * `--env` flags, the daemon's protocol, the deploy recipes, the Supervisor's `env`, a process-isolated pool's `env`).
 * POSIX takes almost any name and PM2 passes names as given, so only what cannot work is refused: what the
 * environment itself cannot hold, and `__proto__`.
 * No imports: the daemon's protocol revision hashes this module (daemon/protocol-revision.ts).
 */

/**
 * `__proto__` cannot name an app's variable. JSON.parse, YAML and `{ ['__proto__']: ... }` make it an own key, but on
 * its way to the app the env goes through objects that take it as their prototype instead (zod's records strip it by
 * design, an assignment sets the prototype), so it would be dropped without a word: it is refused where it is written.
 * child_process would pass it (an own enumerable key), but every layer between would have to be kept free of both.
 */
export const PROTO_ENV_NAME = '__proto__';

/** Why {@link PROTO_ENV_NAME} is refused, for the errors of the config file and the `--env` flags. */
export const protoEnvReason =
  'not a variable name Hive can pass on: JavaScript objects take `__proto__` as their prototype, not as a key, so ' +
  'the variable would be dropped on its way to the app; rename it';

/**
 * Why the variable `name` (with `value`, when it is a string) cannot reach an app as written, or undefined when it
 * can. An environment entry is a C string `NAME=value`: the first `=` ends the name (`A=B` would reach the app as `A`,
 * its value prefixed with `B=`), a NUL ends the entry (child_process refuses to start the process, far from where the
 * variable was written), and an empty name is no variable.
 */
export function envVariableProblem(name: string, value?: unknown): string | undefined {
  if (name === PROTO_ENV_NAME) return protoEnvReason;
  if (name === '') return 'an empty variable name, which no environment can hold; name the variable';
  if (name.includes('\0'))
    return 'a NUL byte in the variable name, which no environment can hold (Node would refuse to start the app)';
  if (name.includes('=')) {
    const [head] = name.split('=');
    return (
      'a variable name with "=", which no environment can hold: the first "=" ends the name, so the app would get ' +
      `${JSON.stringify(head)} with "${name.slice(head!.length + 1)}=" before its value; rename it`
    );
  }
  if (typeof value === 'string' && value.includes('\0'))
    return 'a NUL byte in the value, which no environment can hold (Node would refuse to start the app)';
  return undefined;
}

/**
 * `name` as the last part of a key path: `.API_KEY`, or `[""]` / `["A\u0000B"]` when it could not be read after a dot.
 */
export function envKeySuffix(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is looked for.
  return name === '' || /[\u0000-\u001f\u007f]/.test(name) ? `[${JSON.stringify(name)}]` : `.${name}`;
}
