/**
 * P-Media-Authorization at the leg edge (src/dialog/media-auth-check.ts): the 403 + Warning for each refusal reason
 * of a `require` trunk, the header for an `issue` trunk (the src/policy/README.md worked example), and stripping on
 * relay.
 */
import { describe, expect, it } from 'vitest';
import { P_MEDIA_AUTHORIZATION, checkInbound, stripTokens, tokenHeaderFor } from '../../../src/dialog/media-auth-check.js';
import type { InboundRejected, InboundResult } from '../../../src/dialog/media-auth-check.js';
import { isTandemError } from '../../../src/errors/tandem-error.js';
import { MediaAuthKeyError, issueToken, parseKey } from '../../../src/policy/media-authorization.js';
import type { HeaderField } from '../../../src/sip/header-list.js';
import { HeaderList } from '../../../src/sip/header-list.js';
import { parseWarning } from '../../../src/sip/headers/warning.js';

// The src/policy/README.md worked example.
const KEY_HEX = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const OTHER_KEY = 'ff'.repeat(32);
const CALLED = '+4930123456';
const NOW = Date.parse('2025-01-01T00:00:00Z');
const EXAMPLE_TOKEN =
  '01677486aca909469fabf3f43d0b7b6c42a85a6e7e8c0994855cb4357e96f31ead1f49ab5acb4b5eadf81930ebc8e6a2a25ff20118';

const token = (over: { key?: string; called?: string; now?: number; ttl?: number } = {}) =>
  issueToken({ key: parseKey(over.key ?? KEY_HEX), called: over.called ?? CALLED, ttlSeconds: over.ttl ?? 300, now: over.now ?? NOW });

const headers = (...values: string[]) =>
  new HeaderList([{ name: 'Via', value: 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx' }, ...values.map((value) => ({ name: 'P-Media-Authorization', value }))]);

const check = (list: HeaderList, over: { now?: number; called?: string; warnAgent?: string } = {}): InboundResult =>
  checkInbound({ mode: 'require', key: KEY_HEX, called: over.called ?? CALLED, headers: list, now: over.now ?? NOW, warnAgent: over.warnAgent });

function rejected(r: InboundResult): InboundRejected {
  if (r.ok) throw new Error('expected a refusal');
  return r;
}

describe('RFC 3313 §5.1 checkInbound on a trunk in require mode', () => {
  it('§5.1 a valid token for the called number passes', () => {
    expect(check(headers(token()))).toEqual({ ok: true });
    // Hex compares case-insensitively.
    expect(check(headers(token().toUpperCase()))).toEqual({ ok: true });
  });

  it.each([
    ['missing', () => headers(), {}],
    ['malformed', () => headers('xyz'), {}],
    ['malformed', () => headers('0102'), {}],
    ['malformed', () => headers(''), {}],
    ['malformed', () => headers(`${token().slice(0, -1)}`), {}],
    ['forged', () => headers(token({ key: OTHER_KEY })), {}],
    ['expired', () => headers(token()), { now: NOW + 300_000 }],
    ['other-number', () => headers(token({ called: '+4930999999' })), {}],
  ] as const)('RFC 3261 §21.4.4 403 with a 399 Warning saying %s', (reason, list, over) => {
    const r = rejected(check(list(), over));
    expect(r.status).toBe(403);
    expect(r.reason).toBe(reason);
    const words = reason === 'other-number' ? 'for another number' : reason;
    expect(r.text).toContain(`media authorization token ${words}`);
    // RFC 3261 §20.43: warning-value = warn-code SP warn-agent SP warn-text.
    const [w] = parseWarning(r.warning);
    expect(w).toEqual({ code: 399, agent: 'tandem', text: r.text });
    expect(r.headers).toEqual([{ name: 'Warning', value: r.warning }]);
  });

  it('§5.1 an expired token says how long ago it expired', () => {
    const r = rejected(check(headers(token()), { now: NOW + 337_000 }));
    expect(r.text).toBe('media authorization token expired: token expired 37 s ago (at 2025-01-01T00:05:00.000Z)');
  });

  it('§5.1 several tokens, on one line or several: any one valid passes', () => {
    expect(check(headers(`${token({ key: OTHER_KEY })}, ${token()}`))).toEqual({ ok: true });
    expect(check(headers('abcd', token()))).toEqual({ ok: true });
  });

  it('§5.1 several bad tokens: the most specific failure is reported', () => {
    expect(rejected(check(headers('zz', token({ called: '+1555' }), token({ key: OTHER_KEY })))).reason).toBe('other-number');
  });

  it('RFC 3261 §20.43 the warn-agent can be set', () => {
    const r = rejected(check(headers(), { warnAgent: 'gw1.example.net' }));
    expect(r.warning.startsWith('399 gw1.example.net "media authorization token missing')).toBe(true);
  });

  it('the key may be given as bytes', () => {
    expect(checkInbound({ mode: 'require', key: parseKey(KEY_HEX), called: CALLED, headers: headers(token()), now: NOW })).toEqual({ ok: true });
  });

  it('require without a key or with a short key is a configuration error', () => {
    let caught: unknown;
    try {
      checkInbound({ mode: 'require', called: CALLED, headers: headers(), now: NOW });
    } catch (e) {
      caught = e;
    }
    expect(isTandemError(caught) && caught.code).toBe('TANDEM_ERR_INVALID_ARGUMENT');
    expect(() => checkInbound({ mode: 'require', key: '0011', called: CALLED, headers: headers(), now: NOW })).toThrow(MediaAuthKeyError);
  });

  it.each(['off', 'issue'] as const)('mode %s: inbound requests are not checked', (mode) => {
    expect(checkInbound({ mode, called: CALLED, headers: headers(), now: NOW })).toEqual({ ok: true });
    expect(checkInbound({ mode, key: KEY_HEX, called: CALLED, headers: headers('xyz'), now: NOW })).toEqual({ ok: true });
  });
});

describe('RFC 3313 §5.1 tokenHeaderFor a trunk in issue mode', () => {
  it('issue: the README worked example token, bound to the called number', () => {
    expect(tokenHeaderFor({ mode: 'issue', key: KEY_HEX, called: CALLED, ttl: 300, now: NOW })).toEqual({
      name: 'P-Media-Authorization',
      value: EXAMPLE_TOKEN,
    });
  });

  it('issue: the default lifetime is 300 s and the token passes a require check with the same key', () => {
    const h = tokenHeaderFor({ mode: 'issue', key: KEY_HEX, called: CALLED, now: NOW });
    expect(h?.value).toBe(EXAMPLE_TOKEN);
    expect(check(new HeaderList([h!]))).toEqual({ ok: true });
    expect(rejected(check(new HeaderList([h!]), { now: NOW + 300_000 })).reason).toBe('expired');
  });

  it.each(['off', 'require'] as const)('%s: no header', (mode) => {
    expect(tokenHeaderFor({ mode, key: KEY_HEX, called: CALLED, ttl: 300, now: NOW })).toBeUndefined();
  });

  it('issue with a called "number" that is no telephone number throws (no token can bind to it)', () => {
    expect(() => tokenHeaderFor({ mode: 'issue', key: KEY_HEX, called: 'alice', now: NOW })).toThrow(/not digits/);
  });
});

describe('RFC 3313 §6 stripTokens: tokens never cross legs', () => {
  it('§6 removes every P-Media-Authorization line, any spelling, and keeps the rest in order', () => {
    const fields: readonly HeaderField[] = [
      { name: 'Via', value: 'SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx' },
      { name: 'P-Media-Authorization', value: EXAMPLE_TOKEN },
      { name: 'Reason', value: 'Q.850;cause=16' },
      { name: 'p-media-authorization', value: 'abcd' },
      { name: 'P-MEDIA-AUTHORIZATION', value: '1234' },
      { name: 'Session-Expires', value: '1800;refresher=uac' },
    ];
    const before = [...fields];
    expect(stripTokens(fields)).toEqual([fields[0], fields[2], fields[5]]);
    expect(fields).toEqual(before);
    expect(P_MEDIA_AUTHORIZATION).toBe('P-Media-Authorization');
  });

  it('§6 a parsed message’s header lines lose their tokens too', () => {
    const list = headers(EXAMPLE_TOKEN, 'abcd');
    expect(stripTokens(list.fields).map((f) => f.name)).toEqual(['Via']);
  });
});
