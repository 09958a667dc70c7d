import { ErrorCode } from '../errors/codes.js';
import { TandemError } from '../errors/tandem-error.js';
import type { TimerName } from './transaction-input.js';

/**
 * A transaction timed out (STYLE.md P9, environment error): Timer B or F on a client transaction (no final
 * response, RFC 3261 §17.1.1.2 / §17.1.2.2), Timer H on an INVITE server transaction (no ACK, §17.2.1).
 * Code `TANDEM_ERR_TX_TIMEOUT`.
 */
export class TimeoutError extends TandemError {
  /** The timer that fired. */
  readonly timer: TimerName;

  constructor(timer: TimerName, message: string) {
    super(ErrorCode.TransactionTimeout, message);
    this.timer = timer;
  }
}
