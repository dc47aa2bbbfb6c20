/**
 * A small YAML printer for the deploy recipes (compose, Kubernetes): plain objects, arrays, strings, numbers and
 * booleans, block style. The `yaml` package is only a dev dependency, and the output here must be stable byte for
 * byte (golden files), so the subset is printed by hand. Strings that could read as another type, or hold a colon
 * (YAML 1.1 reads `8080:80` as a base-60 number), are quoted.
 */

type Yaml = string | number | boolean | null | undefined | readonly Yaml[] | { readonly [key: string]: Yaml };

const kPlain = /^[A-Za-z0-9_/.][A-Za-z0-9_ ./@=+-]*$/;
// What a YAML 1.1 or 1.2 reader would take for a boolean, null, number or date: kubectl (YAML 1.1 rules) reads `1.`,
// `.inf`, `.nan` and `0b101` as numbers, and an args entry that is not a string fails the Deployment.
const kAmbiguous =
  /^(true|false|yes|no|on|off|null|~|y|n|[-+]?(\d[\d_]*(\.[\d_]*)?|\.\d[\d_]*)([eE][-+]?\d+)?|[-+]?\.(inf|nan)|0x[0-9a-f_]+|0o[0-7_]+|0b[01_]+|\d{4}-\d\d?-\d\d?)$/i;

// What a YAML double-quoted scalar must hold escaped beyond JSON's escapes (see scalar).
const kUnquotable = /[\x7f-\x9f\u2028\u2029\ufffe\uffff]/g;

/** Prints one YAML document (without the `---` marker). Keys keep their insertion order. */
export function toYaml(value: Yaml): string {
  return `${print(value, 0).replace(/^\n/, '')}\n`;
}

/** Prints several documents separated by `---`, as `kubectl apply -f` reads them. */
export function toYamlDocuments(values: readonly Yaml[]): string {
  return values.map((value) => toYaml(value)).join('---\n');
}

function print(value: Yaml, depth: number): string {
  const pad = '  '.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return ' []';
    return value
      .map((item) => {
        const body = print(item, depth + 1);
        // A mapping inside a list item starts on the dash's line.
        return isMapping(item) ? `\n${pad}- ${body.slice(pad.length + 3)}` : `\n${pad}-${body}`;
      })
      .join('');
  }
  if (isMapping(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return ' {}';
    return entries.map(([key, v]) => `\n${pad}${scalar(key)}:${print(v, depth + 1)}`).join('');
  }
  return ` ${scalar(value as string | number | boolean | null)}`;
}

function isMapping(value: Yaml): value is { readonly [key: string]: Yaml } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scalar(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value !== 'string') return String(value);
  if (kPlain.test(value) && !kAmbiguous.test(value) && !value.endsWith(' ') && !value.includes(' #')) return value;
  // JSON's escapes are YAML's, but JSON leaves some characters as they are that YAML does not take so: DEL, the C1
  // controls and U+FFFE/U+FFFF, which kubectl's reader refuses ("control characters are not allowed"), and NEL,
  // U+2028 and U+2029, line breaks to YAML, folded into a space inside quotes (a secret's value changed).
  return JSON.stringify(value).replace(kUnquotable, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
