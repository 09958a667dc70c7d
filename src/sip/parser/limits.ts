/**
 * Explicit, configurable limits on what the parser accepts (brief: every limit is explicit). Exceeding one is a
 * typed error, never a crash or an unbounded buffer.
 */
export interface ParserLimits {
  /** Largest message (start line + headers + body) in bytes. RFC 3261 §18.1.1 makes 64 KiB the UDP ceiling. */
  readonly maxMessageSize: number;
  /** Most header lines in one message. */
  readonly maxHeaders: number;
  /** Longest single header line (after unfolding), in characters. */
  readonly maxHeaderLength: number;
  /** Longest Request-URI, in characters (longer → 414, RFC 3261 §21.4.12). */
  readonly maxUriLength: number;
}

export const DEFAULT_LIMITS: ParserLimits = Object.freeze({
  maxMessageSize: 65_536,
  maxHeaders: 256,
  maxHeaderLength: 16_384,
  maxUriLength: 4_096,
});
