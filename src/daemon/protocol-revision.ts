import { readFileSync } from 'node:fs';

/**
 * The control protocol's revision: a hash of the module that defines every request (protocol.js as built, with its
 * schemas), sent as `rev` in every message. Hive's version does not change between two builds of one version, so a
 * daemon started by an older build took a newer CLI's requests for malformed ones (ERR_HIVE_DAEMON_PROTOCOL on a key
 * it did not know). Derived, not a constant to bump: whoever edits the protocol cannot forget it. The CLI and the
 * daemon read the same file of the same install; a daemon keeps the revision of the file it loaded when it started.
 * Any edit of the module is a new revision (comments too: a daemon to restart is cheaper than a mismatch missed).
 */
export const protocolRevision: string = revisionOf(readProtocolModule());

function readProtocolModule(): Buffer {
  try {
    return readFileSync(new URL('./protocol.js', import.meta.url));
  } catch (error) {
    // Run from the sources (tsx), where the module is the .ts itself.
    try {
      return readFileSync(new URL('./protocol.ts', import.meta.url));
    } catch {
      throw error;
    }
  }
}

/**
 * 32-bit FNV-1a of `bytes`, as 8 hex digits. Not node:crypto: every CLI command computes it, and loading crypto costs
 * more than hashing a few kilobytes this way; telling builds apart needs no cryptographic strength.
 */
export function revisionOf(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}
