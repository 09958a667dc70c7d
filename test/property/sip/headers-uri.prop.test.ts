// fast-check properties for the header and URI layer: parse∘format round trips on generated values, and "random
// input only ever raises the typed errors" (STYLE.md P15). Runs are bounded to keep the tier fast.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitMultipart } from '../../../src/sip/body/multipart.js';
import { parseSdp, serializeSdp } from '../../../src/sip/body/sdp.js';
import { SipBodyError, SipHeaderError, SipUriError } from '../../../src/sip/errors.js';
import type { NameAddr, ReasonValue, Via } from '../../../src/sip/headers/header-types.js';
import { parseNameAddr, serializeNameAddr } from '../../../src/sip/headers/name-addr.js';
import { parseReason, serializeReason } from '../../../src/sip/headers/reason.js';
import { HEADER_REGISTRY } from '../../../src/sip/headers/registry.js';
import { parseVia, serializeVia } from '../../../src/sip/headers/via.js';
import type { Param } from '../../../src/sip/params.js';
import { splitCommaList, unquote, quote } from '../../../src/sip/parser/scanner.js';
import { formatUri, parseUri } from '../../../src/sip/uri/parse-uri.js';
import type { SipUri, TelUri } from '../../../src/sip/uri/uri-types.js';

const RUNS = { numRuns: 300 };

const chars = (alphabet: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.constantFrom(...alphabet.split('')), { minLength: min, maxLength: max }).map((a) => a.join(''));
const escaped = fc.tuple(fc.constantFrom(...'0123456789abcdefABCDEF'.split('')), fc.constantFrom(...'0123456789ABCDEF'.split(''))).map(([a, b]) => `%${a}${b}`);
const withEscapes = (alphabet: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...alphabet.split('')) }, { weight: 1, arbitrary: escaped }), { minLength: min, maxLength: max }).map((a) => a.join(''));

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const UNRESERVED = ALNUM + "-_.!~*'()";
const token = chars(ALNUM + "-.!%*_+`'~", 1, 10);
const host = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV6().map((a) => `[${a}]`),
);
const port = fc.option(fc.integer({ min: 0, max: 65535 }), { nil: undefined });

const sipUri: fc.Arbitrary<SipUri> = fc
  .record({
    scheme: fc.constantFrom('sip' as const, 'sips' as const),
    user: fc.option(withEscapes(UNRESERVED + '&=+$,;?/', 1, 12), { nil: undefined }),
    password: fc.option(withEscapes(UNRESERVED + '&=+$,', 0, 6), { nil: undefined }),
    host,
    port,
    params: fc.array(fc.tuple(withEscapes(UNRESERVED + '[]/:&+$', 1, 8), fc.option(withEscapes(UNRESERVED + '[]/:&+$', 0, 8))), { maxLength: 3 }),
    headers: fc.array(fc.tuple(withEscapes(UNRESERVED + '[]/?:+$', 1, 8), withEscapes(UNRESERVED + '[]/?:+$', 0, 8)), { maxLength: 2 }),
  })
  .map((r) => {
    const u: { -readonly [K in keyof SipUri]: SipUri[K] } = { scheme: r.scheme, host: r.host, params: r.params as Param[], headers: r.headers as Param[] };
    if (r.user !== undefined) {
      u.user = r.user;
      if (r.password !== undefined) u.password = r.password;
    }
    if (r.port !== undefined) u.port = r.port;
    return u;
  });

const telUri: fc.Arbitrary<TelUri> = fc
  .record({
    number: fc.oneof(chars('0123456789-.()', 1, 12).filter((n) => /\d/.test(n)).map((n) => `+${n}`), chars('0123456789ABCDEF*#-.', 1, 8).filter((n) => /[0-9A-F*#]/.test(n))),
    params: fc.array(fc.tuple(chars(ALNUM + '-', 1, 8), fc.option(chars(UNRESERVED + '[]/:&+$', 1, 8))), { maxLength: 2 }),
  })
  .map((r) => ({ scheme: 'tel' as const, number: r.number, params: r.params as Param[] }));

const quotedValue = fc.string({ maxLength: 10 }).filter((s) => !/[\r\n]/.test(s)).map(quote);
const genericParams = (reserved: readonly string[]): fc.Arbitrary<Param[]> =>
  fc.array(
    fc.tuple(
      token.filter((n) => !reserved.includes(n.toLowerCase())),
      fc.option(fc.oneof(token, quotedValue)),
    ),
    { maxLength: 3 },
  ) as fc.Arbitrary<Param[]>;

describe('URI properties', () => {
  it('parseUri(formatUri(u)) equals u for generated SIP/SIPS URIs', () => {
    fc.assert(
      fc.property(sipUri, (u) => {
        expect(parseUri(formatUri(u))).toStrictEqual(u);
      }),
      RUNS,
    );
  });

  it('parseUri(formatUri(u)) equals u for generated tel URIs', () => {
    fc.assert(
      fc.property(telUri, (u) => {
        expect(parseUri(formatUri(u))).toStrictEqual(u);
      }),
      RUNS,
    );
  });

  it('formatUri is the inverse of parseUri on any text parseUri accepts', () => {
    fc.assert(
      fc.property(fc.oneof(chars('sip:tel+@[]:;=?&%0123456789abcdefABxyz.-_', 0, 30), fc.string({ maxLength: 30 })), (text) => {
        try {
          const u = parseUri(text);
          expect(formatUri(u).toLowerCase()).toBe(text.toLowerCase());
        } catch (e) {
          expect(e).toBeInstanceOf(SipUriError);
        }
      }),
      { numRuns: 1000 },
    );
  });
});

const via: fc.Arbitrary<Via> = fc
  .record({
    transport: fc.constantFrom('UDP', 'TCP', 'TLS', 'SCTP', 'WS', 'WSS', 'X-FOO'),
    host,
    port,
    branch: fc.option(token.map((t) => `z9hG4bK${t}`), { nil: undefined }),
    received: fc.option(fc.oneof(fc.ipV4(), fc.ipV6()), { nil: undefined }),
    rport: fc.option(fc.oneof(fc.constant(null), fc.integer({ min: 0, max: 65535 })), { nil: undefined }),
    maddr: fc.option(fc.ipV4(), { nil: undefined }),
    ttl: fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined }),
    params: genericParams(['branch', 'received', 'rport', 'maddr', 'ttl']),
  })
  .map((r) => {
    const v: { -readonly [K in keyof Via]: Via[K] } = { protocol: 'SIP/2.0', transport: r.transport, host: r.host, params: r.params };
    for (const k of ['port', 'branch', 'received', 'rport', 'maddr', 'ttl'] as const) {
      if (r[k] !== undefined) Object.assign(v, { [k]: r[k] });
    }
    return v;
  });

const nameAddr: fc.Arbitrary<NameAddr> = fc
  .record({
    displayName: fc.option(fc.string({ maxLength: 12 }).filter((s) => !/[\r\n]/.test(s)), { nil: undefined }),
    uri: fc.oneof(sipUri, telUri),
    tag: fc.option(token, { nil: undefined }),
    params: genericParams(['tag']),
  })
  .map((r) => {
    const na: { -readonly [K in keyof NameAddr]: NameAddr[K] } = { uri: r.uri, params: r.params, isBracketed: true };
    if (r.displayName !== undefined) na.displayName = r.displayName;
    if (r.tag !== undefined) na.tag = r.tag;
    return na;
  });

const reason: fc.Arbitrary<ReasonValue[]> = fc.array(
  fc
    .record({
      protocol: fc.constantFrom('SIP', 'Q.850', 'X-Proto'),
      cause: fc.integer({ min: 0, max: 65535 }),
      text: fc.option(fc.string({ maxLength: 20 }).filter((s) => !/[\r\n]/.test(s)), { nil: undefined }),
      location: fc.option(fc.constantFrom('U', 'LN', 'TN', 'RLN', 'INTL'), { nil: undefined }),
      params: genericParams(['cause', 'text', 'location']),
    })
    .map((r) => {
      const v: { -readonly [K in keyof ReasonValue]: ReasonValue[K] } = { protocol: r.protocol, cause: r.cause, params: r.params };
      if (r.text !== undefined) v.text = r.text;
      if (r.location !== undefined) v.location = r.location;
      return v;
    }),
  { minLength: 1, maxLength: 3 },
);

describe('header properties', () => {
  it('parseVia(serializeVia(v)) equals v', () => {
    fc.assert(
      fc.property(fc.array(via, { minLength: 1, maxLength: 3 }), (vias) => {
        expect(parseVia(serializeVia(vias))).toStrictEqual(vias);
      }),
      RUNS,
    );
  });

  it('parseNameAddr(serializeNameAddr(n)) equals n', () => {
    fc.assert(
      fc.property(nameAddr, (na) => {
        expect(parseNameAddr(serializeNameAddr(na))).toStrictEqual(na);
      }),
      RUNS,
    );
  });

  it('parseReason(serializeReason(r)) equals r', () => {
    fc.assert(
      fc.property(reason, (r) => {
        expect(parseReason(serializeReason(r))).toStrictEqual(r);
      }),
      RUNS,
    );
  });

  it('unquote(quote(s)) === s for strings without CR/LF', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !/[\r\n]/.test(s)), (s) => {
        expect(unquote(quote(s))).toBe(s);
        expect(splitCommaList(`${quote(s)}, x`)).toHaveLength(2);
      }),
      RUNS,
    );
  });

  const alphabet = 'SIP/2.0UDP sip:a@b<>";,=\\tag\t:[]1?%*';
  const input = fc.oneof(fc.string({ maxLength: 40 }), chars(alphabet, 0, 40), fc.string({ unit: 'binary', maxLength: 20 }));

  it('every registry parser throws only SipHeaderError, and re-parses what it serializes', () => {
    const defs = Object.values(HEADER_REGISTRY) as { parse(v: string): unknown; serialize(v: never): string; name: string }[];
    fc.assert(
      fc.property(input, (text) => {
        for (const def of defs) {
          let value: unknown;
          try {
            value = def.parse(text);
          } catch (e) {
            if (!(e instanceof SipHeaderError)) throw new Error(`${def.name} threw ${String(e)} for ${JSON.stringify(text)}`);
            continue;
          }
          const again = def.serialize(value as never);
          expect(def.parse(again), `${def.name} ${JSON.stringify(text)} → ${JSON.stringify(again)}`).toStrictEqual(value);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('body parsers throw only SipBodyError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), chars('--b\r\n: Content-Type text/plainv=0o=m', 0, 80)), (text) => {
        for (const f of [() => splitMultipart(Buffer.from(text, 'latin1'), 'b'), () => serializeSdp(parseSdp(text))]) {
          try {
            f();
          } catch (e) {
            expect(e).toBeInstanceOf(SipBodyError);
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
