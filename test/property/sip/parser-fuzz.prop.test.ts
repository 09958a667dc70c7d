/**
 * Fuzzing the receive path (undici test/fuzzing style, fast-check): random bytes, mutated torture messages and
 * random TCP split points. Nothing may throw; every failure must be the typed SipParseError; the framer must give
 * back exactly the messages that were streamed, however the stream is cut. 10,000+ inputs in total.
 */
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SipParseError } from '../../../src/sip/errors.js';
import { parseMessage } from '../../../src/sip/parser/parse-message.js';
import { StreamFramer } from '../../../src/sip/parser/stream-framer.js';
import { serializeMessage } from '../../../src/sip/serialize.js';

const corpusDir = new URL('../../conformance/rfc4475/', import.meta.url);
const corpus = readdirSync(corpusDir)
  .filter((f) => f.endsWith('.dat'))
  .map((f) => readFileSync(new URL(f, corpusDir)));
const valid = corpus
  .map((b) => parseMessage(b))
  .filter((r) => r.ok)
  .map((r) => (r.ok ? serializeMessage(r.message) : Buffer.alloc(0)));

function parsesSafely(bytes: Buffer): void {
  const r = parseMessage(bytes);
  if (!r.ok) expect(r.error).toBeInstanceOf(SipParseError);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 32 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('token' as const),
    at: fc.nat(),
    text: fc.constantFrom(':', ';', ',', '<', '>', '"', '\\', '\r\n', '\r\n ', '%', '%0', '[', ']', '@', '=', '\0', 'z9hG4bK', '99999999999999999999'),
  }),
);

function mutate(src: Buffer, muts: readonly fc.Arbitrary<unknown>[] | unknown[]): Buffer {
  let b = Buffer.from(src);
  for (const m of muts as { kind: string; at: number; byte?: number; bytes?: Uint8Array; len?: number; text?: string }[]) {
    const at = b.length === 0 ? 0 : m.at % b.length;
    switch (m.kind) {
      case 'flip':
        if (b.length > 0) b[at] = m.byte!;
        break;
      case 'insert':
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes!), b.subarray(at)]);
        break;
      case 'delete':
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + m.len!)]);
        break;
      case 'truncate':
        b = b.subarray(0, at);
        break;
      default:
        b = Buffer.concat([b.subarray(0, at), Buffer.from(m.text!, 'latin1'), b.subarray(at)]);
    }
  }
  return b;
}

describe('parser fuzzing', () => {
  it('random bytes never throw (3,000 inputs)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1_500 }), (a) => parsesSafely(Buffer.from(a))),
      { numRuns: 3_000 },
    );
  });

  it('random text shaped like SIP never throws (2,000 inputs)', () => {
    const line = fc.string({ unit: fc.constantFrom(...'abcINVITE SIP/2.0:;,<>"\\@=[]%\r\n \t0123456789'.split('')), maxLength: 80 });
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), (lines) =>
        parsesSafely(Buffer.from(`INVITE sip:a@b SIP/2.0\r\n${lines.join('\r\n')}\r\n\r\n`)),
      ),
      { numRuns: 2_000 },
    );
  });

  it('mutated torture messages never throw (4,000 inputs)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 6 }), (src, muts) =>
        parsesSafely(mutate(src, muts)),
      ),
      { numRuns: 4_000 },
    );
  });
});

describe('TCP framing (RFC 3261 §18.3)', () => {
  it('returns exactly the streamed messages, however the stream is split (1,500 inputs)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...valid), { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.boolean(),
        (msgs, cuts, keepalive) => {
          const parts = keepalive ? msgs.flatMap((m) => [Buffer.from('\r\n\r\n'), m]) : msgs;
          const stream = Buffer.concat(parts);
          const points = [...new Set(cuts.map((c) => c % (stream.length + 1)))].sort((a, b) => a - b);
          const framer = new StreamFramer();
          const got: Buffer[] = [];
          let keepalives = 0;
          let prev = 0;
          for (const p of [...points, stream.length]) {
            for (const item of framer.push(stream.subarray(prev, p))) {
              if (item.kind === 'message') got.push(item.bytes);
              else if (item.kind === 'keepalive') keepalives++;
              else throw item.error;
            }
            prev = p;
          }
          expect(got.map((b) => b.toString('latin1'))).toEqual(msgs.map((b) => b.toString('latin1')));
          expect(keepalives).toBe(keepalive ? msgs.length : 0);
          expect(framer.buffered).toBe(0);
        },
      ),
      { numRuns: 1_500 },
    );
  });

  it('garbage streams never throw and never buffer more than the limit (1,000 inputs)', () => {
    const limits = { maxMessageSize: 4_096, maxHeaders: 64, maxHeaderLength: 1_024, maxUriLength: 512 };
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 2_000 }), { maxLength: 8 }), (chunks) => {
        const framer = new StreamFramer(limits);
        for (const c of chunks) {
          for (const item of framer.push(Buffer.from(c))) {
            if (item.kind === 'error') expect(item.error).toBeInstanceOf(SipParseError);
            if (item.kind === 'message') parsesSafely(item.bytes);
          }
          expect(framer.buffered).toBeLessThanOrEqual(limits.maxMessageSize + 2_000);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
