/**
 * Injected time (STYLE.md P8). Every timer in Tandem goes through a Clock so that tests can fast-forward
 * (test/support/fake-clock.ts) and so that no timer lives outside an owner that can cancel it.
 */
export interface TimerHandle {
  /** Cancels the timer; idempotent. */
  cancel(): void;
}

export interface Clock {
  /** Monotonic milliseconds (for durations and timers). */
  now(): number;
  /** Wall-clock milliseconds since the epoch (for CDR timestamps). */
  wallNow(): number;
  /** Runs `fn` once after `ms` milliseconds unless cancelled. */
  setTimer(ms: number, fn: () => void): TimerHandle;
}

/** The real clock: performance.now() and setTimeout, timers unref'd so they never hold the process open alone. */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  wallNow(): number {
    return Date.now();
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return new NodeTimerHandle(t);
  }
}

/** A handle without a closure: a few timers are armed per transaction, and each closure is a heap object. */
class NodeTimerHandle implements TimerHandle {
  #timeout: NodeJS.Timeout | undefined;

  constructor(timeout: NodeJS.Timeout) {
    this.#timeout = timeout;
  }

  cancel(): void {
    if (this.#timeout === undefined) return;
    clearTimeout(this.#timeout);
    this.#timeout = undefined;
  }
}
