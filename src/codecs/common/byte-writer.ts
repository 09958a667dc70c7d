import { encodeFault } from './codec-fault.js';

/**
 * Growable octet writer with length back-patching. The encoders keep one per module and reset it per message,
 * so the hot path allocates only the final Buffer. Lengths and pointers are single octets in ISUP and Q.931,
 * so `patchLength` refuses anything above 255.
 * @internal
 */
export class ByteWriter {
  #buf: Uint8Array;
  pos = 0;

  constructor(initialSize = 256) {
    this.#buf = new Uint8Array(initialSize);
  }

  /** Starts a new message. */
  reset(): void {
    this.pos = 0;
  }

  #grow(extra: number): void {
    let size = this.#buf.length * 2;
    while (size < this.pos + extra) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.pos));
    this.#buf = next;
  }

  /** Appends one octet (the caller has range-checked it). */
  u8(value: number): void {
    if (this.pos >= this.#buf.length) this.#grow(1);
    this.#buf[this.pos++] = value & 0xff;
  }

  /** Appends octets. */
  bytes(value: Uint8Array): void {
    if (this.pos + value.length > this.#buf.length) this.#grow(value.length);
    this.#buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Reserves one octet (a length or a pointer) and returns its index for `patch`. */
  reserve(): number {
    this.u8(0);
    return this.pos - 1;
  }

  /** Writes a one-octet length or pointer into a reserved slot; more than 255 is an encode fault. */
  patch(index: number, value: number, what: string): void {
    if (value > 255) encodeFault('', `${what} ${value} does not fit in one octet (maximum 255)`);
    this.#buf[index] = value;
  }

  /** Copies the written octets out as a Buffer. */
  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    out.set(this.#buf.subarray(0, this.pos));
    return out;
  }
}
