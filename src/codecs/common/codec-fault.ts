/**
 * Internal signal raised by a field codec when the octets (decode) or the value (encode) do not fit its model.
 * It never leaves the codecs: the ISUP and QSIG message decoders/encoders catch it and rethrow their own
 * TandemError subclass with the parameter name attached, or (for optional parts) keep the octets raw.
 * @internal
 */
export class CodecFault extends Error {
  /** Absolute octet offset (decode) or -1 (encode). */
  readonly offset: number;
  /** JSON path below the parameter value (encode), e.g. `digits`; empty for decode. */
  readonly path: string;

  constructor(offset: number, reason: string, path = '') {
    super(reason);
    this.name = 'CodecFault';
    this.offset = offset;
    this.path = path;
  }
}

/** Throws a decode fault at an absolute octet offset. @internal */
export function decodeFault(offset: number, reason: string): never {
  throw new CodecFault(offset, reason);
}

/** Throws an encode fault for a field path below the parameter value. @internal */
export function encodeFault(path: string, reason: string): never {
  throw new CodecFault(-1, reason, path);
}
