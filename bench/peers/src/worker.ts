/**
 * One adapter process. For every scenario the adapter supports it validates the
 * raw and the library implementation, then times BOTH in this process (order
 * alternates by round), so lib/raw is a same-process, same-JIT-state ratio.
 *
 *   node --expose-gc dist/worker.js --adapter <id> [--round 1] [--min-ms 400]
 *        [--warmup-ms 150] [--scenarios a,b] [--validate-only]
 *
 * Prints exactly one line "RESULT <json>" on stdout.
 */
import { measure } from 'mitata';
import { isNA, type Op, SCENARIOS, type ScenarioFactory, type ScenarioName } from './contract.js';
import { loadAdapter, parseFlags, requireGc, sleep, validate } from './harness.js';

const flags = parseFlags(process.argv.slice(2));
const id = flags.adapter;
if (!id) throw new Error('--adapter is required');
const round = Number(flags.round ?? 1);
const minMs = Number(flags['min-ms'] ?? 400);
const warmupMs = Number(flags['warmup-ms'] ?? 150);
const slices = Math.max(1, Number(flags.slices ?? 4));
const cpuMs = Number(flags['cpu-ms'] ?? 100);
const only = flags.scenarios ? new Set(flags.scenarios.split(',')) : null;
const validateOnly = flags['validate-only'] === 'true';
const gc = requireGc();

export interface Measured {
  avg: number; // ns/op, mitata trimmed mean of per-batch averages
  p50: number;
  p99: number;
  ops: number; // iterations timed
  slices?: number[]; // per-slice mitata avg, in timing order
  cpu?: number; // process CPU ns/op (user+sys, all threads) from a separate probe loop
  wall?: number; // wall ns/op of that same probe loop
}
export type ScenarioResult =
  | { status: 'na'; reason: string }
  | { status: 'error'; error: string }
  | { status: 'ok'; raw?: Measured; lib?: Measured; ratio?: number; order?: string };

/** Runs op for at least `ms` (and 50 calls); returns ns/op over the second half. */
async function warmup(op: Op, ms: number): Promise<number> {
  const t0 = performance.now();
  let i = 0;
  let tMid = 0;
  let iMid = 0;
  while (i < 50 || performance.now() - t0 < ms) {
    await op();
    i++;
    if (tMid === 0 && performance.now() - t0 >= ms / 2) {
      tMid = performance.now();
      iMid = i;
    }
  }
  const t1 = performance.now();
  return tMid && i > iMid ? ((t1 - tMid) * 1e6) / (i - iMid) : ((t1 - t0) * 1e6) / i;
}

/**
 * mitata times batches of `batch_samples` awaited calls (one sample = one batch,
 * so clock reads are amortized). Its fixed default of 4096 calls per batch would
 * make a 50 µs op take 200 ms per sample, so the batch is sized to ~1 ms here
 * (multiple of mitata's unroll factor 4; ops > 65 µs are timed one call per sample).
 */
async function time(op: Op, ms: number, estNs: number): Promise<Measured> {
  const batch = Math.max(4, Math.min(4096, 4 * Math.round(1e6 / Math.max(estNs, 1) / 4)));
  const s = await measure(op, { min_cpu_time: ms * 1e6, batch_samples: batch });
  return { avg: s.avg, p50: s.p50, p99: s.p99, ops: s.ticks };
}

/**
 * CPU probe: wall time per op includes idle waiting (timers, setImmediate hops,
 * event-loop turns); process.cpuUsage() over a plain loop separates the CPU actually
 * burnt (all threads, so GC helper threads count too).
 */
async function cpuProbe(op: Op, ms: number, estNs: number): Promise<{ cpu: number; wall: number }> {
  const chunk = Math.max(1, Math.min(4096, Math.round(5e6 / Math.max(estNs, 1))));
  gc();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (n === 0 || performance.now() - t0 < ms) {
    for (let i = 0; i < chunk; i++) await op();
    n += chunk;
  }
  const t1 = performance.now();
  const c = process.cpuUsage(c0);
  return { cpu: ((c.user + c.system) * 1e3) / n, wall: ((t1 - t0) * 1e6) / n };
}

const med = (v: number[]) => {
  const x = [...v].sort((a, b) => a - b);
  const m = x.length >> 1;
  return x.length % 2 ? x[m] : (x[m - 1] + x[m]) / 2;
};

/** Median over slices of mitata's per-op average (and of p50/p99). */
function combine(xs: Measured[]): Measured {
  return {
    avg: med(xs.map((x) => x.avg)),
    p50: med(xs.map((x) => x.p50)),
    p99: med(xs.map((x) => x.p99)),
    ops: xs.reduce((a, x) => a + x.ops, 0),
    slices: xs.map((x) => Math.round(x.avg * 10) / 10),
  };
}

async function main() {
  const raw = await loadAdapter('raw');
  const lib = await loadAdapter(id);
  gc();
  const rssAfterImport = process.memoryUsage().rss;
  const results: Partial<Record<ScenarioName, ScenarioResult>> = {};

  for (const s of SCENARIOS) {
    if (only && !only.has(s)) continue;
    const entry = lib.scenarios[s];
    if (isNA(entry)) {
      results[s] = { status: 'na', reason: entry.na };
      continue;
    }
    const rawFactory = raw.scenarios[s] as ScenarioFactory;
    const errLib = await validate(entry, s);
    const errRaw = await validate(rawFactory, s);
    if (errLib || errRaw) {
      results[s] = { status: 'error', error: errLib ? `${id}: ${errLib}` : `raw: ${errRaw}` };
      continue;
    }
    if (validateOnly) {
      results[s] = { status: 'ok' };
      continue;
    }

    // Fresh, non-counting instances for timing. Both are warmed up before any timing,
    // then timed in alternating ABBA... slices (A = raw on odd rounds, lib on even
    // rounds) so drift inside the process (heap growth, JIT state, host noise)
    // hits both sides; each side's cost is the median over its slices.
    const ops = { raw: rawFactory(), lib: entry() };
    const est = { raw: await warmup(ops.raw, warmupMs), lib: await warmup(ops.lib, warmupMs) };
    const [A, B] = round % 2 === 1 ? (['raw', 'lib'] as const) : (['lib', 'raw'] as const);
    const got: { raw: Measured[]; lib: Measured[] } = { raw: [], lib: [] };
    for (let i = 0; i < slices; i++) {
      for (const which of i % 2 === 0 ? [A, B] : [B, A])
        got[which].push(await time(ops[which], minMs / slices, est[which]));
    }
    const r = combine(got.raw);
    const l = combine(got.lib);
    for (const which of [A, B]) {
      const p = await cpuProbe(ops[which], cpuMs, est[which]);
      Object.assign(which === 'raw' ? r : l, p);
    }
    const order = Array.from({ length: slices }, (_, i) =>
      i % 2 === 0 ? `${A},${B}` : `${B},${A}`,
    ).join(',');
    results[s] = { status: 'ok', raw: r, lib: l, ratio: l.avg / r.avg, order };
    process.stderr.write(
      `  [${id} r${round}] ${s.padEnd(11)} raw ${r.avg.toFixed(0).padStart(8)} ns  lib ${l.avg.toFixed(0).padStart(9)} ns  x${(l.avg / r.avg).toFixed(2)}\n`,
    );

    // Let per-call timers a library left armed (e.g. AbortSignal.timeout(1000)) fire
    // before the next scenario, so they are not billed to it.
    if (s === 'timeout_ok') await sleep(1100);
    gc();
  }

  const out = {
    adapter: id,
    name: lib.name,
    round,
    node: process.version,
    rssAfterImport,
    maxRss: process.resourceUsage().maxRSS * 1024,
    results,
  };
  process.stdout.write(`RESULT ${JSON.stringify(out)}\n`);
}

main().then(
  () => process.exit(0), // opossum & co. may hold unref'd intervals; don't wait for them
  (e) => {
    process.stderr.write(`worker ${id} failed: ${e?.stack ?? e}\n`);
    process.exit(1);
  },
);
