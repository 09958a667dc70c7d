/**
 * SIP timer values derived once from T1/T2/T4 (RFC 3261 §17 and Table 4 of Appendix A; RFC 6026 §8.4/§8.7 for
 * Timers L and M). STYLE.md P8: no module-level timer globals — every stack (or every differently tuned trunk) gets
 * its own frozen {@link TimerConfig} from {@link deriveTimers}, as emiago/sipgo `SetTimers` derives them, but per
 * instance.
 *
 * Timers whose value depends on the transport (D, I, J, K) are given for both cases in a {@link ByReliability}
 * pair; {@link forTransport} picks one.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#appendix-A
 * @see https://www.rfc-editor.org/rfc/rfc6026#section-8.4
 */

/** A timer whose value differs between unreliable (UDP) and reliable (TCP, TLS, SCTP) transports. */
export interface ByReliability {
  /** Value in ms over an unreliable transport (UDP). */
  readonly unreliable: number;
  /** Value in ms over a reliable transport (0: the state is left at once). */
  readonly reliable: number;
}

/** The base values every timer derives from (milliseconds). */
export interface TimerBase {
  /** RTT estimate (RFC 3261 §17.1.1.1). Default 500 ms. */
  readonly t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses (§17.1.2.2). Default 4 s. */
  readonly t2: number;
  /** Maximum duration a message remains in the network (§17.1.2.2). Default 5 s. */
  readonly t4: number;
}

/** Input of {@link deriveTimers}: any base value may be omitted and takes its RFC default. */
export interface TimerBaseInput {
  readonly t1?: number;
  readonly t2?: number;
  readonly t4?: number;
  /** Timer C override (RFC 3261 §16.6 item 11: "MUST be greater than 3 minutes"). Default 180 s. */
  readonly timerC?: number;
}

/**
 * Every RFC 3261 / RFC 6026 transaction timer, in milliseconds. Frozen; derived once per stack.
 *
 * | timer | value             | section        | meaning                                        |
 * |-------|-------------------|----------------|------------------------------------------------|
 * | A     | T1 (doubling)     | §17.1.1.2      | INVITE request retransmit interval (UDP only)  |
 * | B     | 64·T1             | §17.1.1.2      | INVITE transaction timeout                     |
 * | C     | > 3 min           | §16.6          | proxy/B2BUA INVITE guard (used by the TU)      |
 * | D     | 32 s UDP / 0      | §17.1.1.2      | wait time for response retransmits (ICT)       |
 * | E     | T1 (doubling ≤T2) | §17.1.2.2      | non-INVITE request retransmit (UDP only)       |
 * | F     | 64·T1             | §17.1.2.2      | non-INVITE transaction timeout                 |
 * | G     | T1 (doubling ≤T2) | §17.2.1        | INVITE response retransmit (UDP only)          |
 * | H     | 64·T1             | §17.2.1        | wait time for ACK receipt                      |
 * | I     | T4 UDP / 0        | §17.2.1        | wait time for ACK retransmits                  |
 * | J     | 64·T1 UDP / 0     | §17.2.2        | wait time for non-INVITE request retransmits   |
 * | K     | T4 UDP / 0        | §17.1.2.2      | wait time for non-INVITE response retransmits  |
 * | L     | 64·T1             | RFC 6026 §8.7  | IST wait time for accepted INVITE retransmits  |
 * | M     | 64·T1             | RFC 6026 §8.4  | ICT wait time for 2xx retransmits              |
 */
export interface TimerConfig extends TimerBase {
  readonly timerA: number;
  readonly timerB: number;
  readonly timerC: number;
  readonly timerD: ByReliability;
  readonly timerE: number;
  readonly timerF: number;
  readonly timerG: number;
  readonly timerH: number;
  readonly timerI: ByReliability;
  readonly timerJ: ByReliability;
  readonly timerK: ByReliability;
  readonly timerL: number;
  readonly timerM: number;
}

/** RFC 3261 §17.1.1.1 / §17.1.2.2 defaults. */
export const DEFAULT_TIMER_BASE: TimerBase = Object.freeze({ t1: 500, t2: 4_000, t4: 5_000 });

/** RFC 3261 §17.1.1.2: "Timer D … MUST be set to a value of at least 32 seconds for unreliable transports". */
const TIMER_D_UNRELIABLE_MIN = 32_000;

/** RFC 3261 §16.6 item 11: Timer C "MUST be greater than 3 minutes". */
const TIMER_C_DEFAULT = 180_000;

function checkPositive(name: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`timer ${name} must be a positive finite number of milliseconds, got ${String(value)}`);
  }
}

/**
 * Derives every transaction timer from T1/T2/T4 into a frozen object (STYLE.md P8).
 *
 * @throws TypeError when a base value is not a positive finite number, or when T2 < T1.
 * @see https://www.rfc-editor.org/rfc/rfc3261#appendix-A
 */
export function deriveTimers(input: TimerBaseInput = {}): TimerConfig {
  const t1 = input.t1 ?? DEFAULT_TIMER_BASE.t1;
  const t2 = input.t2 ?? DEFAULT_TIMER_BASE.t2;
  const t4 = input.t4 ?? DEFAULT_TIMER_BASE.t4;
  const timerC = input.timerC ?? TIMER_C_DEFAULT;
  checkPositive('T1', t1);
  checkPositive('T2', t2);
  checkPositive('T4', t4);
  checkPositive('C', timerC);
  if (t2 < t1) throw new TypeError(`timer T2 (${t2} ms) must not be smaller than T1 (${t1} ms)`);
  const t64 = 64 * t1;
  const pair = (unreliable: number): ByReliability => Object.freeze({ unreliable, reliable: 0 });
  return Object.freeze({
    t1,
    t2,
    t4,
    timerA: t1,
    timerB: t64,
    timerC,
    // §17.1.1.2: "at least 32 seconds for unreliable transports, and … zero seconds for reliable transports".
    timerD: pair(TIMER_D_UNRELIABLE_MIN),
    timerE: t1,
    timerF: t64,
    timerG: t1,
    timerH: t64,
    timerI: pair(t4),
    timerJ: pair(t64),
    timerK: pair(t4),
    timerL: t64,
    timerM: t64,
  });
}

/** Picks the value of a transport-dependent timer (D, I, J, K). */
export function forTransport(timer: ByReliability, isReliable: boolean): number {
  return isReliable ? timer.reliable : timer.unreliable;
}
