import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DataTable, type Column } from '../../../../src/renderer/components/DataTable';

interface Row {
  id: string;
  n: number;
}

const rows: Row[] = [
  { id: 'a', n: 1 },
  { id: 'b', n: 2 },
];
const cols = (admin: boolean): (Column<Row> | false)[] => [
  { header: 'Id', cellClass: 'mono', cell: (r) => r.id },
  { header: 'N', headerClass: 'num', cellClass: (r) => (r.n > 1 ? 'num big' : 'num'), cellProps: (r) => ({ title: `n=${r.n}` }), cell: (r) => r.n },
  admin && { label: 'Actions', cellClass: 'actions', cell: (r) => h('button', { type: 'button' }, `Remove ${r.id}`) },
];

const render = (props: Partial<Parameters<typeof DataTable<Row>>[0]>) =>
  renderToStaticMarkup(h(DataTable<Row>, { rows, columns: cols(true), rowKey: (r) => r.id, ...props }));

describe('DataTable', () => {
  it('draws the head and one row per item with the classes and attributes the pages rely on', () => {
    const html = render({ className: 'table audit-table', testId: 't', rowProps: (r) => ({ 'data-testid': `row-${r.id}`, className: r.n > 1 ? 'hot' : undefined }) });
    expect(html).toBe(
      '<table class="table audit-table" data-testid="t"><thead><tr><th>Id</th><th class="num">N</th><th aria-label="Actions"></th></tr></thead><tbody>' +
        '<tr data-testid="row-a"><td class="mono">a</td><td class="num" title="n=1">1</td><td class="actions"><button type="button">Remove a</button></td></tr>' +
        '<tr data-testid="row-b" class="hot"><td class="mono">b</td><td class="num big" title="n=2">2</td><td class="actions"><button type="button">Remove b</button></td></tr>' +
        '</tbody></table>',
    );
  });

  it('leaves out a column given as false, in the head and in every row', () => {
    const html = render({ columns: cols(false) });
    expect(html).not.toContain('Actions');
    expect(html).not.toContain('<button');
    expect(html.match(/<td/g)).toHaveLength(4);
  });

  it('shows the empty text instead of a table when there are no rows, and an empty table when none is given', () => {
    expect(render({ rows: [], empty: 'Nothing yet.' })).toBe('<div class="empty">Nothing yet.</div>');
    expect(render({ rows: [] })).toBe('<table class="table"><thead><tr><th>Id</th><th class="num">N</th><th aria-label="Actions"></th></tr></thead><tbody></tbody></table>');
    expect(render({ empty: 'Nothing yet.' })).not.toContain('Nothing yet.');
  });

  it('puts a row given by below right under its own row', () => {
    const html = render({ below: (r) => r.id === 'a' && h('tr', { className: 'detail' }, h('td', { colSpan: 3 }, 'more about a')) });
    expect(html).toMatch(/Remove a<\/button><\/td><\/tr><tr class="detail"><td colSpan="3">more about a<\/td><\/tr><tr><td class="mono">b/);
  });
});
