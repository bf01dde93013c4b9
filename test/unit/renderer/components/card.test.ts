import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Card } from '../../../../src/renderer/components/Card';
import { Fact } from '../../../../src/renderer/components/Fact';

describe('Card', () => {
  it('is a section with the titled header row, then its content', () => {
    expect(renderToStaticMarkup(h(Card, { title: 'Steps', children: h('p', null, 'x') }))).toBe('<section class="card"><header class="card-header"><h2>Steps</h2></header><p>x</p></section>');
  });

  it('keeps the extra classes, the accessible name, the test id and data-* attributes, and puts the aside beside the title', () => {
    const html = renderToStaticMarkup(
      h(Card, { title: 'Lease', className: 'lease-card', label: 'Lease', testId: 'backup-lease', 'data-stopped': 'true', aside: h('span', { className: 'pill' }, 'ok') }),
    );
    expect(html).toBe('<section class="card lease-card" aria-label="Lease" data-testid="backup-lease" data-stopped="true"><header class="card-header"><h2>Lease</h2><span class="pill">ok</span></header></section>');
  });

  it('is a form when asked, so its submit button submits it', () => {
    expect(renderToStaticMarkup(h(Card, { title: 'Add', as: 'form', className: 'form-card', onSubmit: () => {} }))).toMatch(/^<form class="card form-card"><header/);
  });
});

describe('Fact', () => {
  it('is one field of a definition list, with the value cell carrying class and test id', () => {
    expect(renderToStaticMarkup(h(Fact, { label: 'Landing', className: 'mono', testId: 'landing', children: 'dr:/x' }))).toBe(
      '<div class="field"><dt>Landing</dt><dd class="mono" data-testid="landing">dr:/x</dd></div>',
    );
    expect(renderToStaticMarkup(h(Fact, { label: 'Kept', children: '3' }))).toBe('<div class="field"><dt>Kept</dt><dd>3</dd></div>');
  });
});
