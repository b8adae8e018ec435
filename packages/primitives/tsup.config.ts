import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    testing: 'src/testing/index.ts',
    redis: 'src/redis/index.ts',
    agents: 'src/agents/index.ts',
    llm: 'src/llm/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'node',
  // Subpath entries import the root by the package's own name, so there is one set of classes.
  external: ['@tta/primitives'],
  splitting: false,
  sourcemap: false,
  clean: true,
});
