/** What the line finders read from: a file handle, or a buffer's bytes (a gzipped log unpacked) through bufferReader. */
export interface ReadsAt {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

/** `bytes` read as a file is. */
export function bufferReader(bytes: Buffer): ReadsAt {
  return {
    read: async (buffer, offset, length, position) => ({
      bytesRead: bytes.copy(buffer, offset, position, Math.min(bytes.length, position + length)),
    }),
  };
}

// How much of a file is read at a time, backwards from its end.
const CHUNK = 64 * 1024;

/**
 * Where the last `count` lines of a file's first `end` bytes start (a `\n` at `end - 1` ends the last of them, it
 * starts none), found by reading backwards from `end`: `hive logs --lines 5` reads the end of a 500 MB log, not all of
 * it (which took seconds and twice the file's size in memory, and failed past V8's longest string, 512 MiB).
 */
export async function lastLinesStart(handle: ReadsAt, end: number, count: number): Promise<number> {
  if (count === 0) return end;
  const last = Buffer.alloc(1);
  const endsLine = end > 0 && (await handle.read(last, 0, 1, end - 1)).bytesRead === 1 && last[0] === 0x0a;
  return afterNewlines(handle, endsLine ? end - 1 : end, count);
}

/** Where the file's first `size` bytes end after their last `\n` (0 without one), found by reading backwards. */
export function afterLastNewline(handle: ReadsAt, size: number): Promise<number> {
  return afterNewlines(handle, size, 1);
}

// Just after the `count`th `\n` before `to`, counting back from it; 0 when there are fewer.
async function afterNewlines(handle: ReadsAt, to: number, count: number): Promise<number> {
  let found = 0;
  const buffer = Buffer.alloc(CHUNK);
  while (to > 0) {
    const from = Math.max(0, to - CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, to - from, from);
    for (let i = bytesRead - 1; i >= 0; i--) {
      if (buffer[i] === 0x0a && ++found === count) return from + i + 1;
    }
    to = from;
  }
  return 0;
}
