import { BalanceUnsupportedError } from './errors.js';

/** How connections reach the app processes. */
export type BalanceMode = 'rr' | 'os' | 'reuseport';

/** True when this Node.js supports `reusePort` in `net.Server#listen` (22.12+, 23.1+). */
export function supportsReusePort(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major >= 24 || (major === 23 && minor >= 1) || (major === 22 && minor >= 12);
}

/** Throws when the running Node.js cannot do the balance mode. */
export function assertBalanceSupported(mode: BalanceMode, version: string = process.versions.node): void {
  if (mode === 'reuseport' && !supportsReusePort(version)) throw new BalanceUnsupportedError(mode, version);
}
