import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', setup: 'src/setup/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  tsconfig: 'tsconfig.build.json',
  target: 'node20',
  platform: 'node',
  // The setup entry imports the root by the package's own name, so there is one set of hooks code.
  external: ['@tta/observability'],
  // `import.meta.url` for the CommonJS build (used to load the optional prom-client).
  shims: true,
  splitting: false,
  sourcemap: false,
  clean: true,
});
