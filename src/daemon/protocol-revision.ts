import { readFileSync } from 'node:fs';

// A relative specifier in a static import or re-export (`import ... from './x.js'`, `export { ... } from '../y.js'`,
// `import './z.js'`); packages (zod) are not this build's to tell apart.
const relativeImport = /^\s*(?:(?:import|export)\b[^'";]*?\bfrom\s*|import\s*)['"](\.\.?\/[^'"]+)['"]/gm;

/**
 * The control protocol's revision: a hash of the module that defines every request (protocol.js as built, with its
 * schemas) and of the local modules it imports, transitively (the name rule of app-name.js, the instance counts of
 * cluster/instances.js: a schema is what those make it), sent as `rev` in every message. Hive's version does not
 * change between two builds of one version, so a daemon started by an older build took a newer CLI's requests for
 * malformed ones (ERR_HIVE_DAEMON_PROTOCOL on a key it did not know). Derived, not a constant to bump: whoever edits
 * the protocol cannot forget it. The CLI and the daemon read the same files of the same install; a daemon keeps the
 * revision of the files it loaded when it started. Any edit of those modules is a new revision (comments too: a daemon
 * to restart is cheaper than a mismatch missed).
 */
export const protocolRevision: string = revisionOf(Buffer.concat(readProtocolModules()));

/** protocol.js and the local modules it imports, transitively, each once, in the order they are first reached. */
function readProtocolModules(): Buffer[] {
  const seen = new Set<string>();
  const contents: Buffer[] = [];
  const visit = (url: URL) => {
    if (seen.has(url.href)) return;
    seen.add(url.href);
    const bytes = readModule(url);
    contents.push(bytes);
    for (const [, specifier] of bytes.toString('utf8').matchAll(relativeImport)) visit(new URL(specifier!, url));
  };
  visit(new URL('./protocol.js', import.meta.url));
  return contents;
}

function readModule(url: URL): Buffer {
  try {
    return readFileSync(url);
  } catch (error) {
    // Run from the sources (tsx), where a module is the .ts itself, imported by its .js name.
    try {
      return readFileSync(new URL(url.href.replace(/\.js$/, '.ts')));
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
