// Plain aligned columns for a terminal: a header, a rule, one line per row.
export interface Column<R> {
  header: string;
  value: (row: R) => string | number | null;
  /** Numbers read best right-aligned. */
  align?: 'left' | 'right';
  /** Longer cells are cut with "…" (a message can be a paragraph). */
  maxWidth?: number;
}

const cell = <R>(column: Column<R>, row: R): string => {
  const raw = column.value(row);
  const text = (raw === null ? '-' : String(raw)).replace(/\s+/g, ' ');
  const max = column.maxWidth;
  return max !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

export const renderTable = <R>(columns: readonly Column<R>[], rows: readonly R[]): string => {
  const cells = rows.map((row) => columns.map((column) => cell(column, row)));
  const widths = columns.map((column, i) =>
    Math.max(column.header.length, ...cells.map((line) => line[i]!.length)),
  );
  const line = (texts: readonly string[]): string =>
    texts
      .map((text, i) => (columns[i]!.align === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [
    line(columns.map((c) => c.header)),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
};
