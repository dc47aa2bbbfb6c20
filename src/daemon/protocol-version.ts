/** The control protocol's version (`v` of every message); see protocol.ts. Kept apart so the CLI loads no zod. */
export const PROTOCOL_VERSION = 1;

/** The longest request line the daemon reads; a longer one is refused and its connection closed. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
