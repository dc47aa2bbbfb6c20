import { nearestPackageJson } from './nearest-package-json.js';

/**
 * How Node reads a `.js` file in `dir`, and tsx a `.ts` one: the `type` of the nearest package.json up the tree, as
 * Node looks it up (the first one found decides, with or without `type`). One that cannot be read as JSON counts as
 * CommonJS here: Node refuses it anyway, and saying so is the loader's business (`hive init` writes no file then).
 */
export function jsModuleType(dir: string): 'module' | 'commonjs' {
  const text = nearestPackageJson(dir);
  if (text === undefined) return 'commonjs';
  try {
    return (JSON.parse(text) as { type?: unknown } | null)?.type === 'module' ? 'module' : 'commonjs';
  } catch {
    return 'commonjs';
  }
}
