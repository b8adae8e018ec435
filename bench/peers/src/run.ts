/**
 * Orchestrator. Spawns one Node process per (round, adapter), interleaving
 * adapters within each round (rotated start), then one leak-check process per
 * adapter, and prints a Markdown report on stdout (progress goes to stderr).
 *
 *   node dist/run.js [--rounds 5] [--adapters raw,effect] [--min-ms 400]
 *                    [--warmup-ms 150] [--slices 4] [--cpu-ms 100]
 *                    [--leak-ops 1000000] [--leak-max-s 60]
 *                    [--no-leak] [--validate-only] [--md-out file] [--json-out file]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { SCENARIOS, type ScenarioName } from './contract.js';
import {
  adapterLabel,
  adapterVersions,
  DIST_DIR,
  listAdapters,
  loadAdapter,
  median,
  parseFlags,
  ROOT,
} from './harness.js';
import type { ScenarioResult } from './worker.js';

const flags = parseFlags(process.argv.slice(2));
const rounds = Math.max(1, Number(flags.rounds ?? 5));
const adapters = flags.adapters ? flags.adapters.split(',') : listAdapters();
const minMs = Number(flags['min-ms'] ?? 400);
const warmupMs = Number(flags['warmup-ms'] ?? 150);
const slices = Number(flags.slices ?? 4);
const cpuMs = Number(flags['cpu-ms'] ?? 100);
const leakOps = Number(flags['leak-ops'] ?? 1_000_000);
const leakMaxS = Number(flags['leak-max-s'] ?? 60);
const doLeak = flags['no-leak'] !== 'true';
const validateOnly = flags['validate-only'] === 'true';

interface WorkerOut {
  adapter: string;
  name: string;
  round: number;
  node: string;
  rssAfterImport: number;
  maxRss: number;
  results: Partial<Record<ScenarioName, ScenarioResult>>;
}
interface LeakOut {
  adapter: string;
  scenario: ScenarioName;
  targetOps: number;
  ops: number;
  capped: boolean;
  seconds: number;
  nsPerOp: number;
  heap0: number;
  heapHalf: number;
  heapEnd: number;
  growth: number;
  growthSecondHalf: number;
  bytesPerOp: number;
  maxRss: number;
}

/** Linux /proc/stat aggregate CPU counters (jiffies), to report host steal time during the run. */
function cpuStat(): { total: number; steal: number } | null {
  try {
    const f = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { total: f.reduce((a, b) => a + b, 0), steal: f[7] ?? 0 };
  } catch {
    return null;
  }
}

/** Child env: library defaults; no LangSmith/LangChain tracing or callback config leaking in from the shell. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(LANGCHAIN_|LANGSMITH_|LANGCHAIN|NODE_OPTIONS$)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

function spawnNode<T>(
  script: string,
  args: string[],
): { ok: true; out: T } | { ok: false; error: string } {
  const r = spawnSync(process.execPath, ['--expose-gc', join(DIST_DIR, script), ...args], {
    cwd: ROOT,
    env: childEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60 * 1000,
  });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
  if (r.status !== 0 || !line) return { ok: false, error: `exit ${r.status ?? r.signal}` };
  return { ok: true, out: JSON.parse(line.slice(7)) as T };
}

const fmtNs = (ns: number) =>
  !Number.isFinite(ns)
    ? '—'
    : ns < 1e3
      ? `${ns.toFixed(0)} ns`
      : ns < 1e6
        ? `${(ns / 1e3).toFixed(ns < 1e4 ? 2 : 1)} µs`
        : `${(ns / 1e6).toFixed(2)} ms`;
const fmtX = (r: number) =>
  !Number.isFinite(r) ? '—' : `×${r < 10 ? r.toFixed(2) : r < 100 ? r.toFixed(1) : r.toFixed(0)}`;
const fmtMB = (b: number) => (!Number.isFinite(b) ? '—' : `${(b / 2 ** 20).toFixed(0)}`);
const fmtKB = (b: number) => `${b >= 0 ? '+' : ''}${(b / 1024).toFixed(0)} KB`;

async function main() {
  const t0 = Date.now();
  const stat0 = cpuStat();
  const labels: Record<string, string> = {};
  const versions: Record<string, string> = {};
  for (const a of adapters) {
    const mod = await loadAdapter(a);
    labels[a] = adapterLabel(mod);
    versions[a] = adapterVersions(mod);
  }

  const runs: WorkerOut[] = [];
  const failures: string[] = [];
  const R = validateOnly ? 1 : rounds;
  for (let r = 1; r <= R; r++) {
    const order = adapters.map((_, i) => adapters[(i + r - 1) % adapters.length]);
    process.stderr.write(`round ${r}/${R}: ${order.join(' -> ')}\n`);
    for (const a of order) {
      const args = [
        '--adapter',
        a,
        '--round',
        String(r),
        '--min-ms',
        String(minMs),
        '--warmup-ms',
        String(warmupMs),
        '--slices',
        String(slices),
        '--cpu-ms',
        String(cpuMs),
      ];
      if (validateOnly) args.push('--validate-only');
      if (flags.scenarios) args.push('--scenarios', flags.scenarios);
      const res = spawnNode<WorkerOut>('worker.js', args);
      if (res.ok) runs.push(res.out);
      else failures.push(`${a} round ${r}: ${res.error}`);
    }
  }

  const leaks: Record<string, LeakOut | { error: string }> = {};
  if (doLeak && !validateOnly) {
    for (const a of adapters) {
      process.stderr.write(`leak check: ${a}\n`);
      const res = spawnNode<LeakOut>('leak.js', [
        '--adapter',
        a,
        '--ops',
        String(leakOps),
        '--max-s',
        String(leakMaxS),
      ]);
      leaks[a] = res.ok ? res.out : { error: res.error };
    }
  }

  const stat1 = cpuStat();
  const stealPct =
    stat0 && stat1 && stat1.total > stat0.total
      ? (100 * (stat1.steal - stat0.steal)) / (stat1.total - stat0.total)
      : NaN;

  // ---------- aggregate ----------
  type Cell = {
    status: 'ok' | 'na' | 'error' | 'missing';
    lib: number;
    raw: number;
    ratio: number;
    rmin: number;
    rmax: number;
    n: number;
    libCpu?: number;
    rawCpu?: number;
    cpuRatio?: number;
    note?: string;
  };
  const cells: Record<string, Record<string, Cell>> = {};
  const rawInside: Record<string, number[]> = {};
  const notes: string[] = [];
  for (const a of adapters) {
    cells[a] = {};
    const mine = runs.filter((x) => x.adapter === a);
    for (const s of SCENARIOS) {
      const rs = mine.map((x) => x.results[s]).filter((x): x is ScenarioResult => !!x);
      const oks = rs.filter(
        (x): x is Extract<ScenarioResult, { status: 'ok' }> => x.status === 'ok',
      );
      const na = rs.find((x) => x.status === 'na') as
        | Extract<ScenarioResult, { status: 'na' }>
        | undefined;
      const er = rs.find((x) => x.status === 'error') as
        | Extract<ScenarioResult, { status: 'error' }>
        | undefined;
      if (na) {
        cells[a][s] = {
          status: 'na',
          lib: NaN,
          raw: NaN,
          ratio: NaN,
          rmin: NaN,
          rmax: NaN,
          n: 0,
          note: na.reason,
        };
        notes.push(`- **${labels[a]} · ${s}**: n/a — ${na.reason}`);
      } else if (er) {
        cells[a][s] = {
          status: 'error',
          lib: NaN,
          raw: NaN,
          ratio: NaN,
          rmin: NaN,
          rmax: NaN,
          n: 0,
          note: er.error,
        };
        notes.push(`- **${labels[a]} · ${s}**: ERROR — ${er.error}`);
      } else if (oks.length === 0 || validateOnly) {
        cells[a][s] = {
          status: oks.length ? 'ok' : 'missing',
          lib: NaN,
          raw: NaN,
          ratio: NaN,
          rmin: NaN,
          rmax: NaN,
          n: oks.length,
        };
      } else {
        const ratios = oks.map((x) => x.ratio!);
        cells[a][s] = {
          status: 'ok',
          lib: median(oks.map((x) => x.lib!.avg)),
          raw: median(oks.map((x) => x.raw!.avg)),
          ratio: median(ratios),
          rmin: Math.min(...ratios),
          rmax: Math.max(...ratios),
          n: oks.length,
          libCpu: median(oks.map((x) => x.lib!.cpu ?? NaN)),
          rawCpu: median(oks.map((x) => x.raw!.cpu ?? NaN)),
          cpuRatio: median(oks.map((x) => (x.lib!.cpu ?? NaN) / (x.raw!.cpu ?? NaN))),
        };
        (rawInside[s] ??= []).push(...oks.map((x) => x.raw!.avg));
      }
    }
  }

  // ---------- report ----------
  const lines: string[] = [];
  const cpu = os.cpus()[0]?.model ?? '?';
  const nproc = os.availableParallelism?.() ?? os.cpus().length;
  lines.push(
    `Machine: ${os.type()} ${os.release()} ${os.arch()}, ${cpu}, nproc=${nproc}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM; Node ${process.version}.`,
  );
  lines.push('');
  lines.push(
    `Config: ${R} round(s), adapters interleaved per round (rotated start), one process per (round, adapter); raw and lib each warmed ${warmupMs} ms, then timed with mitata for ${minMs} ms of measured time each, split into ${slices} alternating ABBA slices (A = raw on odd rounds, lib on even rounds); a side's ns/op = median over its slices of mitata's trimmed mean per call.`,
  );
  lines.push('');
  lines.push(`Columns: ${adapters.map((a) => `${labels[a]} = ${versions[a]}`).join('; ')}.`);
  lines.push('');
  if (validateOnly) {
    lines.push('| scenario | ' + adapters.map((a) => labels[a]).join(' | ') + ' |');
    lines.push('|---|' + adapters.map(() => '---').join('|') + '|');
    for (const s of SCENARIOS) {
      lines.push(
        `| ${s} | ` +
          adapters
            .map(
              (a) => ({ ok: 'valid', na: 'n/a', error: 'ERROR', missing: '—' })[cells[a][s].status],
            )
            .join(' | ') +
          ' |',
      );
    }
  } else {
    lines.push(
      `#### Per-op cost: median ns/op over ${R} rounds, and ×(lib/raw) = median of the per-round ratios measured inside the same process`,
    );
    lines.push('');
    lines.push(
      '| scenario | ' +
        adapters.map((a) => labels[a]).join(' | ') +
        ' | raw floor inside every process (min–max) |',
    );
    lines.push('|---|' + adapters.map(() => '---:').join('|') + '|---:|');
    for (const s of SCENARIOS) {
      const row = adapters.map((a) => {
        const c = cells[a][s];
        if (c.status === 'na') return 'n/a';
        if (c.status === 'error') return 'ERROR';
        if (c.status === 'missing') return '—';
        return `${fmtNs(c.lib)} ${fmtX(c.ratio)}`;
      });
      const ri = rawInside[s] ?? [];
      const range = ri.length ? `${fmtNs(Math.min(...ri))} – ${fmtNs(Math.max(...ri))}` : '—';
      lines.push(`| ${s} | ${row.join(' | ')} | ${range} |`);
    }
    lines.push('');
    lines.push(
      `#### Spread of the lib/raw ratio across rounds (min–max; the raw column is raw vs raw = the noise floor)`,
    );
    lines.push('');
    lines.push('| scenario | ' + adapters.map((a) => labels[a]).join(' | ') + ' |');
    lines.push('|---|' + adapters.map(() => '---:').join('|') + '|');
    for (const s of SCENARIOS) {
      const row = adapters.map((a) => {
        const c = cells[a][s];
        if (c.status !== 'ok')
          return c.status === 'na' ? 'n/a' : c.status === 'error' ? 'ERROR' : '—';
        return `${c.rmin.toFixed(2)}–${c.rmax.toFixed(2)} (n=${c.n})`;
      });
      lines.push(`| ${s} | ${row.join(' | ')} |`);
    }
    lines.push('');
    lines.push(
      `#### CPU per op: process user+sys CPU (all threads) over a ${cpuMs} ms plain loop, median over rounds, ×(lib/raw CPU) in-process. Wall ≫ CPU means the op mostly waits (timers, setImmediate hops)`,
    );
    lines.push('');
    lines.push('| scenario | ' + adapters.map((a) => labels[a]).join(' | ') + ' |');
    lines.push('|---|' + adapters.map(() => '---:').join('|') + '|');
    for (const s of SCENARIOS) {
      const row = adapters.map((a) => {
        const c = cells[a][s];
        if (c.status !== 'ok')
          return c.status === 'na' ? 'n/a' : c.status === 'error' ? 'ERROR' : '—';
        return `${fmtNs(c.libCpu ?? NaN)} ${fmtX(c.cpuRatio ?? NaN)}`;
      });
      lines.push(`| ${s} | ${row.join(' | ')} |`);
    }
    lines.push('');
    lines.push(
      '#### Memory: RSS of the benchmark processes, and leak check (heapUsed after forced full GC)',
    );
    lines.push('');
    lines.push(
      '| adapter | RSS after imports, MB | peak RSS of bench process, MB (median) | leak scenario | ops | heap Δ start→end | heap Δ 2nd half | B/op | ns/op in loop | peak RSS of leak process, MB |',
    );
    lines.push('|---|---:|---:|---|---:|---:|---:|---:|---:|---:|');
    for (const a of adapters) {
      const mine = runs.filter((x) => x.adapter === a);
      const lk = leaks[a];
      const lcells = !lk
        ? ['—', '—', '—', '—', '—', '—', '—']
        : 'error' in lk
          ? ['ERROR', '—', '—', '—', '—', '—', '—']
          : [
              lk.scenario + (lk.scenario === 'seq10' ? '' : ' (no seq10)'),
              `${lk.ops.toLocaleString('en-US')}${lk.capped ? ` (capped at ${leakMaxS} s)` : ''}`,
              fmtKB(lk.growth),
              fmtKB(lk.growthSecondHalf),
              lk.bytesPerOp.toFixed(2),
              fmtNs(lk.nsPerOp),
              fmtMB(lk.maxRss),
            ];
      lines.push(
        `| ${labels[a]} | ${fmtMB(median(mine.map((x) => x.rssAfterImport)))} | ${fmtMB(median(mine.map((x) => x.maxRss)))} | ${lcells.join(' | ')} |`,
      );
    }
  }
  if (notes.length) {
    lines.push('');
    lines.push('#### n/a and errors');
    lines.push('');
    lines.push(...Array.from(new Set(notes)));
  }
  if (failures.length) {
    lines.push('');
    lines.push('#### Failed processes');
    lines.push('');
    lines.push(...failures.map((f) => `- ${f}`));
  }
  const wall = (Date.now() - t0) / 1000;
  lines.push('');
  lines.push(
    `_Benchmark wall time: ${wall.toFixed(0)} s (excluding npm ci / tsc); host CPU steal during the run: ${Number.isFinite(stealPct) ? stealPct.toFixed(1) + '%' : 'n/a'}._`,
  );

  const md = lines.join('\n');
  process.stdout.write(md + '\n');

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const jsonOut = flags['json-out'] ?? join(ROOT, 'results', `run-${stamp}.json`);
  mkdirSync(dirname(jsonOut), { recursive: true });
  writeFileSync(
    jsonOut,
    JSON.stringify(
      {
        machine: {
          node: process.version,
          nproc,
          cpu,
          totalmem: os.totalmem(),
          platform: `${os.type()} ${os.release()} ${os.arch()}`,
        },
        config: { rounds: R, adapters, minMs, warmupMs, slices, cpuMs, leakOps, leakMaxS },
        labels,
        versions,
        runs,
        leaks,
        cells,
        failures,
        wallSeconds: wall,
        stealPct,
      },
      null,
      2,
    ),
  );
  if (flags['md-out']) writeFileSync(flags['md-out'], md + '\n');
  process.stderr.write(`results: ${jsonOut}\n`);
  if (
    failures.length ||
    Object.values(cells).some((c) => Object.values(c).some((x) => x.status === 'error'))
  )
    process.exitCode = 1;
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
