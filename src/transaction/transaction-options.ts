/**
 * Options of the transaction layer (STYLE.md P11: option types live in `*-options.ts`, are copied and frozen).
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
import type { Metrics } from '../observability/metrics.js';
import type { Logger } from '../observability/logger.js';
import type { TransactionTransport } from '../transport/transport.js';
import type { Clock } from '../util/clock.js';
import type { TransactionUser } from './transaction-user.js';

/** A transport-dependent timer value (same shape as `ByReliability` in src/config/timers.ts). */
export interface TransactionTimerPair {
  readonly unreliable: number;
  readonly reliable: number;
}

/**
 * The timer values the machines read, in milliseconds. `TimerConfig` from src/config/timers.ts (`deriveTimers()`)
 * satisfies it structurally; it is restated here because the transaction layer may not import `config/`
 * (STYLE.md §1 layer rules).
 */
export interface TransactionTimers {
  readonly t1: number;
  readonly t2: number;
  readonly t4: number;
  readonly timerA: number;
  readonly timerB: number;
  readonly timerD: TransactionTimerPair;
  readonly timerE: number;
  readonly timerF: number;
  readonly timerG: number;
  readonly timerH: number;
  readonly timerI: TransactionTimerPair;
  readonly timerJ: TransactionTimerPair;
  readonly timerK: TransactionTimerPair;
  readonly timerL: number;
  readonly timerM: number;
}

/** Constructor options of `TransactionLayer`. */
export interface TransactionLayerOptions {
  /** Where requests and responses go (RFC 3261 §18); a rejected send is a transport error (§17.1.4). */
  readonly transport: TransactionTransport;
  /** Injected time (STYLE.md P8). */
  readonly clock: Clock;
  /** Timer values, derived once from T1/T2/T4 (`deriveTimers()` in src/config/timers.ts). */
  readonly timers: TransactionTimers;
  /** Parent logger; the layer takes `child({ module: 'transaction' })` and one child per transaction. */
  readonly logger: Logger;
  /** The TU; may instead be bound later with `TransactionLayer.setUser()` (the dialog layer is built after us). */
  readonly user?: TransactionUser;
  /** Optional metrics registry for retransmission and failure counters (monitoring only). */
  readonly metrics?: Metrics;
  /**
   * RFC 3261 §17.2.1: the IST sends 100 Trying "unless it knows that the TU will generate a provisional or final
   * response within 200 ms". Delay before that 100 is sent; default 200 ms.
   */
  readonly tryingDelayMs?: number;
}
