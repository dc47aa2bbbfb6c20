/**
 * The port a PORT value names, as `hive run` reads one (digits, 1-65535); undefined for a value the app alone makes
 * sense of, which is no port Hive knows, and for 0 (any free one), which says nothing of where the app listens.
 */
export function knownPort(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,5}$/.test(value)) return undefined;
  const port = Number(value);
  return port >= 1 && port <= 65_535 ? port : undefined;
}
