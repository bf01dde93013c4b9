import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { DeskError } from '../../shared/errors';
import { RESERVED_SECRET_ISSUE, topologySchema, type Topology, type TopologyInput } from '../../shared/topology';
import { formatIssues } from './topology-errors';

export interface LoadedTopology {
  topology: Topology;
  /** Absolute path of the file, or a description such as "sandbox". */
  source: string;
}

/** Validates a parsed topology; a failure is one DeskError listing every problem with its field path. */
export function validateTopology(input: unknown, source: string): Topology {
  const r = topologySchema.safeParse(input);
  if (r.success) return r.data;
  const problems = formatIssues(r.error.issues, input);
  // A reference to a reserved keychain name is an attack on the signing key, not a typo: its own code.
  const reserved = r.error.issues.some((i) => i.code === 'custom' && (i as { params?: { deskCode?: string } }).params?.deskCode === RESERVED_SECRET_ISSUE);
  throw new DeskError(
    reserved ? RESERVED_SECRET_ISSUE : 'TOPOLOGY_INVALID',
    `The topology in ${source} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n  ${problems.join('\n  ')}`,
    { source, problems },
  );
}

export function parseTopologyText(text: string, source: string): TopologyInput {
  const json = extname(source).toLowerCase() === '.json' || /^\s*\{/.test(text);
  try {
    const doc: unknown = json ? JSON.parse(text) : parseYaml(text);
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc))
      throw new DeskError('TOPOLOGY_INVALID', `${source} does not hold a topology object: it should start with "name:" and "sites:"`, { source });
    return doc as TopologyInput;
  } catch (err) {
    if (err instanceof DeskError) throw err;
    const where = err instanceof YAMLParseError && err.linePos ? ` at line ${err.linePos[0].line}, column ${err.linePos[0].col}` : '';
    throw new DeskError('TOPOLOGY_SYNTAX', `${source} is not valid ${json ? 'JSON' : 'YAML'}${where}: ${(err as Error).message.split('\n')[0]}`, { source });
  }
}

export async function loadTopologyFile(path: string): Promise<LoadedTopology> {
  const source = resolve(path);
  let text: string;
  try {
    text = await readFile(source, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DeskError(
      'TOPOLOGY_NOT_FOUND',
      code === 'ENOENT' ? `No topology file at ${source}: check the path, or omit it to use the built-in sandbox` : `Cannot read ${source}: ${(err as Error).message}`,
      { source },
    );
  }
  return { topology: validateTopology(parseTopologyText(text, source), source), source };
}
