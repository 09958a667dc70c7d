import type { SipMessage } from './message.js';
import { formatUri } from './uri/parse-uri.js';

/**
 * SipMessage → bytes (RFC 3261 §7). Headers are written in their stored order; Content-Length is always written
 * and always counts the body in *bytes* (§20.14), whatever it held before — so binary bodies (ISUP) frame right.
 */
export function serializeMessage(message: SipMessage): Buffer {
  let head =
    message.kind === 'request'
      ? `${message.method} ${formatUri(message.uri)} ${message.version}\r\n`
      : `SIP/2.0 ${message.status} ${message.reason}\r\n`;
  let wroteLength = false;
  for (const f of message.headers.fields) {
    if (f.name === 'Content-Length') {
      if (!wroteLength) head += `Content-Length: ${message.body.length}\r\n`;
      wroteLength = true;
      continue;
    }
    head += `${f.name}: ${f.value}\r\n`;
  }
  if (!wroteLength) head += `Content-Length: ${message.body.length}\r\n`;
  head += '\r\n';
  if (message.body.length === 0) return Buffer.from(head, 'utf8');
  const headLen = Buffer.byteLength(head, 'utf8');
  const out = Buffer.allocUnsafe(headLen + message.body.length);
  out.write(head, 0, 'utf8');
  message.body.copy(out, headLen);
  return out;
}
