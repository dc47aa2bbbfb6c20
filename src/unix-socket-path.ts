/**
 * How long a Unix socket path may be. sun_path holds 108 bytes on Linux, the terminating NUL included; a longer path
 * fails only at bind or connect time (EINVAL), or is cut short by libuv and names another file. One rule for every
 * socket Hive makes at a path the user chose: `hive run --socket`, the edge's upstream socket, the daemon's socket.
 */
export const MAX_UNIX_SOCKET_PATH_BYTES = 107;

/** The length of `path` in bytes when it is too long for a Unix socket, else undefined. */
export function unixSocketPathOverLimit(path: string): number | undefined {
  const bytes = Buffer.byteLength(path);
  return bytes > MAX_UNIX_SOCKET_PATH_BYTES ? bytes : undefined;
}
