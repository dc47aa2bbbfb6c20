import { cell, renderLine, type Segment, type Style } from './text.js';

/** A column of a {@link renderTable} table: a fixed width, so the columns do not shift between frames. */
export interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

/** A cell's text and, when colour is on, its style. */
export interface Cell {
  text: string;
  style?: Style | undefined;
}

/** A row's cells (one per column) and whether it is the selected one. */
export interface Row {
  cells: Cell[];
  selected: boolean;
}

const MARKER = 2;

/**
 * The header and rows of a table within `width`: whole columns are left out from the right when they do not fit (the
 * first is always shown, cut), so a narrow terminal loses the last columns rather than wrapping. The selected row
 * starts with `>` (and is drawn in reverse video with colour).
 */
export function renderTable(columns: readonly Column[], rows: readonly Row[], width: number, color: boolean): string[] {
  let used = MARKER;
  let shown = 0;
  for (const column of columns) {
    const next = used + (shown > 0 ? 1 : 0) + column.width;
    if (shown > 0 && next > width) break;
    used = next;
    shown++;
  }
  const segments = (cells: readonly Cell[], marker: string, style?: Style): Segment[] => {
    const out: Segment[] = [{ text: marker }];
    cells.slice(0, shown).forEach((c, i) => {
      const column = columns[i]!;
      out.push({ text: `${i > 0 ? ' ' : ''}${cell(c.text, column.width, column.align)}`, style: c.style ?? style });
    });
    return out;
  };
  const header = renderLine(
    segments(
      columns.map((c) => ({ text: c.title })),
      ' '.repeat(MARKER),
      'dim',
    ),
    width,
    color,
  );
  return [
    header,
    ...rows.map((row) => renderLine(segments(row.cells, row.selected ? '> ' : '  '), width, color, row.selected)),
  ];
}
