/**
 * How a plain table narrows to a terminal: a column cut (its cells ending in `…`) to no fewer than `to`, or left out.
 */
export type FitStep = { cut: string; to: number } | { drop: string };

/** The two spaces between the columns of a plain table. */
export const COLUMN_GAP = 2;

/**
 * The columns of a table shown within `width` terminal columns, and the width of each: `steps` are taken in order until
 * the table fits (a cut only as far as needed), so that its rows never wrap on a narrow terminal, as PM2's `pm2 ls`
 * picks a condensed, then a minimal layout for one. The rows may still be too wide once every step is taken.
 */
export function fitColumns(
  headers: readonly string[],
  widths: readonly number[],
  width: number,
  steps: readonly FitStep[],
): { shown: number[]; widths: number[] } {
  const fitted = [...widths];
  let shown = headers.map((_, i) => i);
  const total = () => shown.reduce((sum, i) => sum + fitted[i]!, 0) + COLUMN_GAP * (shown.length - 1);
  for (const step of steps) {
    const over = total() - width;
    if (over <= 0) break;
    if ('drop' in step) {
      shown = shown.filter((i) => headers[i] !== step.drop);
      continue;
    }
    const i = headers.indexOf(step.cut);
    if (i !== -1) fitted[i] = Math.min(fitted[i]!, Math.max(step.to, fitted[i]! - over));
  }
  return { shown, widths: fitted };
}

/**
 * The columns of the terminal that stdout writes to, or undefined when it is not one: piped or redirected, a table
 * keeps every column and its whole cells for the scripts that read it (as PM2's `pm2 ls` does).
 */
export function terminalColumns(): number | undefined {
  const { stdout } = process;
  return stdout.isTTY && stdout.columns > 0 ? stdout.columns : undefined;
}
