// Progress for long bench runs: one rewritten status line on stderr when it is a TTY, nothing otherwise (and nothing
// with --json), so piped output and the contract's last JSON line stay clean.

/**
 * @param {{ quiet?: boolean, stream?: NodeJS.WriteStream }} [options]
 * @returns {{ update: (message: string) => void, done: () => void }}
 */
export function createProgress({ quiet = false, stream = process.stderr } = {}) {
  const active = !quiet && stream.isTTY === true;
  let shown = false;
  return {
    update(message) {
      if (!active) return;
      const width = Math.max(20, (stream.columns ?? 80) - 1);
      stream.write(`\r\x1b[K${message.slice(0, width)}`);
      shown = true;
    },
    done() {
      if (active && shown) stream.write('\r\x1b[K');
      shown = false;
    },
  };
}
