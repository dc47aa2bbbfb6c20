/**
 * Splits a command-line string into arguments the way a shell groups words, without expanding anything: whitespace
 * separates; `"..."` and `'...'` group (inside double quotes `\"` and `\\` stand for `"` and `\`; any other
 * backslash is itself); `""` is an empty argument. A quote that is never closed is an ordinary character
 * (`it's` stays `it's`), and `unclosed` says that one was met, for callers that would rather refuse it.
 *
 * One reader for every argument string Hive takes: a config file's `args` and `node_args`, and `--node-args`.
 */
export function splitArgs(value: string): { args: string[]; unclosed: boolean } {
  const args: string[] = [];
  let current: string | undefined;
  let unclosed = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (/\s/.test(c)) {
      if (current !== undefined) args.push(current);
      current = undefined;
      continue;
    }
    if (c === '"' || c === "'") {
      const quoted = readQuoted(value, i);
      if (quoted !== undefined) {
        current = (current ?? '') + quoted.text;
        i = quoted.end;
        continue;
      }
      unclosed = true;
    }
    current = (current ?? '') + c;
  }
  if (current !== undefined) args.push(current);
  return { args, unclosed };
}

// The text of the quoted run opening at `start` and the index of its closing quote; undefined when it never closes.
function readQuoted(value: string, start: number): { text: string; end: number } | undefined {
  const quote = value[start];
  let text = '';
  for (let i = start + 1; i < value.length; i++) {
    const c = value[i] as string;
    if (c === quote) return { text, end: i };
    if (quote === '"' && c === '\\' && (value[i + 1] === '"' || value[i + 1] === '\\')) {
      text += value[++i];
      continue;
    }
    text += c;
  }
  return undefined;
}

/** The string {@link splitArgs} reads back as `args`, each one whole (`--node-args` as `hive start` writes it). */
export function joinArgs(args: readonly string[]): string {
  return args.map((arg) => (/^[^\s"'\\]+$/.test(arg) ? arg : `"${arg.replace(/["\\]/g, '\\$&')}"`)).join(' ');
}
