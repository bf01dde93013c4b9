import type { Overview, ReplicaSetView, SiteView } from '../../../shared/monitor';

/** Geometry of the site diagram, in SVG user units. Pure, so the picture is a function of the overview. */
export const SITE_WIDTH = 390;
export const SITE_GAP = 120;
export const NODE_R = 26;
const HEADER_H = 48;
const APP_TOP = 58;
export const APP_H = 46;
const RS_TOP = 128;
const RS_ROW_H = 140;
const RS_LABEL_H = 40;
/** Below the last row: the member labels. */
const RS_BOTTOM_PAD = 84;
/** The band at the bottom of every site: when it was last seen, or since when it is unreachable. */
export const FOOTER_H = 56;
const MAX_PER_ROW = 4;

export interface Point {
  x: number;
  y: number;
}

export interface MemberPlace extends Point {
  name: string;
  /** The top node has edges below it on both sides, so its labels go to its right. */
  labels: 'below' | 'right';
}

export interface ReplicaSetPlace {
  rs: ReplicaSetView;
  top: number;
  height: number;
  members: MemberPlace[];
}

export interface SitePlace {
  site: SiteView;
  x: number;
  width: number;
  height: number;
  header: number;
  app: { y: number; boxes: Array<{ x: number; width: number }> };
  replicaSets: ReplicaSetPlace[];
}

export interface DiagramLayout {
  width: number;
  height: number;
  sites: SitePlace[];
  /** From each DC-role site to each DR-role site. */
  backupLinks: Array<{ from: SitePlace; to: SitePlace; y: number }>;
}

/** Members keep the places of their configured roles (expected primary on top), so the eye finds them again after a failover. */
function placeMembers(rs: ReplicaSetView, top: number): { members: MemberPlace[]; height: number } {
  const ordered = [...rs.members].sort((a, b) => Number(b.expectedRole === 'primary') - Number(a.expectedRole === 'primary'));
  const rows: string[][] = [[ordered[0].name]];
  for (const m of ordered.slice(1)) {
    const last = rows[rows.length - 1];
    if (rows.length === 1 || last.length >= MAX_PER_ROW) rows.push([m.name]);
    else last.push(m.name);
  }
  const members = rows.flatMap((row, r) =>
    row.map((name, i) => ({
      name,
      x: (SITE_WIDTH * (i + 1)) / (row.length + 1),
      y: top + RS_LABEL_H + NODE_R + r * RS_ROW_H,
      labels: r === 0 && rows.length > 1 ? ('right' as const) : ('below' as const),
    })),
  );
  return { members, height: RS_LABEL_H + NODE_R + (rows.length - 1) * RS_ROW_H + RS_BOTTOM_PAD };
}

function placeSite(site: SiteView, x: number): SitePlace {
  let top = RS_TOP;
  const replicaSets = site.replicaSets.map((rs) => {
    const placed = placeMembers(rs, top);
    const place = { rs, top, height: placed.height, members: placed.members };
    top += placed.height + 12;
    return place;
  });
  const n = Math.max(1, site.app.length);
  const boxWidth = Math.min(260, (SITE_WIDTH - 40) / n - 10);
  const boxes = Array.from({ length: n }, (_, i) => ({ x: (SITE_WIDTH * (i + 1)) / (n + 1) - boxWidth / 2, width: boxWidth }));
  return { site, x, width: SITE_WIDTH, height: top + FOOTER_H, header: HEADER_H, app: { y: APP_TOP, boxes }, replicaSets };
}

export function layoutDiagram(overview: Overview): DiagramLayout {
  const ordered = [...overview.sites].sort((a, b) => Number(a.role === 'dr') - Number(b.role === 'dr'));
  const sites = ordered.map((s, i) => placeSite(s, i * (SITE_WIDTH + SITE_GAP)));
  const height = Math.max(...sites.map((s) => s.height));
  sites.forEach((s) => (s.height = height));
  const backupLinks = sites
    .filter((s) => s.site.role === 'dc')
    .flatMap((from) => sites.filter((s) => s.site.role === 'dr').map((to) => ({ from, to, y: RS_TOP + RS_LABEL_H + NODE_R + RS_ROW_H / 2 })));
  return { width: sites.length * SITE_WIDTH + (sites.length - 1) * SITE_GAP, height, sites, backupLinks };
}

/** A gentle arc between two members, so a heartbeat edge stays visible beside a replication edge. */
export function arcPath(a: Point, b: Point, bow: number): string {
  const mx = (a.x + b.x) / 2;
  const my = (a.y + b.y) / 2;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  return `M${a.x},${a.y} Q${mx - (dy / len) * bow},${my + (dx / len) * bow} ${b.x},${b.y}`;
}

/** The segment between two node centres, shortened so it starts and ends at the node rims. */
export function rimToRim(a: Point, b: Point, r = NODE_R + 4): [Point, Point] {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = Math.hypot(dx, dy) || 1;
  return [
    { x: a.x + (dx / len) * r, y: a.y + (dy / len) * r },
    { x: b.x - (dx / len) * r, y: b.y - (dy / len) * r },
  ];
}

/** Like arcPath, bowing away from `centre` (the middle of the replica set) so arcs do not cross the nodes. */
export function arcAway(a: Point, b: Point, centre: Point, bow: number): string {
  const mx = (a.x + b.x) / 2;
  const my = (a.y + b.y) / 2;
  const nx = -(b.y - a.y);
  const ny = b.x - a.x;
  const outward = nx * (mx - centre.x) + ny * (my - centre.y) >= 0;
  return arcPath(a, b, outward ? bow : -bow);
}
