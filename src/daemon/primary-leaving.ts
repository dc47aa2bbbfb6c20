/**
 * Tells the daemon that forked this primary, over IPC (ahead of what waits for it on stdout), that the primary is on
 * its way out (a stop, or its app ended): the daemon reads the rest of its output at once from then on, not at the
 * pace of the app's log files (log-backlog.ts). At that pace a slow disk took longer than the primary waits for its
 * reader before it exits (exit-flushed.ts), and the app's last lines, up to 16 MiB of them, were lost unsaid. Once;
 * nothing without a channel.
 */
export function sayLeaving(): void {
  if (said) return;
  said = true;
  // With a callback: a channel closed meanwhile fails the send there, not as an uncaught error.
  process.send?.({ hive: 1, type: 'leaving' }, undefined, {}, () => {});
}

let said = false;
