/**
 * Admission control (brief, issue 3): limits on concurrent calls and on new calls per second, overall and per
 * trunk. Over a limit the call is refused (503 with Retry-After, from the cause tables) before anything is
 * allocated for it, so refusals neither slow calls in progress nor grow memory: state is one counter and one token
 * bucket per trunk, fixed at start-up.
 */

/** A token bucket: `rate` tokens a second, holding at most `burst`. Time comes from the caller (ms, monotonic). */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  #tokens: number;
  #last: number;

  constructor(rate: number, now: number, burst = Math.max(1, rate)) {
    this.#rate = rate;
    this.#burst = burst;
    this.#tokens = burst;
    this.#last = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.#last) / 1_000;
    this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#rate);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export interface AdmissionLimits {
  readonly maxCalls: number | undefined;
  readonly callsPerSecond: number | undefined;
}

export type AdmissionVerdict = { readonly ok: true } | { readonly ok: false; readonly limit: 'concurrent' | 'rate'; readonly scope: string };

/** Counts calls per scope ('*' overall, or a trunk name) and decides admissions. */
export class Admission {
  readonly #limits = new Map<string, AdmissionLimits>();
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #active = new Map<string, number>();

  constructor(limits: ReadonlyMap<string, AdmissionLimits>, now: number) {
    for (const [scope, l] of limits) {
      this.#limits.set(scope, l);
      if (l.callsPerSecond !== undefined) this.#buckets.set(scope, new TokenBucket(l.callsPerSecond, now));
    }
  }

  active(scope: string): number {
    return this.#active.get(scope) ?? 0;
  }

  /** Checks every scope of a new call; takes its slot in each only when all agree. */
  admit(scopes: readonly string[], now: number): AdmissionVerdict {
    for (const s of scopes) {
      const l = this.#limits.get(s);
      if (l?.maxCalls !== undefined && this.active(s) >= l.maxCalls) return { ok: false, limit: 'concurrent', scope: s };
    }
    for (const s of scopes) {
      const b = this.#buckets.get(s);
      if (b !== undefined && !b.take(now)) return { ok: false, limit: 'rate', scope: s };
    }
    for (const s of scopes) this.#active.set(s, this.active(s) + 1);
    return { ok: true };
  }

  /** Adds a scope to a call already admitted (the egress trunk once routing picked it). */
  join(scope: string): AdmissionVerdict {
    const l = this.#limits.get(scope);
    if (l?.maxCalls !== undefined && this.active(scope) >= l.maxCalls) return { ok: false, limit: 'concurrent', scope };
    this.#active.set(scope, this.active(scope) + 1);
    return { ok: true };
  }

  release(scopes: readonly string[]): void {
    for (const s of scopes) this.#active.set(s, Math.max(0, this.active(s) - 1));
  }
}
