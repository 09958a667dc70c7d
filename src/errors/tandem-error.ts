import type { ErrorCode } from './codes.js';

const BRAND = Symbol.for('tandem.error');

/**
 * Base class of every error Tandem raises on purpose (STYLE.md P9): a stable `code`, an optional `cause`, a `name`
 * set by the constructor, and a `Symbol.for` brand so that `isTandemError` works across module copies.
 */
export class TandemError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
    Object.setPrototypeOf(this, new.target.prototype);
  }

  get [BRAND](): true {
    return true;
  }
}

/** True for any error made by Tandem's error classes, whatever module copy made it. */
export function isTandemError(value: unknown): value is TandemError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** A programmer error: an operation asked of an object in a state that does not allow it. */
export class InvalidStateError extends TandemError {
  constructor(message: string) {
    super('TANDEM_ERR_INVALID_STATE', message);
  }
}
