/**
 * A tiny throughput harness: warm up, then run `fn` in batches for `seconds`, report operations per second.
 * Runs on one core (one thread). Used by every micro-benchmark under tools/bench.
 */
export interface Throughput {
  readonly name: string;
  readonly opsPerSec: number;
  readonly ops: number;
  readonly seconds: number;
}

export function measure(name: string, fn: () => void, seconds = 3, batch = 1_000): Throughput {
  const warmEnd = performance.now() + 500;
  while (performance.now() < warmEnd) for (let i = 0; i < batch; i++) fn();
  let ops = 0;
  const start = performance.now();
  const end = start + seconds * 1_000;
  let now = start;
  while (now < end) {
    for (let i = 0; i < batch; i++) fn();
    ops += batch;
    now = performance.now();
  }
  const elapsed = (now - start) / 1_000;
  return { name, opsPerSec: ops / elapsed, ops, seconds: elapsed };
}

export function report(t: Throughput, target?: number): string {
  const fig = Math.round(t.opsPerSec).toLocaleString('en-US');
  if (target === undefined) return `${t.name}: ${fig}/s`;
  const verdict = t.opsPerSec >= target ? 'meets' : 'MISSES';
  return `${t.name}: ${fig}/s (${verdict} the target of ${target.toLocaleString('en-US')}/s)`;
}
