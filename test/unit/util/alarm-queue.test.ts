import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlarmQueue } from '../../../src/util/alarm-queue.js';
import type { Alarmed } from '../../../src/util/alarm-queue.js';
import { FakeClock } from '../../support/fake-clock.js';

/** A target that records (time, token) of each ring. */
function recorder(clock: FakeClock): Alarmed & { rings: [number, number][] } {
  const rings: [number, number][] = [];
  return { rings, ring: (token) => rings.push([clock.now(), token]) };
}

describe('AlarmQueue', () => {
  it('rings each alarm exactly at its due time, in due order, with one clock timer for all', () => {
    const clock = new FakeClock();
    const q = new AlarmQueue(clock);
    const t = recorder(clock);
    q.set(t, 3, 3_000);
    q.set(t, 1, 1_000);
    q.set(t, 2, 2_000);
    expect(q.size).toBe(3);
    expect(clock.liveTimers).toBe(1);
    clock.advance(999);
    expect(t.rings).toEqual([]);
    clock.advance(1);
    expect(t.rings).toEqual([[1_000, 1]]);
    clock.advance(2_000);
    expect(t.rings).toEqual([
      [1_000, 1],
      [2_000, 2],
      [3_000, 3],
    ]);
    expect(q.size).toBe(0);
    expect(clock.liveTimers).toBe(0);
  });

  it('rings alarms due at the same time in the order they were set', () => {
    const clock = new FakeClock();
    const q = new AlarmQueue(clock);
    const t = recorder(clock);
    for (const token of [5, 1, 4, 2, 3]) q.set(t, token, 500);
    clock.advance(500);
    expect(t.rings.map(([, token]) => token)).toEqual([5, 1, 4, 2, 3]);
  });

  it('cancel takes the alarm out at once; cancelling twice, or after the ring, does nothing', () => {
    const clock = new FakeClock();
    const q = new AlarmQueue(clock);
    const t = recorder(clock);
    const a = q.set(t, 1, 1_000);
    const b = q.set(t, 2, 2_000);
    a.cancel();
    a.cancel();
    expect(q.size).toBe(1);
    clock.advance(2_000);
    expect(t.rings).toEqual([[2_000, 2]]);
    b.cancel();
    expect(q.size).toBe(0);
  });

  it('holds no clock timer once every alarm is cancelled', () => {
    const clock = new FakeClock();
    const q = new AlarmQueue(clock);
    const t = recorder(clock);
    const handles = [q.set(t, 1, 900_000), q.set(t, 2, 600_000), q.set(t, 3, 1_800_000)];
    for (const h of handles) h.cancel();
    expect(clock.liveTimers).toBe(0);
    clock.advance(2_000_000);
    expect(t.rings).toEqual([]);
  });

  it('an earlier alarm set later re-arms the clock timer; cancelling the earliest leaves the others on time', () => {
    const clock = new FakeClock();
    const q = new AlarmQueue(clock);
    const t = recorder(clock);
    q.set(t, 1, 10_000);
    const early = q.set(t, 2, 1_000);
    clock.advance(500);
    early.cancel();
    q.set(t, 3, 100); // due at 600
    clock.advance(10_000);
    expect(t.rings).toEqual([
      [600, 3],
      [10_000, 1],
    ]);
    expect(clock.liveTimers).toBe(0);
  });

  it('a target that throws does not stop the others; the error goes to onError', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    const q = new AlarmQueue(clock, (err) => errors.push(err));
    const t = recorder(clock);
    q.set(
      {
        ring: () => {
          throw new Error('boom');
        },
      },
      0,
      100,
    );
    q.set(t, 1, 100);
    clock.advance(100);
    expect(t.rings).toEqual([[100, 1]]);
    expect(errors).toHaveLength(1);
  });

  it('an alarm set by a ring rings too, at its own time', () => {
    const clock = new FakeClock();
    const q = new AlarmQueue(clock);
    const t = recorder(clock);
    q.set({ ring: () => q.set(t, 9, 0) }, 0, 100);
    q.set({ ring: () => q.set(t, 8, 50) }, 0, 100);
    clock.advance(1_000);
    expect(t.rings).toEqual([
      [100, 9],
      [150, 8],
    ]);
    expect(q.size).toBe(0);
  });

  it('AlarmQueue.for(clock) is one queue per clock', () => {
    const a = new FakeClock();
    const b = new FakeClock();
    expect(AlarmQueue.for(a)).toBe(AlarmQueue.for(a));
    expect(AlarmQueue.for(a)).not.toBe(AlarmQueue.for(b));
  });

  it('property: against a list model, every alarm not cancelled rings once, at its due time, in (due, set) order', () => {
    type Op = { kind: 'set'; delay: number } | { kind: 'cancel'; pick: number } | { kind: 'advance'; ms: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), delay: fc.integer({ min: 0, max: 5_000 }) }),
      fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        const clock = new FakeClock();
        const q = new AlarmQueue(clock);
        const t = recorder(clock);
        const model: { token: number; due: number; cancelled: boolean }[] = [];
        const handles: { cancel(): void }[] = [];
        for (const o of ops) {
          if (o.kind === 'set') {
            model.push({ token: model.length, due: clock.now() + o.delay, cancelled: false });
            handles.push(q.set(t, model.length - 1, o.delay));
          } else if (o.kind === 'cancel' && handles.length > 0) {
            const i = o.pick % handles.length;
            handles[i]!.cancel();
            if (!t.rings.some(([, token]) => token === i)) model[i]!.cancelled = true;
          } else if (o.kind === 'advance') {
            clock.advance(o.ms);
          }
        }
        clock.advance(10_000);
        const expected = model
          .filter((m) => !m.cancelled)
          .sort((x, y) => x.due - y.due || x.token - y.token)
          .map((m) => [m.due, m.token]);
        expect(t.rings).toEqual(expected);
        expect(q.size).toBe(0);
        expect(clock.liveTimers).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
