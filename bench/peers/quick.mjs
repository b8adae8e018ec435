// node quick.mjs [scenarios] [reps]: interleaved raw/tta loops in one process; median of pairwise deltas
import { scenarios as T } from './dist/adapters/tta.js';
import { scenarios as R } from './dist/adapters/raw.js';
const list = (process.argv[2] ?? 'seq10,par10,retry_ok,retry_2fail,timeout_ok,cache_hit,fallback,breaker_ok').split(',');
const reps = +(process.argv[3] ?? 15);
async function time(op, n) { const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) await op(); return Number(process.hrtime.bigint() - t) / n; }
const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
for (const s of list) {
  const r = R[s](), t = T[s]();
  let n = 500; while ((await time(r, n)) * n < 5e6) n *= 2;
  await time(t, n); await time(r, n);
  const d = [], q = [], rs = [];
  for (let k = 0; k < reps; k++) { const a = await time(r, n), b = await time(t, n); d.push(b - a); q.push(b / a); rs.push(a); }
  console.log(s.padEnd(14), `raw ${med(rs).toFixed(0)} ns`.padEnd(14), `x${med(q).toFixed(2)}  +${med(d).toFixed(0)} ns`);
}
