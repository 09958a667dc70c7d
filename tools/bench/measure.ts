/**
 * A tiny throughput harness: warm up, then run `fn` in batches for `seconds`, report operations per second.
 * Runs on one core (one thread). Used by every micro-benchmark under tools/bench.
 */
export interface Throughput {
  readonly name: string;
  /** Operations per second of wall-clock time. */
  readonly opsPerSec: number;
  /**
   * Operations per second of this process's CPU time (user + system): what one core does when it is not shared.
   * On a loaded machine wall-clock throughput understates a core's; both are reported.
   */
  readonly opsPerCpuSec: number;
  readonly ops: number;
  readonly seconds: number;
}

export function measure(name: string, fn: () => void, seconds = 3, batch = 1_000): Throughput {
  const warmEnd = performance.now() + 500;
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

export function report(t: Throughput, target?: number): string {
  const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
  const figs = `${fmt(t.opsPerSec)}/s wall, ${fmt(t.opsPerCpuSec)}/s per CPU-second`;
  if (target === undefined) return `${t.name}: ${figs}`;
  const verdict = t.opsPerCpuSec >= target ? 'meets' : 'MISSES';
  return `${t.name}: ${figs} (${verdict} the target of ${target.toLocaleString('en-US')}/s on one core)`;
}
