import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'node',
  // Shared chunks keep one WorkflowPrimitive class for the root and the subpath entries.
  splitting: true,
  sourcemap: false,
  clean: true,
});
