/** Shared harness helpers: adapter discovery/loading, validation, small stats. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type AdapterModule,
  isNA,
  type Op,
  SCENARIO_SPEC,
  SCENARIOS,
  type ScenarioFactory,
  type ScenarioName,
} from './contract.js';
import { probe } from './steps.js';

export const DIST_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(DIST_DIR, '..');
const ADAPTER_DIR = join(DIST_DIR, 'adapters');

/** Adapter ids = file names in dist/adapters (without .js), raw first, "_"-prefixed files skipped. */
export function listAdapters(): string[] {
  const ids = readdirSync(ADAPTER_DIR)
    .filter((f) => f.endsWith('.js') && !f.startsWith('_'))
    .map((f) => f.slice(0, -3))
    .sort();
  return ['raw', ...ids.filter((id) => id !== 'raw')];
}

export async function loadAdapter(id: string): Promise<AdapterModule> {
  const file = join(ADAPTER_DIR, `${id}.js`);
  if (!existsSync(file)) throw new Error(`no adapter "${id}" (${file})`);
  const mod = (await import(pathToFileURL(file).href)) as Partial<AdapterModule>;
  if (typeof mod.name !== 'string') throw new Error(`adapter ${id}: missing export "name"`);
  if (!mod.scenarios || typeof mod.scenarios !== 'object')
    throw new Error(`adapter ${id}: missing export "scenarios"`);
  for (const s of SCENARIOS) {
    const e = (mod.scenarios as Record<string, unknown>)[s];
    if (typeof e !== 'function' && !(e && isNA(e as never))) {
      throw new Error(`adapter ${id}: scenario "${s}" must be a factory or na(reason)`);
    }
  }
  return mod as AdapterModule;
}

function packageVersion(pkg: string): string {
  try {
    return JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8'))
      .version;
  } catch {
    return '?';
  }
}

export function adapterLabel(mod: AdapterModule): string {
  const pk = mod.packages ?? [];
  if (pk.length === 1) return `${pk[0]} ${packageVersion(pk[0])}`;
  return mod.name;
}

export function adapterVersions(mod: AdapterModule): string {
  const pk = mod.packages ?? [];
  return pk.length ? pk.map((p) => `${p}@${packageVersion(p)}`).join(', ') : '(no packages)';
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let t: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, rej) => {
      t = setTimeout(() => rej(new Error(`op did not settle within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

/**
 * Build the scenario with counting steps, run it a few times and check the
 * result and the number of step calls. Returns an error string or null.
 */
export async function validate(
  factory: ScenarioFactory,
  scenario: ScenarioName,
  runs = 5,
): Promise<string | null> {
  const spec = SCENARIO_SPEC[scenario];
  let op: Op;
  probe.enabled = true;
  try {
    op = factory();
  } catch (e) {
    return `factory threw: ${String(e)}`;
  } finally {
    probe.enabled = false;
  }
  probe.calls = 0;
  try {
    for (let i = 0; i < runs; i++) {
      const before = probe.calls;
      const p = op();
      if (!(p instanceof Promise)) return 'op must return a native Promise';
      const v = await withDeadline(p, 10_000);
      if (!spec.expect(v)) return `unexpected result ${JSON.stringify(v)}`;
      const calls = probe.calls - before;
      if (spec.callsPerOp !== undefined && calls !== spec.callsPerOp) {
        return `expected ${spec.callsPerOp} step call(s) per op, saw ${calls}`;
      }
    }
  } catch (e) {
    return `op rejected: ${String(e)}`;
  }
  if (spec.totalCallsAfterN !== undefined && probe.calls !== spec.totalCallsAfterN) {
    return `expected ${spec.totalCallsAfterN} step call(s) in ${runs} ops, saw ${probe.calls}`;
  }
  return null;
}

/** The scenario used for the leak check: seq10, or the first supported one of this list. */
export const LEAK_PREFERENCE: readonly ScenarioName[] = [
  'seq10',
  'retry_ok',
  'breaker_ok',
  ...SCENARIOS,
];

export function median(xs: number[]): number {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function parseFlags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(2, eq)] = a.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[a.slice(2)] = argv[++i];
    else out[a.slice(2)] = 'true';
  }
  return out;
}

export function requireGc(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (typeof g !== 'function') throw new Error('run with node --expose-gc');
  return g;
}
