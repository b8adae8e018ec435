import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/**
 * Tests run against the workspace sources, not the built packages. No list of subpaths: the
 * convention of the exports map (`@tta/x/sub` is `packages/x/src/sub/index.ts`) is enough.
 */
export const sourceAliases = [
  { find: /^@tta\/([a-z-]+)\/([a-z-]+)$/, replacement: src('$1/src/$2/index.ts') },
  { find: /^@tta\/([a-z-]+)$/, replacement: src('$1/src/index.ts') },
];

/** Integration tests (real servers): `test-integration/`, one file at a time, generous timeouts. */
export function integrationTestConfig() {
  return defineConfig({
    resolve: { alias: sourceAliases },
    test: {
      include: ['test-integration/**/*.test.ts'],
      fileParallelism: false,
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  });
}

export function packageTestConfig() {
  return defineConfig({
    resolve: { alias: sourceAliases },
    test: {
      include: ['test/**/*.test.ts'],
      typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
      restoreMocks: true,
      unstubGlobals: true,
      // Fail the run on any unhandled rejection or error, wherever it surfaces.
      dangerouslyIgnoreUnhandledErrors: false,
    },
  });
}
