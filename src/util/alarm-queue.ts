/**
 * Exact timers for long waits, many at once, that are mostly cancelled or moved before they ring: RFC 4028 session
 * refresh and expiry, minutes away, one per established leg (two per call, 40,000 at 20,000 calls).
 *
 * A Node timer costs a Timeout of a dozen fields, its two async ids as heap numbers, the closure it calls and that
 * closure's context: about 300 bytes that live as long as the call. Here an alarm is one small object in a binary
 * min-heap ordered by due time (then by the order alarms were set), and the queue holds one clock timer, armed for
 * the earliest alarm.
 *
 * - `set(target, token, delayMs)` files an alarm; when it is due the queue calls `target.ring(token)` — exactly at
 *   its due time on the injected clock, as a timer of its own would (the session-timer tests count milliseconds).
 * - `cancel()` on the returned handle takes the alarm out of the heap at once (O(log n)): a call that ends leaves
 *   nothing behind. (`FixedDelayQueue` suits the other case, waits that nearly always run out: its cancelled entries
 *   stay until their turn.)
 * - The clock timer is re-armed only when an earlier alarm arrives; when the earliest is cancelled it may fire early,
 *   finds nothing due and arms for the next. With no alarm left it is cancelled, so an idle queue holds no timer.
 * - A target that throws does not stop the others: the error goes to `onError`.
 *
 * `AlarmQueue.for(clock)` gives the one queue of a clock, so that every leg on the same clock shares it without the
 * queue being passed down through each layer.
 */
import type { Clock, TimerHandle } from './clock.js';

/** What an alarm rings. */
export interface Alarmed {
  ring(token: number): void;
}

/** A set alarm is a {@link TimerHandle}: `cancel()` is idempotent and a no-op once it rang. */
class Alarm implements TimerHandle {
  /** Position in the heap; -1 once out of it (rung or cancelled). */
  index = -1;

  constructor(
    readonly queue: AlarmQueue,
    readonly due: number,
    readonly seq: number,
    readonly target: Alarmed,
    readonly token: number,
  ) {}

  cancel(): void {
    if (this.index >= 0) this.queue.remove(this);
  }
}

const queues = new WeakMap<Clock, AlarmQueue>();

const before = (a: Alarm, b: Alarm): boolean => a.due < b.due || (a.due === b.due && a.seq < b.seq);

export class AlarmQueue {
  readonly #clock: Clock;
  readonly #onError: (err: unknown) => void;
  readonly #heap: Alarm[] = [];
  #seq = 0;
  #timer: TimerHandle | undefined;
  /** Due time the clock timer is armed for. */
  #timerDue = Infinity;

  constructor(clock: Clock, onError: (err: unknown) => void = reportRingError) {
    this.#clock = clock;
    this.#onError = onError;
  }

  /** The queue every user of `clock` shares. */
  static for(clock: Clock): AlarmQueue {
    let q = queues.get(clock);
    if (q === undefined) {
      q = new AlarmQueue(clock);
      queues.set(clock, q);
    }
    return q;
  }

  /** Alarms set and not yet rung or cancelled. */
  get size(): number {
    return this.#heap.length;
  }

  /** Rings `target.ring(token)` in `delayMs` (0 or less: at the next turn of the clock) unless cancelled first. */
  set(target: Alarmed, token: number, delayMs: number): TimerHandle {
    const alarm = new Alarm(this, this.#clock.now() + Math.max(0, delayMs), this.#seq++, target, token);
    const heap = this.#heap;
    alarm.index = heap.length;
    heap.push(alarm);
    this.#up(alarm.index);
    if (alarm.due < this.#timerDue) this.#arm(alarm.due);
    return alarm;
  }

  /** @internal Through the handle's `cancel()`. */
  remove(alarm: Alarm): void {
    const heap = this.#heap;
    const i = alarm.index;
    const last = heap.pop()!;
    alarm.index = -1;
    if (last !== alarm) {
      heap[i] = last;
      last.index = i;
      this.#up(i);
      this.#down(last.index);
    }
    if (heap.length === 0) this.#disarm();
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#timerDue = Infinity;
    const heap = this.#heap;
    const now = this.#clock.now();
    // Alarms set by the rings of this pass (even ones due now) wait for the next turn, as a timer of their own would.
    const limit = this.#seq;
    while (heap.length > 0 && heap[0]!.due <= now && heap[0]!.seq < limit) {
      const alarm = heap[0]!;
      this.remove(alarm);
      try {
        alarm.target.ring(alarm.token);
      } catch (err: unknown) {
        this.#onError(err);
      }
    }
    // A ring may have armed the timer already (an alarm earlier than any left); otherwise arm for the earliest left.
    if (heap.length > 0 && heap[0]!.due < this.#timerDue) this.#arm(heap[0]!.due);
  }

  #arm(due: number): void {
    this.#timer?.cancel();
    this.#timerDue = due;
    this.#timer = this.#clock.setTimer(Math.max(0, due - this.#clock.now()), () => this.#onTimer());
  }

  #disarm(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerDue = Infinity;
  }

  #up(i: number): void {
    const heap = this.#heap;
    const a = heap[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p]!;
      if (!before(a, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = p;
    }
    heap[i] = a;
    a.index = i;
  }

  #down(i: number): void {
    const heap = this.#heap;
    const n = heap.length;
    const a = heap[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(heap[r]!, heap[l]!) ? r : l;
      const child = heap[c]!;
      if (!before(child, a)) break;
      heap[i] = child;
      child.index = i;
      i = c;
    }
    heap[i] = a;
    a.index = i;
  }
}

/** Default for a target that throws: surfaced as a process warning, never swallowed, never fatal. */
function reportRingError(err: unknown): void {
  process.emitWarning(`alarm target threw: ${String(err)}`, 'TandemAlarmError');
}
