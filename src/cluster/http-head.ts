const CR = 0x0d;
const LF = 0x0a;

/**
 * Whether the router has read all it may of a request head before it hands the connection over: the head's end (an
 * empty line), or a line ending that node's HTTP parser refuses (a bare LF, or a CR followed by anything but LF).
 * Node answers such a request 400 as soon as it reads that byte; the app's server must get the connection then, or
 * the client would wait for the router's head deadline, for an end that may never come.
 * @param from - where the bytes not looked at yet begin: those before it were, and held no end (a client that sends its
 * head in many small reads must not have its whole head scanned again at each, which made the primary's work grow
 * with the square of the head's length). Only the line endings that end at or after it are looked for; the 3 bytes
 * before it are read as their start.
 */
export function headReadable(head: Buffer, from = 0): boolean {
  if (head.indexOf('\r\n\r\n', Math.max(0, from - 3)) !== -1) return true;
  for (let i = head.indexOf(LF, from); i !== -1; i = head.indexOf(LF, i + 1))
    if (i === 0 || head[i - 1] !== CR) return true;
  // A CR last in the buffer may be followed by its LF in the next read.
  for (let i = head.indexOf(CR, Math.max(0, from - 1)); i !== -1 && i + 1 < head.length; i = head.indexOf(CR, i + 1)) {
    if (head[i + 1] !== LF) return true;
  }
  return false;
}

/**
 * The header lines of a head as the router read it (latin1), after the request line: up to its end (an empty line),
 * a line ending in LF or CRLF, as node's parser reads them with `insecureHTTPParser` (without it node answers a bare
 * LF 400, and the key matters little). Of a head read only in part (its first 16 KiB, or up to a line ending node
 * refuses), only the lines that ended: the last one may be cut short, and a key read from it (`X-Client: ali` of
 * `alice`, a pin `hive_sticky_app_3000=1` of `=12`) would send the client to another process than its whole value
 * does.
 */
export function headerLines(head: string): string[] {
  const end = /\r?\n\r?\n/.exec(head);
  if (end !== null) return head.slice(0, end.index).split(/\r?\n/).slice(1);
  return head.split(/\r?\n/).slice(1, -1);
}
