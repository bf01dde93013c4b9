import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Field, Select, SuggestInput } from '../../../../src/renderer/components/form';
import { RangePicker } from '../../../../src/renderer/components/RangePicker';
import { SiteSelect } from '../../../../src/renderer/components/SiteSelect';

const noop = () => {};

describe('form rows', () => {
  it('puts the label text and the control inside one label, with the field-label class unless told otherwise', () => {
    expect(renderToStaticMarkup(h(Field, { label: 'Name', children: h('input', { name: 'n' }) }))).toBe('<label class="field-label">Name<input name="n"/></label>');
    expect(renderToStaticMarkup(h(Field, { label: 'Site ', className: 'inline-label small', children: h('input') }))).toBe('<label class="inline-label small">Site <input/></label>');
    expect(renderToStaticMarkup(h(Field, { label: 'Kind', className: '', children: h('input') }))).toBe('<label>Kind<input/></label>');
  });

  it('lists every option of a select in order and marks the chosen one', () => {
    const html = renderToStaticMarkup(h(Select, { value: 'b', onChange: noop, 'data-testid': 's', options: [{ value: '', label: 'anyone' }, { value: 'b', label: 'Bea' }] } as never));
    expect(html).toBe('<select data-testid="s"><option value="">anyone</option><option value="b" selected="">Bea</option></select>');
  });

  it('ties a suggest input to its datalist by id and offers each suggestion', () => {
    const html = renderToStaticMarkup(h(SuggestInput, { listId: 'groups', suggestions: ['IT', 'business'], value: '', onChange: noop, placeholder: 'IT' }));
    expect(html).toBe('<input list="groups" placeholder="IT" value=""/><datalist id="groups"><option value="IT"></option><option value="business"></option></datalist>');
  });

  it('shows a site with its role, and no site chosen as the empty value', () => {
    const sites = [{ name: 'dc1', role: 'dc' }, { name: 'dr1', role: 'dr' }] as never;
    const html = renderToStaticMarkup(h(SiteSelect, { sites, value: 'dr1', onChange: noop }));
    expect(html).toBe('<select><option value="dc1">dc1 (DC)</option><option value="dr1" selected="">dr1 (DR)</option></select>');
  });

  it('presses exactly the chosen range', () => {
    const html = renderToStaticMarkup(h(RangePicker, { range: '1h', onChange: noop, label: 'Time range' }));
    expect(html).toContain('aria-label="Time range"');
    expect(html.match(/aria-pressed="true"/g)).toHaveLength(1);
    expect(html).toMatch(/class="active" aria-pressed="true">1 h</);
  });
});
