// Every relative link of README.md and docs/*.md reaches a file that is there and, with a `#fragment`, a heading of
// it (or an `<a id>`): a heading renamed, or a link to a bold paragraph that has no anchor (cluster.md linked
// cli.md#fork-mode while "Fork mode." was bold text), otherwise lands the reader at the top of a long page.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const root = new URL('../../', import.meta.url).pathname;
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs')).flatMap((f) => (f.endsWith('.md') ? [`docs/${f}`] : [])),
];

/** The lines of a Markdown file outside fenced code blocks, with their 1-based numbers. */
function proseLines(text: string): [number, string][] {
  let fenced = false;
  return text.split('\n').flatMap((line, i): [number, string][] => {
    if (/^\s*(```|~~~)/.test(line)) {
      fenced = !fenced;
      return [];
    }
    return fenced ? [] : [[i + 1, line]];
  });
}

/**
 * The anchors GitHub gives a page: each heading's text, links reduced to their text, lowercased, with punctuation
 * other than `-` and `_` dropped and spaces made hyphens (`### \`hive ls [--json]\`` is `hive-ls---json`); a repeat
 * gets `-1`, `-2`. Plus the ids of `<a id="...">` / `<a name="...">`.
 */
function anchorsOf(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, line] of proseLines(text)) {
    for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(a[1]!);
    const heading = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const slug = heading[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

test('the anchors of a heading are those GitHub makes', () => {
  const page = '# A page\n### `hive monit [name|id] [--interval <ms>] [--json]`\n## Fork mode\n## Fork mode\n';
  assert.deepEqual(
    [...anchorsOf(`${page}\`\`\`sh\n# not a heading\n\`\`\`\n**Bold.** text <a id="here"></a>\n`)],
    ['a-page', 'hive-monit-nameid---interval-ms---json', 'fork-mode', 'fork-mode-1', 'here'],
  );
});

test('every relative link of README.md and docs/ reaches a file, and its #fragment a heading there', () => {
  const broken: string[] = [];
  for (const page of pages) {
    const text = readFileSync(join(root, page), 'utf8');
    for (const [number, line] of proseLines(text)) {
      // Inline links; a URL with a scheme (https:, mailto:) is not this repository's.
      for (const [, href] of line.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(href!)) continue;
        const [path, fragment] = href!.split('#') as [string, string | undefined];
        const target = path === '' ? join(root, page) : resolve(dirname(join(root, page)), path);
        const where = `${page}:${number}: ${href}`;
        if (!existsSync(target)) broken.push(`${where} (no ${relative(root, target)})`);
        else if (fragment !== undefined && target.endsWith('.md')) {
          if (!anchorsOf(readFileSync(target, 'utf8')).has(fragment)) broken.push(`${where} (no such heading)`);
        }
      }
    }
  }
  assert.deepEqual(broken, []);
});
