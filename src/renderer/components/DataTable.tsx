import { Fragment, type ReactNode } from 'react';

/** One column: its header cell and how a row fills its cell. */
export interface Column<T> {
  header?: ReactNode;
  /** Class of the header cell (e.g. `num` for right-aligned figures). */
  headerClass?: string;
  /** Accessible name of a header cell that shows no text. */
  label?: string;
  /** Class of the body cell, fixed or per row. */
  cellClass?: string | ((row: T) => string | undefined);
  /** Extra attributes of the body cell (title, data-*). */
  cellProps?: (row: T) => Record<string, string | undefined>;
  cell: (row: T) => ReactNode;
}

type RowAttrs = Record<string, string | undefined>;

interface Props<T> {
  rows: readonly T[];
  /** `false` leaves a column out, for columns only some users see. */
  columns: readonly (Column<T> | false)[];
  rowKey: (row: T) => string | number;
  /** Class and data-* attributes of a row. */
  rowProps?: (row: T) => RowAttrs;
  /** A row of its own under a row (details opened on demand). */
  below?: (row: T) => ReactNode;
  className?: string;
  testId?: string;
  /** Shown instead of the table when there are no rows; without it an empty table is drawn. */
  empty?: ReactNode;
}

/** The app's table markup (`.table` with a head row and one body row per item), written once. */
export function DataTable<T>({ rows, columns, rowKey, rowProps, below, className = 'table', testId, empty }: Props<T>) {
  if (!rows.length && empty !== undefined) return <div className="empty">{empty}</div>;
  const cols = columns.filter((c): c is Column<T> => c !== false);
  return (
    <table className={className} data-testid={testId}>
      <thead>
        <tr>
          {cols.map((c, i) => (
            <th key={i} className={c.headerClass} aria-label={c.label}>
              {c.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <Fragment key={rowKey(r)}>
            <tr {...rowProps?.(r)}>
              {cols.map((c, i) => (
                <td key={i} className={typeof c.cellClass === 'function' ? c.cellClass(r) : c.cellClass} {...c.cellProps?.(r)}>
                  {c.cell(r)}
                </td>
              ))}
            </tr>
            {below?.(r)}
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}
