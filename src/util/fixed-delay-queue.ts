/**
 * Many timers of one fixed delay, for the waits that nearly always run out: a transaction lingering 64·T1 in
 * Accepted or Completed (Timers D, I, J, K, L, M), an ended dialog's stand-in.
 *
 * Entries are added in time order (same delay, non-decreasing clock), so the queue is a FIFO and its head is always
 * the next to expire: one clock timer, armed for the head, serves all of them. An entry costs three array slots,
 * where a timer of its own costs a Timeout, a closure and its context (several hundred bytes, for up to 32 s, for
 * each of the thousands of transactions a busy B2BUA has lingering).
 *
 * There is no cancel: the target gets its token back on expiry and ignores a token it no longer expects (a timer
 * re-armed or cancelled since). A cancelled entry keeps its target reachable until its time comes.
 *
 * States: Idle (empty, no clock timer) → Armed (entries, one clock timer for the head) → on the timer, every due
 * entry expires in order; Armed again for the new head, or Idle when empty. `close()` drops everything (Closed).
 */
import type { Clock, TimerHandle } from './clock.js';

/** What a {@link FixedDelayQueue} calls back. */
export interface Expiring {
  /** The delay ran out for the entry added with `token`. Exceptions are caught and passed to the queue's `onError`. */
  expire(token: number): void;
}

/** Compact the arrays once this many expired slots lead them (and they are at least half the arrays). */
const COMPACT_AFTER = 1024;

export class FixedDelayQueue {
  readonly delayMs: number;
  readonly #clock: Clock;
  readonly #onError: (err: unknown) => void;
  #at: number[] = [];
  #targets: Expiring[] = [];
  #tokens: number[] = [];
  #head = 0;
  #timer: TimerHandle | undefined;
  #closed = false;

  /**
   * @param onError told when a target's `expire` throws (the other entries still expire).
   * @throws TypeError for a negative or non-finite delay.
   */
  constructor(clock: Clock, delayMs: number, onError: (err: unknown) => void) {
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new TypeError(`delay must be a non-negative number, got ${String(delayMs)}`);
    this.#clock = clock;
    this.delayMs = delayMs;
    this.#onError = onError;
  }

  /** Entries waiting (including those whose target no longer expects them). */
  get size(): number {
    return this.#at.length - this.#head;
  }

  /** `target.expire(token)` in `delayMs`. Ignored after `close()`. */
  add(target: Expiring, token: number): void {
    if (this.#closed) return;
    this.#at.push(this.#clock.now() + this.delayMs);
    this.#targets.push(target);
    this.#tokens.push(token);
    this.#timer ??= this.#clock.setTimer(this.delayMs, () => this.#fire());
  }

  /** Drops every entry and the clock timer (nothing expires any more). Idempotent. */
  close(): void {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#at = [];
    this.#targets = [];
    this.#tokens = [];
    this.#head = 0;
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#clock.now();
    // A target's expire() may add to this queue (the entry lands at the end, later than now): the loop re-reads the
    // arrays' length each time round.
    while (this.#head < this.#at.length && this.#at[this.#head]! <= now) {
      const i = this.#head++;
      const target = this.#targets[i]!;
      const token = this.#tokens[i]!;
      // Let go of the target at once (it may have nothing else keeping it).
      (this.#targets as (Expiring | undefined)[])[i] = undefined;
      try {
        target.expire(token);
      } catch (err: unknown) {
        this.#onError(err);
      }
      if (this.#closed) return;
    }
    this.#compact();
    if (this.#head < this.#at.length) {
      this.#timer = this.#clock.setTimer(Math.max(0, this.#at[this.#head]! - now), () => this.#fire());
    }
  }

  #compact(): void {
    const head = this.#head;
    if (head === this.#at.length) {
      this.#at = [];
      this.#targets = [];
      this.#tokens = [];
      this.#head = 0;
      return;
    }
    if (head < COMPACT_AFTER || head * 2 < this.#at.length) return;
    this.#at = this.#at.slice(head);
    this.#targets = this.#targets.slice(head);
    this.#tokens = this.#tokens.slice(head);
    this.#head = 0;
  }
}
