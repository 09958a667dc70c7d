import type { HeaderField } from './header-list.js';
import { HeaderList } from './header-list.js';
import type { SipRequest } from './message.js';
import { SipResponse } from './message.js';
import { reasonPhrase } from './status.js';

export interface ResponseOptions {
  /** Reason phrase; default from status.ts. */
  reason?: string;
  /** To tag to add when the request's To has none (RFC 3261 §8.2.6.2); not added to 100 Trying. */
  toTag?: string;
  /** Extra header lines, appended after the copied ones. */
  headers?: readonly HeaderField[];
  body?: Buffer;
}

/**
 * Builds a response to `request` (RFC 3261 §8.2.6.2): Via (all values, same order), From, Call-ID and CSeq copied;
 * To copied with a tag added when it has none (except for 100); Timestamp copied into a 100 (§8.2.6.1).
 * Works from the raw lines so that it never re-serializes what the peer wrote.
 */
export function createResponse(request: SipRequest, status: number, opts: ResponseOptions = {}): SipResponse {
  const out: HeaderField[] = [];
  for (const f of request.headers.fields) {
    if (f.name === 'Via' || f.name === 'From' || f.name === 'Call-ID' || f.name === 'CSeq') out.push(f);
    else if (f.name === 'Timestamp' && status === 100) out.push(f);
  }
  const headers = HeaderList.fromCanonical(out);
  const to = request.headers.getRaw('To');
  if (to !== undefined) {
    // §8.2.6.2: "if a request contained a To tag … the UAS MUST NOT add one"; §8.2.6.1 no tag on 100 Trying.
    const parsedTo = request.headers.get('To');
    if (parsedTo !== undefined && parsedTo.tag === undefined && status !== 100 && opts.toTag !== undefined) {
      headers.set('To', { ...parsedTo, tag: opts.toTag });
    } else {
      headers.setRaw('To', to);
    }
  }
  for (const f of opts.headers ?? []) headers.appendRaw(f.name, f.value);
  return new SipResponse({
    status,
    reason: opts.reason ?? reasonPhrase(status),
    headers,
    ...(opts.body === undefined ? {} : { body: opts.body }),
  });
}
