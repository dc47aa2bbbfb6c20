/**
 * A tiny nginx config printer: the renderers build a tree of directives and blocks, this module does the
 * indentation, so no renderer concatenates braces by hand.
 */

/** A directive line (without the `;`), a comment (`# ...`), a blank line (`''`), or a block. */
export type NginxNode = string | NginxBlock;
export interface NginxBlock {
  head: string;
  body: NginxNode[];
}

/** Builds a block; falsy children are dropped so callers can write `cond && 'directive x'`. */
export function block(head: string, body: readonly (NginxNode | false | undefined | null)[]): NginxBlock {
  return { head, body: body.filter((node): node is NginxNode => node !== false && node != null) };
}

/** Keeps the truthy nodes: `nodes(cond && 'a', 'b')`. */
export function nodes(...items: readonly (NginxNode | false | undefined | null)[]): NginxNode[] {
  return items.filter((node): node is NginxNode => node !== false && node != null);
}

/** Prints nodes at the given depth (4 spaces per level, as nginx's own examples). */
export function printNginx(tree: readonly NginxNode[], depth = 0): string {
  const pad = '    '.repeat(depth);
  let out = '';
  for (const node of tree) {
    if (typeof node === 'string') {
      if (node === '') out += '\n';
      else if (node.startsWith('#')) out += `${pad}${node}\n`;
      else out += `${node.replaceAll('\n', `\n${pad}`).replace(/^/, pad)};\n`;
    } else {
      out += `${pad}${node.head} {\n${printNginx(node.body, depth + 1)}${pad}}\n`;
    }
  }
  return out;
}

/** Quotes a value for nginx when it holds characters that would end or split the token. */
export function quote(value: string): string {
  return /^[^\s"'{};$\\]+$/.test(value) ? value : doubleQuote(value);
}

/** Quotes a value for nginx always; nginx's reader turns `\\` back into `\` and `\"` into `"`. */
export function doubleQuote(value: string): string {
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}
