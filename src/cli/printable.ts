// Without dependencies: every command's error report (daemon-command.ts) uses it, and string-width, which the
// terminal frame of monit/text.ts needs, would cost each `hive` command tens of milliseconds to load.

// C0 controls, DEL and C1 controls (0x9b is a CSI on its own to some terminals).
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what is matched
const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;

/**
 * `text` with its control characters made visible: a tab becomes a space, any other one its `\xNN` escape. An app's
 * name, last error or event text reaches the terminal as text, never as a sequence that would clear the screen, retitle
 * the window or move the cursor (`\x1b[2J`, `\x1b]0;...\x07`), nor count as zero columns and break the layout.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (c) => (c === '\t' ? ' ' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
}

/**
 * `text` made printable line by line, its line breaks kept: a message of several lines (an app's last error, its own
 * stderr's tail; one of ours that lists things) still reads as lines, and nothing else in it acts on the terminal.
 */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
