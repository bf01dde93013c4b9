import type { ComponentType } from 'react';

/** Navigation groups in display order; later features (backups, approvals, drills…) slot into these. */
export const NAV_GROUPS = ['Monitor', 'Operate', 'Approvals', 'People', 'Evidence', 'Settings'] as const;
export type NavGroup = (typeof NAV_GROUPS)[number];

export interface PageDefinition {
  /** URL fragment: #/<id>. */
  id: string;
  title: string;
  group: NavGroup;
  /** Position inside its group. */
  order: number;
  Component: ComponentType;
}

/**
 * Every src/renderer/pages/<name>/page.tsx that exports `page` is a page: adding one is a one-file change.
 */
const modules = import.meta.glob<{ page: PageDefinition }>('../pages/*/page.tsx', { eager: true });

export const PAGES: PageDefinition[] = Object.values(modules)
  .map((m) => m.page)
  .sort((a, b) => NAV_GROUPS.indexOf(a.group) - NAV_GROUPS.indexOf(b.group) || a.order - b.order);
