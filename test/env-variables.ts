// The variables no environment can hold (src/env-variable.ts), each with what its refusal says: an empty name,
// `=` or NUL in a name, NUL in a value, and `__proto__`. The Supervisor and a process pool refuse the same ones.

/** Each bad `env` (one variable) with the message naming it as `env.<key>` and saying why. */
export const unholdableEnv: readonly [Record<string, string>, RegExp][] = [
  [{ '': 'x' }, /`env\[""\]`.*empty variable name/],
  [{ 'A=B': 'x' }, /`env\.A=B`.*"="/],
  [{ 'A\0B': 'x' }, /`env\["A\\u0000B"\]`.*NUL byte in the variable name/],
  [{ A: 'x\0y' }, /`env\.A`.*NUL byte in the value/],
  // JSON.parse makes `__proto__` an own key, as a config loaded by hand would.
  [JSON.parse('{"__proto__": "x"}') as Record<string, string>, /`env\.__proto__`.*prototype/],
];
