/** The control protocol's version (`v` of every message); see protocol.ts. Kept apart so the CLI loads no zod. */
export const PROTOCOL_VERSION = 1;

/**
 * Commands every build of Hive must understand, sent without a protocol revision (`rev`) and answered whatever the
 * sender's version and revision: to see the daemon's version, and to replace it. Their shape never changes.
 */
export const ANY_BUILD_COMMANDS: ReadonlySet<string> = new Set(['ping', 'kill']);

/** The longest request line the daemon reads; a longer one is refused and its connection closed. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
