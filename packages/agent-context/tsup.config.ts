import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', redis: 'src/redis/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'node',
  // The Redis entry imports the root by the package's own name: one StoreDataError class.
  external: ['@tta/agent-context'],
  splitting: false,
  sourcemap: false,
  clean: true,
});
