import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/** Tests run against the workspace sources, not the built packages. */
export const sourceAliases = [
  { find: /^@tta\/agent-context\/redis$/, replacement: src('agent-context/src/redis/index.ts') },
  { find: /^@tta\/agent-context$/, replacement: src('agent-context/src/index.ts') },
  { find: /^@tta\/primitives\/testing$/, replacement: src('primitives/src/testing/index.ts') },
  { find: /^@tta\/primitives\/agents$/, replacement: src('primitives/src/agents/index.ts') },
  { find: /^@tta\/primitives\/llm$/, replacement: src('primitives/src/llm/index.ts') },
  { find: /^@tta\/primitives\/redis$/, replacement: src('primitives/src/redis/index.ts') },
  { find: /^@tta\/primitives$/, replacement: src('primitives/src/index.ts') },
  { find: /^@tta\/observability\/setup$/, replacement: src('observability/src/setup/index.ts') },
  { find: /^@tta\/observability$/, replacement: src('observability/src/index.ts') },
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
