import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        // The renderer's .tsx use React's automatic JSX runtime (tsconfig.web.json), so unit tests can render them.
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // Integration tests start real servers (sandbox, sshd); two cores cannot run many at once.
          maxWorkers: 2,
          // Unit tests first (fast, fail early), then the integration tests with their own worker limit.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
