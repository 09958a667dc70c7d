import type { Clock, TimerHandle } from '../../src/util/clock.js';

interface Pending {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * Virtual time for tests (STYLE.md P8; cf. sofia-sip s2_nua_fast_forward). Timers fire in due order when time is
 * advanced; `liveTimers` counts timers not yet fired or cancelled, so a test can prove that nothing outlives its owner.
 */
export class FakeClock implements Clock {
  #now = 0;
  #wall: number;
  #seq = 0;
  #pending: Pending[] = [];

  constructor(wallStart = Date.UTC(2026, 0, 1)) {
    this.#wall = wallStart;
  }

  now(): number {
    return this.#now;
  }

  wallNow(): number {
    return this.#wall + this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const p: Pending = { at: this.#now + Math.max(0, ms), seq: this.#seq++, fn, cancelled: false };
    this.#pending.push(p);
    return {
      cancel: () => {
        p.cancelled = true;
      },
    };
  }

  /** Number of timers still armed. */
  get liveTimers(): number {
    this.#pending = this.#pending.filter((p) => !p.cancelled);
    return this.#pending.length;
  }

  /** Advances virtual time by `ms`, firing every timer that falls due on the way, in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      this.#pending = this.#pending.filter((p) => !p.cancelled);
      let next: Pending | undefined;
      for (const p of this.#pending) {
        if (p.at <= target && (next === undefined || p.at < next.at || (p.at === next.at && p.seq < next.seq))) next = p;
      }
      if (next === undefined) break;
      this.#now = next.at;
      next.cancelled = true;
      next.fn();
    }
    this.#now = target;
  }
}
