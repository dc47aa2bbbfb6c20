import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The text of the package.json nearest `dir` up the tree, as Node looks one up for a module's `type` and PM2 for an
 * app's `version`: the first found decides, whatever it holds. Undefined when none is found up to `/`.
 */
export function nearestPackageJson(dir: string): string | undefined {
  for (let current = dir; ; current = dirname(current)) {
    try {
      return readFileSync(join(current, 'package.json'), 'utf8');
    } catch {}
    if (dirname(current) === current) return undefined;
  }
}
