import { Fragment, type ReactNode } from 'react';
import { Refusal } from '../app/Refusal';
import type { DeskQuery } from '../app/use-desk-query';

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

export interface DataTableProps<T> {
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
export function DataTable<T>({ rows, columns, rowKey, rowProps, below, className = 'table', testId, empty }: DataTableProps<T>) {
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

/** A DeskQuery's rows as a table: its refusal above, "Loading…" until the first answer, then the rows or the empty text. */
export function QueryTable<T>({ query, empty, ...table }: { query: DeskQuery<T[]>; empty: ReactNode } & Omit<DataTableProps<T>, 'rows' | 'empty'>) {
  return (
    <>
      <Refusal error={query.error} testId="action-error" />
      <DataTable rows={query.data ?? []} empty={query.data ? empty : 'Loading…'} {...table} />
    </>
  );
}

/** A table of rows that draw themselves (each a component with its own buttons), with no head row. */
export function RowTable<T>({ rows, row }: { rows: readonly T[]; row: (r: T) => ReactNode }) {
  return (
    <table className="table">
      <tbody>{rows.map(row)}</tbody>
    </table>
  );
}
