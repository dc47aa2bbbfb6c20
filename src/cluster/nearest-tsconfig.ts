import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** tsx's variable for the tsconfig.json it reads (else it looks up from the process's cwd). */
export const TSX_TSCONFIG = 'TSX_TSCONFIG_PATH';

/** The tsconfig.json in the script's folder or the nearest folder above it; undefined when there is none. */
export function nearestTsconfig(script: string): string | undefined {
  for (let dir = dirname(script); ; dir = dirname(dir)) {
    const candidate = join(dir, 'tsconfig.json');
    if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}
