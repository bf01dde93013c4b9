import tseslint from 'typescript-eslint';
import folderCycles from './scripts/eslint/folder-cycles.mjs';


// The layering (docs/architecture.md): only src/main/electron and src/preload import 'electron'; the renderer never
// imports the engine; the engine never imports React.
export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-empty-object-type': 'off',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/main/electron/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: "Only src/main/electron/ and src/preload/ may import 'electron'." }] }] },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer talks to the engine only through DeskApi.' }],
          patterns: [
            { group: ['**/main/**', '**/main'], message: 'The renderer never imports src/main: use DeskApi.' },
            { group: ['node:*'], message: 'The renderer runs in a browser: no Node modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/**/*.ts'],
    plugins: { drdesk: { rules: { 'folder-cycles': folderCycles } } },
    rules: { 'drdesk/folder-cycles': ['error', { root: 'src/main' }] },
  },
  {
    files: ['src/main/**/*.ts', 'src/shared/**/*.ts'],
    ignores: ['src/main/electron/**'],
    rules: { 'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: "Only src/main/electron/ may import 'electron'." }, { name: 'react', message: 'The engine never imports React.' }] }] },
  },
);
