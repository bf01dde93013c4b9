// ESLint rule: the folders of src/main must not import each other in a circle. A knot between two folders
// means neither can be read, tested or moved without the other; once cut, this rule keeps it cut.
//
// The rule reads every source file under `root` once per process to build the folder graph (a file directly
// in `root` belongs to the folder "(root)"), then reports each import of the linted file that crosses into a
// folder from which the linted file's folder can be reached again.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const SPECIFIER = /\b(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\bfrom\s*)?['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;
const SOURCE = /\.(?:ts|tsx|mts|js|mjs)$/;

function sourceFiles(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sourceFiles(p, out);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

export function folderOf(root, file) {
  const parts = relative(root, file).split(sep);
  return parts.length === 1 ? '(root)' : parts[0];
}

/** Folder of a relative specifier imported by `file`, or null when it leaves `root` or is a package. */
export function targetFolder(root, file, specifier) {
  if (!specifier.startsWith('.')) return null;
  const target = resolve(dirname(file), specifier);
  const rel = relative(root, target);
  if (rel.startsWith('..') || rel === '') return null;
  // `./x` may name x.ts or the folder x/index.ts: either way its first segment is the folder.
  return rel.includes(sep) ? rel.split(sep)[0] : statIsDir(target) ? rel : '(root)';
}

function statIsDir(p) {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** folder → folders it imports, read from the files on disk. */
export function folderGraph(root) {
  const graph = new Map();
  for (const file of sourceFiles(root)) {
    const from = folderOf(root, file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(SPECIFIER)) {
      const to = targetFolder(root, file, m[1] ?? m[2]);
      if (!to || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from).add(to);
    }
  }
  return graph;
}

/** A path of folders from `start` to `goal` (both included), or null. */
export function pathBetween(graph, start, goal) {
  const previous = new Map([[start, null]]);
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift();
    if (at === goal) {
      const path = [];
      for (let p = goal; p !== null; p = previous.get(p)) path.unshift(p);
      return path;
    }
    for (const next of graph.get(at) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, at);
        queue.push(next);
      }
    }
  }
  return null;
}

const graphs = new Map();

export default {
  meta: {
    type: 'problem',
    docs: { description: 'Folders of the engine must not import each other in a circle' },
    schema: [
      {
        type: 'object',
        properties: { root: { type: 'string' } },
        required: ['root'],
        additionalProperties: false,
      },
    ],
    messages: {
      cycle: '{{from}} imports {{to}}, and {{to}} already leads back to {{from}} ({{path}}): folders of {{root}} must not import each other in a circle. Move the shared piece into its own folder, or pass it in.',
    },
  },
  create(context) {
    const { root: rootOption } = context.options[0];
    const root = resolve(context.cwd ?? process.cwd(), rootOption);
    const file = context.filename;
    if (relative(root, file).startsWith('..')) return {};
    if (!graphs.has(root)) graphs.set(root, folderGraph(root));
    const graph = graphs.get(root);
    const from = folderOf(root, file);
    const check = (node) => {
      const specifier = node.source && typeof node.source.value === 'string' ? node.source.value : null;
      if (!specifier) return;
      const to = targetFolder(root, file, specifier);
      if (!to || to === from) return;
      const back = pathBetween(graph, to, from);
      if (back) context.report({ node: node.source, messageId: 'cycle', data: { from, to, root: rootOption, path: [from, ...back].join(' → ') } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
