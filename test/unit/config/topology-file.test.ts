import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeskError } from '../../../src/shared/errors';
import { loadTopologyFile } from '../../../src/main/config/topology-file';

const dir = mkdtempSync(join(tmpdir(), 'drdesk-topo-'));

const GOOD = `
name: Test
sites:
  - name: DC
    role: dc
    appHealthUrls: [http://127.0.0.1:8080/health]
    replicaSets:
      - name: rs-dc
        members:
          - { name: dc-1, host: 10.0.0.1, port: 27017, role: primary }
          - { name: dc-2, host: 10.0.0.2, port: 27017, role: secondary }
          - { name: dc-3, host: 10.0.0.3, port: 27017, role: arbiter }
  - name: DR
    role: dr
    replicaSets:
      - name: rs-dr
        members:
          - { name: dr-1, host: 10.1.0.1, port: 27017, role: primary }
backup: { from: DC, to: DR }
`;

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function problems(name: string, text: string): Promise<string[]> {
  const err = await loadTopologyFile(file(name, text)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DeskError);
  const e = err as DeskError;
  expect(e.code).toBe('TOPOLOGY_INVALID');
  return (e.details as { problems: string[] }).problems;
}

describe('loadTopologyFile', () => {
  it('loads YAML and fills defaults', async () => {
    const { topology, source } = await loadTopologyFile(file('good.yaml', GOOD));
    expect(source).toBe(join(dir, 'good.yaml'));
    expect(topology.pollIntervalSeconds).toBe(5);
    expect(topology.historyRetentionDays).toBe(7);
    expect(topology.thresholds).toMatchObject({ lagYellowSeconds: 10, lagRedSeconds: 60, oplogWindowYellowHours: 24, oplogWindowRedHours: 6 });
    expect(topology.sites[0].replicaSets[0].members).toHaveLength(3);
  });

  it('loads JSON', async () => {
    const { parse } = await import('yaml');
    const { topology } = await loadTopologyFile(file('good.json', JSON.stringify(parse(GOOD))));
    expect(topology.sites.map((s) => s.name)).toEqual(['DC', 'DR']);
  });

  it('names the path of a missing field', async () => {
    const p = await problems('missing.yaml', GOOD.replace('{ name: dc-2, host: 10.0.0.2, port: 27017, role: secondary }', '{ name: dc-2, port: 27017, role: secondary }'));
    expect(p).toEqual(['sites[0].replicaSets[0].members[1].host: missing — add a host name or IP address such as "10.0.0.5"']);
  });

  it('names the path of a wrong type and says what to write', async () => {
    const p = await problems('type.yaml', GOOD.replace('port: 27017, role: secondary', 'port: "27017", role: secondary'));
    expect(p).toEqual(['sites[0].replicaSets[0].members[1].port: expected a number, got the text "27017" — write a TCP port between 1 and 65535']);
  });

  it('names a bad port', async () => {
    const p = await problems('port.yaml', GOOD.replace('host: 10.0.0.2, port: 27017', 'host: 10.0.0.2, port: 70000'));
    expect(p).toEqual(['sites[0].replicaSets[0].members[1].port: a TCP port between 1 and 65535']);
  });

  it('names a duplicate member', async () => {
    const p = await problems('dup.yaml', GOOD.replace('name: dc-2, host: 10.0.0.2', 'name: dc-1, host: 10.0.0.2'));
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/^sites\[0\]\.replicaSets\[0\]\.members\[1\]\.name: duplicate member "dc-1"/);
  });

  it('names an unknown site', async () => {
    const p = await problems('site.yaml', GOOD.replace('backup: { from: DC, to: DR }', 'backup: { from: DC, to: DRX }'));
    expect(p).toEqual(['backup.to: unknown site "DRX": use one of DC, DR']);
  });

  it('names an unknown field and a bad enum', async () => {
    const p = await problems('unknown.yaml', GOOD.replace('role: dr', 'role: standby\n    colour: blue'));
    expect(p).toContain('sites[1].colour: unknown field "colour" — remove it or check its spelling');
    expect(p).toContain('sites[1].role: either "dc" (production) or "dr" (standby)');
  });

  it('lists every problem in the message', async () => {
    const err = await loadTopologyFile(file('two.yaml', GOOD.replace('port: 27017, role: primary', 'port: 0, role: boss'))).catch((e: DeskError) => e);
    expect((err as DeskError).message).toMatch(/has 2 problems:\n {2}sites\[0\]\.replicaSets\[0\]\.members\[0\]\.port: .*\n {2}sites\[0\]\.replicaSets\[0\]\.members\[0\]\.role: /);
  });

  it('reports YAML syntax errors with line and column', async () => {
    const err = await loadTopologyFile(file('syntax.yaml', 'sites:\n  - name: [DC\n')).catch((e: DeskError) => e);
    expect((err as DeskError).code).toBe('TOPOLOGY_SYNTAX');
    expect((err as DeskError).message).toMatch(/is not valid YAML at line \d+, column \d+/);
  });

  it('reports a file that is not an object, and a missing file', async () => {
    await expect(loadTopologyFile(file('list.yaml', '- a\n- b\n'))).rejects.toMatchObject({ code: 'TOPOLOGY_INVALID' });
    await expect(loadTopologyFile(join(dir, 'nope.yaml'))).rejects.toMatchObject({ code: 'TOPOLOGY_NOT_FOUND', message: expect.stringContaining('No topology file at') });
  });

  it('names missing top-level fields', async () => {
    const p = await problems('empty.yaml', 'name: x\n');
    expect(p).toEqual(['sites: missing — add a list of sites (name, role, replicaSets)']);
  });
});

describe('replica set names', () => {
  it('names a duplicate replica set within a site', async () => {
    const text = GOOD.replace(
      '          - { name: dc-3, host: 10.0.0.3, port: 27017, role: arbiter }',
      '          - { name: dc-3, host: 10.0.0.3, port: 27017, role: arbiter }\n      - name: rs-dc\n        members:\n          - { name: dc-9, host: 10.0.0.9, port: 27017, role: primary }',
    );
    const err = await loadTopologyFile(file('duprs.yaml', text)).catch((e: DeskError) => e);
    expect((err as DeskError).details).toEqual({ source: join(dir, 'duprs.yaml'), problems: ['sites[0].replicaSets[1].name: duplicate replica set "rs-dc" in site DC: give each replica set its own name'] });
  });
});
