/**
 * RFC 4028 on the wire: reads the session-timer inputs of a request or response for the pure policy
 * (`policy/session-timer.ts`) and writes its verdicts back as typed headers. The legs of a call use these; nothing
 * here keeps state.
 *
 * @see https://www.rfc-editor.org/rfc/rfc4028
 */
import type { AcceptVerdict, Reject420Verdict, Reject422Verdict, RequestTimerHeaders, SessionTimerRequest } from '../policy/session-timer.js';
import { TIMER_OPTION_TAG } from '../policy/session-timer.js';
import type { HeaderField, HeaderList } from '../sip/header-list.js';
import type { SessionExpires } from '../sip/headers/header-types.js';
import { serializeMinSe, serializeSessionExpires } from '../sip/headers/session-expires.js';
import type { SipRequest, SipResponse } from '../sip/message.js';

const hasTag = (tags: readonly string[] | undefined): boolean => (tags ?? []).some((t) => t.toLowerCase() === TIMER_OPTION_TAG);

/**
 * The policy's view of an INVITE or UPDATE (RFC 4028 §9): Session-Expires, Min-SE, and whether Supported / Require
 * list `timer`.
 * @throws SipHeaderError when Session-Expires, Min-SE, Supported or Require is malformed (answer 400).
 */
export function sessionTimerRequestOf(request: SipRequest, isRefresh: boolean): SessionTimerRequest {
  const h = request.headers;
  const se = h.get('Session-Expires');
  const minSE = h.get('Min-SE');
  return {
    ...(se === undefined ? {} : { sessionExpires: se }),
    ...(minSE === undefined ? {} : { minSE }),
    supportsTimer: hasTag(h.get('Supported')),
    requiresTimer: hasTag(h.get('Require')),
    isRefresh,
  };
}

/** Session-Expires of a response, or undefined when absent or malformed (a broken one is read as none, §7.2). */
export function sessionExpiresOf(message: SipRequest | SipResponse): SessionExpires | undefined {
  try {
    return message.headers.get('Session-Expires');
  } catch {
    return undefined;
  }
}

/** Min-SE of a 422 (RFC 4028 §6), or undefined when absent or malformed. */
export function minSEOf(message: SipResponse): number | undefined {
  try {
    return message.headers.get('Min-SE');
  } catch {
    return undefined;
  }
}

/**
 * Writes an accepting verdict into a 2xx (RFC 4028 §9): Session-Expires with `refresher`, `timer` in Require when
 * the verdict says so, `timer` in Supported.
 */
export function applyUasTimerHeaders(headers: HeaderList, verdict: AcceptVerdict): void {
  if (verdict.sessionExpires !== null) headers.set('Session-Expires', verdict.sessionExpires);
  if (verdict.requireTimer) headers.appendRaw('Require', TIMER_OPTION_TAG);
  if (verdict.supportedTimer) headers.appendRaw('Supported', TIMER_OPTION_TAG);
}

/**
 * The header lines of a session refresh request (RFC 4028 §7.1, §7.4): Supported: timer, Session-Expires (with
 * `refresher` when the verdict has one), Min-SE when not null.
 */
export function requestTimerFields(h: RequestTimerHeaders): HeaderField[] {
  const out: HeaderField[] = [];
  if (h.supportedTimer) out.push({ name: 'Supported', value: TIMER_OPTION_TAG });
  if (h.sessionExpires !== null) out.push({ name: 'Session-Expires', value: serializeSessionExpires(h.sessionExpires) });
  if (h.minSE !== null) out.push({ name: 'Min-SE', value: serializeMinSe(h.minSE) });
  return out;
}

/**
 * The response to a refused INVITE/UPDATE: 422 with Min-SE (RFC 4028 §6: "the 422 response MUST contain a Min-SE
 * header field") or 420 with Unsupported (RFC 3261 §8.2.2.3), the reason phrase saying why.
 */
export function timerRefusal(verdict: Reject422Verdict | Reject420Verdict): { status: number; headers: HeaderField[]; phrase: string } {
  if (verdict.status === 422) {
    return { status: 422, headers: [{ name: 'Min-SE', value: serializeMinSe(verdict.minSE) }], phrase: `Session Interval Too Small (minimum ${verdict.minSE} s)` };
  }
  return { status: 420, headers: [{ name: 'Unsupported', value: verdict.unsupported.join(', ') }], phrase: 'Bad Extension (session timers are off on this trunk)' };
}
