/**
 * Which malformed typed headers refuse a message: those transactions, dialogs and framing depend on (400, or a
 * dropped response); any other (Reason, Warning, Retry-After, Expires, Session-Expires …) leaves the message usable
 * and throws the typed error only to the code that reads it (issue 4: a malformed Reason never fails a call;
 * RFC 4475 §3.1.2.4).
 */
import { describe, expect, it } from 'vitest';
import { SipHeaderError } from '../../../../src/sip/errors.js';
import { parseMessage } from '../../../../src/sip/parser/parse-message.js';

const response = (extra: string): Buffer =>
  Buffer.from(
    `SIP/2.0 486 Busy Here\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKabc\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\n${extra}Content-Length: 0\r\n\r\n`,
  );

describe('lenient and strict typed headers at the receive path', () => {
  for (const line of ['Reason: Q.850;cause=notanumber', 'Warning: 1812 overture "x"', 'Retry-After: soon', 'Expires: 99999999999999', 'Session-Expires: -1']) {
    it(`a response with '${line}' is still received; reading it throws SipHeaderError`, () => {
      const r = parseMessage(response(`${line}\r\n`));
      if (!r.ok) throw new Error(r.error.message);
      const name = line.split(':')[0] as 'Reason';
      expect(() => r.message.headers.get(name)).toThrow(SipHeaderError);
    });
  }

  for (const line of ['CSeq: 99999999999 INVITE', 'Max-Forwards: 300', 'Contact: <sip:a@b>;;;', 'RSeq: x']) {
    it(`'${line}' refuses the message`, () => {
      const text = response(`${line}\r\n`).toString('latin1').replace('CSeq: 1 INVITE\r\n', line.startsWith('CSeq') ? '' : 'CSeq: 1 INVITE\r\n');
      const r = parseMessage(Buffer.from(text, 'latin1'));
      expect(r.ok).toBe(false);
    });
  }
});
