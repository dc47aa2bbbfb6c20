/**
 * Styled text cells for the terminal frame. A line is a list of segments, so that a line can be cut to the terminal's
 * width on its visible characters and coloured afterwards: an escape sequence is never cut in half or counted.
 */

import stringWidth from 'string-width';
import { printable } from '../printable.js';

// The escaping of every text the frame shows, kept apart for the CLI's error report (see printable.ts).
export { printable };

/** What a segment looks like when colour is on (ignored when it is off). */
export type Style = 'bold' | 'dim' | 'inverse' | 'green' | 'yellow' | 'red' | 'cyan';

/** A run of text in one style. */
export interface Segment {
  text: string;
  style?: Style | undefined;
}

const codes: Record<Style, string> = {
  bold: '1',
  dim: '2',
  inverse: '7',
  green: '32',
  yellow: '33',
  red: '31',
  cyan: '36',
};

// Printable ASCII only: one column per character, no need for the Unicode tables.
const ASCII = /^[\x20-\x7e]*$/;

/**
 * The text's width in terminal columns: a CJK character or an emoji takes two, a combining mark none (an app or host
 * name may hold any of them).
 */
export function visibleWidth(text: string): number {
  return ASCII.test(text) ? text.length : stringWidth(text);
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** `text` cut to at most `width` columns, whole characters only, its last column an ellipsis when something was cut. */
export function truncate(raw: string, width: number): string {
  if (width <= 0) return '';
  const text = printable(raw);
  if (visibleWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(text)) {
    const next = visibleWidth(segment);
    if (used + next > width - 1) break;
    out += segment;
    used += next;
  }
  return `${out}…`;
}

/**
 * `text` in at most `max` lines of at most `width` columns, broken after a space where a line has one, the last line
 * cut with an ellipsis when text is left: a message too long for one line (an app's last error) shown whole if it fits.
 */
export function wrap(text: string, width: number, max: number): string[] {
  const lines: string[] = [];
  let rest = printable(text).trim();
  while (rest !== '' && lines.length < max - 1 && visibleWidth(rest) > width) {
    let line = '';
    let used = 0;
    let space = -1;
    for (const { segment } of graphemes.segment(rest)) {
      const next = visibleWidth(segment);
      if (used + next > width) break;
      if (segment === ' ') space = line.length;
      line += segment;
      used += next;
    }
    // A character wider than the line: nothing fits, the cut below says so.
    if (line === '') break;
    const end = space > 0 ? space : line.length;
    lines.push(rest.slice(0, end).trimEnd());
    rest = rest.slice(end).trimStart();
  }
  if (rest !== '' && lines.length < max) lines.push(truncate(rest, width));
  return lines;
}

/** `text` cut or padded with spaces to exactly `width` columns; numbers align right. */
export function cell(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const cut = truncate(text, width);
  const pad = ' '.repeat(Math.max(0, width - visibleWidth(cut)));
  return align === 'right' ? pad + cut : cut + pad;
}

/**
 * Joins segments into one line of at most `width` columns (cut, never wrapped). With `inverse`, the whole
 * line is drawn in reverse video up to `width` (the selection bar). Colour codes are added only when `color` is true.
 */
export function renderLine(segments: readonly Segment[], width: number, color: boolean, inverse = false): string {
  let room = width;
  let out = '';
  for (const segment of segments) {
    if (room <= 0) break;
    const safe = printable(segment.text);
    const length = visibleWidth(safe);
    const text = length <= room ? safe : truncate(safe, room);
    room -= Math.min(length, room);
    out += color && segment.style ? `\x1b[${codes[segment.style]}m${text}\x1b[22;27;39m` : text;
  }
  if (!color || !inverse) return out;
  // Padded so the bar spans the line; styles inside re-enable reverse video after their reset.
  return `\x1b[7m${out.replaceAll('\x1b[22;27;39m', '\x1b[22;39m')}${' '.repeat(room)}\x1b[0m`;
}

/**
 * `line` without the spaces at its end (a last column's padding), its colour sequences kept: for output that is read
 * or diffed, not drawn over a previous frame.
 */
export function trimLineEnd(line: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is matched
  return line.replace(/(?: |\x1b\[[0-9;]*m)+$/, (end) => end.replaceAll(' ', ''));
}

/** Removes SGR colour sequences (for measuring and for tests). */
export function stripAnsi(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape character is what is matched
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
