import { TandemError } from '../../errors/tandem-error.js';

/**
 * An ISUP message could not be decoded: truncated, inconsistent (pointer past the end, length longer than what is
 * left, parameters not where their pointers say), a mandatory part missing or malformed, or an unknown message
 * type. `offset` counts octets from the message type octet (offset 0; SIP-I bodies carry no CIC, RFC 3204 §3.1);
 * `parameter` names the parameter (camelCase, e.g. `calledPartyNumber`) or the structural part (`messageType`,
 * `pointer(calledPartyNumber)`, `optionalPart`, `hex`).
 */
export class IsupDecodeError extends TandemError {
  readonly offset: number;
  readonly parameter: string;

  constructor(offset: number, parameter: string, reason: string) {
    super('TANDEM_ERR_ISUP_DECODE', `ISUP decode error at offset ${offset} (${parameter}): ${oneLine(reason)}`);
    this.offset = offset;
    this.parameter = parameter;
  }
}

/**
 * An ISUP message object could not be encoded: unknown message name, missing mandatory parameter, a field out of
 * range or of the wrong type, a length over 255. `parameter` names the parameter, `path` the JSON path of the
 * offending field (e.g. `optional[1].value.digits`), `offset` the output octet being written.
 */
export class IsupEncodeError extends TandemError {
  readonly offset: number;
  readonly parameter: string;
  readonly path: string;

  constructor(offset: number, parameter: string, path: string, reason: string) {
    super('TANDEM_ERR_ISUP_ENCODE', `ISUP encode error at ${path === '' ? parameter : path}: ${oneLine(reason)}`);
    this.offset = offset;
    this.parameter = parameter;
    this.path = path;
  }
}

/** Error messages are one line (CLI contract). @internal */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
