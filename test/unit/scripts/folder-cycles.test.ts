import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterEach, describe, expect, it } from 'vitest';
import folderCycles from '../../../scripts/eslint/folder-cycles.mjs';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

/** A throwaway engine tree: path (under src/main) → source. */
function tree(files: Record<string, string>): string {
  const cwd = mkdtempSync(join(tmpdir(), 'drdesk-cycles-'));
  dirs.push(cwd);
  for (const [path, text] of Object.entries(files)) {
    const p = join(cwd, 'src/main', path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return cwd;
}

function lint(cwd: string, path: string, text: string): string[] {
  const linter = new Linter({ cwd });
  const config = [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser as Linter.Parser },
      plugins: { drdesk: { rules: { 'folder-cycles': folderCycles } } },
      rules: { 'drdesk/folder-cycles': ['error', { root: 'src/main' }] },
    },
  ] as Linter.Config[];
  return linter.verify(text, config, { filename: join(cwd, 'src/main', path) }).map((m) => m.message);
}

describe('folder-cycles lint rule', () => {
  it('reports an import that closes a circle between two folders, naming the path back', () => {
    const b = "import { a } from '../alpha/a';\nexport const b = a;\n";
    const a = "import { b } from '../beta/b';\nexport const a = 1; void b;\n";
    const cwd = tree({ 'alpha/a.ts': a, 'beta/b.ts': b });
    const out = lint(cwd, 'alpha/a.ts', a);
    expect(out).toHaveLength(1);
    expect(out[0]).toContain('alpha imports beta, and beta already leads back to alpha (alpha → beta → alpha)');
  });

  it('follows longer circles, type-only imports and re-exports, and files at the root of the tree', () => {
    const files = {
      'alpha/a.ts': "export type { B } from '../beta/b';\n",
      'beta/b.ts': "import type { C } from '../gamma/c';\nexport type B = C;\n",
      'gamma/c.ts': "import { root } from '../root';\nexport type C = typeof root;\n",
      'root.ts': "import type { B } from './alpha/a';\nexport const root = 1 as unknown as B;\n",
    };
    const cwd = tree(files);
    expect(lint(cwd, 'alpha/a.ts', files['alpha/a.ts'])[0]).toContain('(alpha → beta → gamma → (root) → alpha)');
    expect(lint(cwd, 'root.ts', files['root.ts'])[0]).toContain('(root) imports alpha');
  });

  it('passes a one-way dependency, imports inside one folder and packages', () => {
    const files = {
      'alpha/a.ts': "import { b } from '../beta/b';\nimport { x } from './x';\nimport { join } from 'node:path';\nexport const a = [b, x, join];\n",
      'alpha/x.ts': 'export const x = 1;\n',
      'beta/b.ts': "import { y } from './y';\nexport const b = y;\n",
      'beta/y.ts': 'export const y = 2;\n',
    };
    const cwd = tree(files);
    expect(lint(cwd, 'alpha/a.ts', files['alpha/a.ts'])).toEqual([]);
  });

});
