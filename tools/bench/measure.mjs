/**
 * A tiny throughput harness: warm up (2 s), then run `fn` in batches for `seconds`, report operations per second.
 * Runs on one core (one thread). Plain JavaScript, so that a benchmark can run it under plain Node on the built
 * code (parser-shipped.mjs) as well as under the vite-node runner of `npm run bench` (types: measure.d.mts).
 */

/** @type {import('./measure.d.mts').measure} */
export function measure(name, fn, seconds = 3, batch = 1_000) {
  // Two seconds of warm-up: the JIT needs far less, but this machine's virtual CPU runs slower for a moment after a
  // pause (first run after 10 s idle with 0.5 s of warm-up: 125,000–162,000/s on the parser, against 205,000–230,000
  // right after) — that is the host waking up, not the code.
  const warmEnd = performance.now() + 2_000;
  while (performance.now() < warmEnd) for (let i = 0; i < batch; i++) fn();
  let ops = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1_000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = performance.now();
  }
  const elapsed = (now - start) / 1_000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { name, opsPerSec: ops / elapsed, opsPerCpuSec: ops / cpuSeconds, ops, seconds: elapsed };
}

/** @type {import('./measure.d.mts').report} */
export function report(t, target) {
  const fmt = (n) => Math.round(n).toLocaleString('en-US');
  const figs = `${fmt(t.opsPerSec)}/s wall, ${fmt(t.opsPerCpuSec)}/s per CPU-second`;
  if (target === undefined) return `${t.name}: ${figs}`;
  const verdict = t.opsPerCpuSec >= target ? 'meets' : 'MISSES';
  return `${t.name}: ${figs} (${verdict} the target of ${target.toLocaleString('en-US')}/s on one core)`;
}
