import { describe, expect, it } from 'vitest';
import { deriveTimers, forTransport } from '../../../src/config/timers.js';
import type { TransactionTimers } from '../../../src/transaction/transaction-options.js';

describe('deriveTimers (RFC 3261 Appendix A, RFC 6026)', () => {
  it('derives every timer from the default T1 = 500 ms, T2 = 4 s, T4 = 5 s', () => {
    const t = deriveTimers();
    expect(t).toEqual({
      t1: 500,
      t2: 4_000,
      t4: 5_000,
      timerA: 500,
      timerB: 32_000,
      timerC: 180_000,
      timerD: { unreliable: 32_000, reliable: 0 },
      timerE: 500,
      timerF: 32_000,
      timerG: 500,
      timerH: 32_000,
      timerI: { unreliable: 5_000, reliable: 0 },
      timerJ: { unreliable: 32_000, reliable: 0 },
      timerK: { unreliable: 5_000, reliable: 0 },
      timerL: 32_000,
      timerM: 32_000,
    });
  });

  it('follows a configured T1/T2/T4; Timer D stays at least 32 s', () => {
    const t = deriveTimers({ t1: 100, t2: 1_000, t4: 2_000, timerC: 200_000 });
    expect(t.timerB).toBe(6_400);
    expect(t.timerF).toBe(6_400);
    expect(t.timerH).toBe(6_400);
    expect(t.timerJ.unreliable).toBe(6_400);
    expect(t.timerL).toBe(6_400);
    expect(t.timerM).toBe(6_400);
    expect(t.timerK.unreliable).toBe(2_000);
    expect(t.timerI.unreliable).toBe(2_000);
    expect(t.timerD.unreliable).toBe(32_000);
    expect(t.timerC).toBe(200_000);
  });

  it('returns a deeply frozen, per-call object (no shared globals)', () => {
    const a = deriveTimers();
    const b = deriveTimers({ t1: 250 });
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.timerD)).toBe(true);
    expect(a.timerB).toBe(32_000);
    expect(b.timerB).toBe(16_000);
  });

  it('rejects non-positive values and T2 < T1', () => {
    expect(() => deriveTimers({ t1: 0 })).toThrow(TypeError);
    expect(() => deriveTimers({ t4: Number.NaN })).toThrow(TypeError);
    expect(() => deriveTimers({ t1: 5_000, t2: 4_000 })).toThrow(TypeError);
    expect(() => deriveTimers({ timerC: -1 })).toThrow(TypeError);
  });

  it('forTransport picks the reliable or unreliable value', () => {
    const t = deriveTimers();
    expect(forTransport(t.timerK, false)).toBe(5_000);
    expect(forTransport(t.timerK, true)).toBe(0);
  });

  it('is what the transaction layer takes (structural TransactionTimers)', () => {
    const timers: TransactionTimers = deriveTimers();
    expect(timers.timerE).toBe(500);
  });
});
