import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Options } from 'tsup';

/**
 * The build of one package, derived from its `package.json`: the `exports` map is the one list of
 * entry points. `"."` builds `src/index.ts`; a subpath `"./name"` builds `src/name/index.ts`.
 * (TypeScript paths, vitest aliases and TypeDoc follow the same convention with wildcards, so no
 * other file lists the subpaths.) A folder with an `index.ts` that the exports map lacks, or an
 * export without its source, fails the build.
 */
export function packageBuild(configUrl: string, overrides: Options = {}) {
  const dir = dirname(fileURLToPath(configUrl));
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string;
    exports: Record<string, unknown>;
  };
  const entry: Record<string, string> = {};
  for (const key of Object.keys(pkg.exports)) {
    if (key === './package.json') continue;
    const name = key === '.' ? 'index' : key.slice(2);
    const source = key === '.' ? 'src/index.ts' : `src/${name}/index.ts`;
    if (!existsSync(join(dir, source)))
      throw new Error(`${pkg.name}: export "${key}" has no ${source}`);
    entry[name] = source;
  }
  for (const folder of readdirSync(join(dir, 'src'), { withFileTypes: true })) {
    if (folder.isDirectory() && existsSync(join(dir, 'src', folder.name, 'index.ts')))
      if (entry[folder.name] === undefined)
        throw new Error(`${pkg.name}: src/${folder.name}/index.ts is not in the exports map`);
  }
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    tsconfig: 'tsconfig.build.json',
    target: 'node20',
    platform: 'node',
    // Subpath entries import the root by the package's own name: one set of classes.
    external: [pkg.name],
    splitting: false,
    sourcemap: false,
    clean: true,
    ...overrides,
  });
}
