/** Types of measure.mjs (the benchmarks' throughput harness). */
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

/** Warms up for 2 s, then runs `fn` in batches of `batch` for `seconds`. */
export function measure(name: string, fn: () => void, seconds?: number, batch?: number): Throughput;

/** One line: wall and per-CPU-second figures, and the verdict against `target` when given. */
export function report(t: Throughput, target?: number): string;
