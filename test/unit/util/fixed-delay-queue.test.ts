import { describe, expect, it } from 'vitest';
import type { Expiring } from '../../../src/util/fixed-delay-queue.js';
import { FixedDelayQueue } from '../../../src/util/fixed-delay-queue.js';
import { FakeClock } from '../../support/fake-clock.js';

class Recorder implements Expiring {
  readonly fired: { token: number; at: number }[] = [];
  constructor(
    readonly clock: FakeClock,
    readonly name = 'r',
  ) {}
  expire(token: number): void {
    this.fired.push({ token, at: this.clock.now() });
  }
}

describe('FixedDelayQueue: many timers of one delay on one clock timer', () => {
  it('each entry expires exactly its delay after it was added, in order, with one clock timer armed at a time', () => {
    const clock = new FakeClock();
    const q = new FixedDelayQueue(clock, 1000, (err) => {
      throw err;
    });
    const r = new Recorder(clock);
    q.add(r, 1);
    clock.advance(300);
    q.add(r, 2);
    q.add(r, 3);
    expect(clock.liveTimers).toBe(1);
    expect(q.size).toBe(3);
    clock.advance(699);
    expect(r.fired).toEqual([]);
    clock.advance(1);
    expect(r.fired).toEqual([{ token: 1, at: 1000 }]);
    clock.advance(300);
    expect(r.fired).toEqual([
      { token: 1, at: 1000 },
      { token: 2, at: 1300 },
      { token: 3, at: 1300 },
    ]);
    expect(q.size).toBe(0);
    expect(clock.liveTimers).toBe(0);
  });

  it('a target may add to the queue while expiring; a throwing target does not stop the others', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const q = new FixedDelayQueue(clock, 500, (err) => errors.push(err));
    const r = new Recorder(clock);
    const again: Expiring = { expire: (t) => q.add(r, t + 100) };
    const bad: Expiring = {
      expire: () => {
        throw new Error('target bug');
      },
    };
    q.add(bad, 0);
    q.add(again, 1);
    clock.advance(500);
    expect(errors).toHaveLength(1);
    expect(r.fired).toEqual([]);
    clock.advance(500);
    expect(r.fired).toEqual([{ token: 101, at: 1000 }]);
  });

  it('close() drops every entry and the clock timer; add() after close is ignored', () => {
    const clock = new FakeClock();
    const q = new FixedDelayQueue(clock, 100, (err) => {
      throw err;
    });
    const r = new Recorder(clock);
    q.add(r, 1);
    q.close();
    expect(clock.liveTimers).toBe(0);
    q.add(r, 2);
    clock.advance(1000);
    expect(r.fired).toEqual([]);
    expect(q.size).toBe(0);
  });

  it('stays compact over many entries (the arrays are cut once the expired part leads them)', () => {
    const clock = new FakeClock();
    const q = new FixedDelayQueue(clock, 10, (err) => {
      throw err;
    });
    const r = new Recorder(clock);
    for (let i = 0; i < 5000; i++) {
      q.add(r, i);
      clock.advance(1);
    }
    expect(r.fired).toHaveLength(4991);
    expect(q.size).toBe(9);
    expect(r.fired.every((f, i) => f.token === i && f.at === i + 10)).toBe(true);
  });

  it('refuses a negative or non-finite delay', () => {
    const clock = new FakeClock();
    const fail = (err: unknown): void => {
      throw err;
    };
    expect(() => new FixedDelayQueue(clock, -1, fail)).toThrow(TypeError);
    expect(() => new FixedDelayQueue(clock, Number.NaN, fail)).toThrow(TypeError);
  });
});
