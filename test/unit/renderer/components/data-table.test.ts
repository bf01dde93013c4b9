import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DataTable, QueryTable, RowTable, type Column } from '../../../../src/renderer/components/DataTable';
import { NamedId } from '../../../../src/renderer/components/NamedId';

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

describe('QueryTable', () => {
  const q = (data: Row[] | undefined, error: { code: string; message: string } | null = null) => ({ data, error, reload: () => {} }) as never;
  const render = (query: unknown) => renderToStaticMarkup(h(QueryTable<Row>, { query: query as never, empty: 'None yet.', columns: cols(false), rowKey: (r: Row) => r.id }));

  it('says Loading… until the first answer, then the empty text, then the rows', () => {
    expect(render(q(undefined))).toBe('<div class="empty">Loading…</div>');
    expect(render(q([]))).toBe('<div class="empty">None yet.</div>');
    expect(render(q(rows))).toContain('<td class="mono">b</td>');
  });

  it('shows the refusal above, and keeps the rows it had', () => {
    const html = render(q(rows, { code: 'DB_DOWN', message: 'The database did not answer.' }));
    expect(html).toMatch(/^<div class="banner banner-red refusal" role="alert" data-testid="action-error" data-code="DB_DOWN"><code>DB_DOWN<\/code> The database did not answer.<\/div><table/);
    expect(html).toContain('<td class="mono">a</td>');
  });
});

describe('RowTable and NamedId', () => {
  it('draws each row as given, in a head-less table', () => {
    const html = renderToStaticMarkup(h(RowTable<Row>, { rows, row: (r) => h('tr', { key: r.id }, h('td', null, h(NamedId, { id: r.id, children: `row ${r.n}` }))) }));
    expect(html).toBe('<table class="table"><tbody><tr><td>row 1<div class="muted small mono">a</div></td></tr><tr><td>row 2<div class="muted small mono">b</div></td></tr></tbody></table>');
  });
});
