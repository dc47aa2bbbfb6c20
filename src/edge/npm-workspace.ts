/**
 * Whether an app's directory is a workspace of an npm monorepo, whose lockfile is at the root: `npm install` there
 * writes package-lock.json in the root, never in the workspace, and the recipes' build context is the app's directory.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

/** The workspace root that lists `dir` among its workspaces, and the root's lockfile. */
export interface NpmWorkspaceRoot {
  root: string;
  /** `dir` from the root, with `/`. */
  path: string;
  lockfile: string;
}

/**
 * The nearest directory above `dir` whose package.json lists `dir` in `workspaces` and holds a package-lock.json (or
 * npm-shrinkwrap.json), as npm looks for a workspace's root; undefined when there is none.
 */
export function npmWorkspaceRoot(dir: string): NpmWorkspaceRoot | undefined {
  for (let root = dirname(dir); ; root = dirname(root)) {
    const path = relative(root, dir).split(sep).join('/');
    const patterns = workspacePatterns(join(root, 'package.json'));
    if (patterns.some((pattern) => globMatches(pattern, path))) {
      const lockfile = ['package-lock.json', 'npm-shrinkwrap.json']
        .map((name) => join(root, name))
        .find((file) => existsSync(file));
      return lockfile === undefined ? undefined : { root, path, lockfile };
    }
    if (dirname(root) === root) return undefined;
  }
}

// `workspaces` is an array of globs, or (yarn's shape, which npm reads too) { packages: [...] }. A package.json that
// is missing or unreadable has none.
function workspacePatterns(file: string): string[] {
  let pkg: unknown;
  try {
    pkg = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return [];
  }
  const field = (pkg as { workspaces?: unknown } | null)?.workspaces;
  const list = Array.isArray(field) ? field : (field as { packages?: unknown } | undefined)?.packages;
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}

// The globs npm's workspaces take in practice: `*` within one path segment, `**` across any, a leading `./` and a
// trailing `/` ignored.
function globMatches(pattern: string, path: string): boolean {
  const clean = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
  const source = clean
    .split(/(\*\*\/?|\*)/)
    .map((part) => {
      if (part === '**/') return '(?:[^/]+/)*';
      if (part === '**') return '.*';
      if (part === '*') return '[^/]*';
      return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`).test(path);
}
