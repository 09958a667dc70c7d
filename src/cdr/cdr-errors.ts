/**
 * Errors of the CDR path (STYLE.md P9). Environment errors carry stable codes; a record that breaks the schema's
 * rules is a programmer error of the producer (`TANDEM_ERR_INVALID_ARGUMENT`) and lists every problem at once.
 */
import { TandemError } from '../errors/tandem-error.js';

/** The local spool could not be opened, written, read or acknowledged. */
export class CdrSpoolError extends TandemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TANDEM_ERR_CDR_SPOOL', message, options);
  }
}

/** Exported CDR files (or the spool, when read by `cdr export`) could not be read or written. */
export class CdrExportError extends TandemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TANDEM_ERR_CDR_EXPORT', message, options);
  }
}

/** Redis did not answer, or refused, a command the CDR path needs. Retried with back-off by its callers. */
export class RedisUnavailableError extends TandemError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TANDEM_ERR_REDIS_UNAVAILABLE', message, options);
  }
}

/** A CDR (domain record or JSON form) that breaks the schema's rules; `problems` lists each one. */
export class InvalidCdrError extends TandemError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('TANDEM_ERR_INVALID_ARGUMENT', `invalid CDR: ${problems.join('; ')}`);
    this.problems = Object.freeze([...problems]);
  }
}
