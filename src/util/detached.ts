/**
 * A copy of `s` that does not keep the string it was cut from alive.
 *
 * V8 represents a substring of 13 characters or more as a slice of its parent: a Call-ID read from a datagram keeps
 * the whole decoded header section (hundreds of bytes) alive for as long as the Call-ID lives. Long-lived state (a
 * dialog, an established call) stores copies instead: a JSON round trip makes a new flat string (lossless for any
 * string; a slice of a concatenation would also drop the parent but costs one more object, the slice itself).
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/**
 * A deep copy of plain data (strings, numbers, booleans, arrays, plain objects) whose strings are {@link detached}:
 * for the parsed header values (URIs, name-addrs) that long-lived state keeps.
 */
export function detachedDeep<T>(v: T): T {
  if (typeof v === 'string') return detached(v) as T;
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.length === 0 ? v : (v.map((x: unknown) => detachedDeep(x)) as T);
  // A spread clone keeps the object's shape (fast in-object properties); its values are then replaced in place.
  const out: Record<string, unknown> = { ...(v as Record<string, unknown>) };
  for (const k in out) {
    const x = out[k];
    if (typeof x === 'string' || (typeof x === 'object' && x !== null)) out[k] = detachedDeep(x);
  }
  return out as T;
}

/**
 * A copy of `bytes` in an ArrayBuffer of its own, for bytes that live long (the body of a leg's last ACK, kept
 * for the call's life to ACK a retransmitted 2xx again).
 *
 * `Buffer.from(buffer)` and `Buffer.allocUnsafe` hand out views of Node's shared 8 KiB pool, and the serializer hands
 * out views of its 64 KiB slab: a long-lived view keeps its whole slab alive, with whatever short-lived messages
 * shared it.
 */
export function ownedBytes(bytes: Uint8Array): Buffer {
  const out = Buffer.allocUnsafeSlow(bytes.length);
  out.set(bytes);
  return out;
}
