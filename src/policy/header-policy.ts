/**
 * Which headers of one leg's message cross to the other leg (brief, issue 3): an allow-list. Topology headers never
 * cross — Tandem writes its own Via, Contact, Call-ID, tags, CSeq, Route/Record-Route, User-Agent/Server on each
 * leg — and neither do the headers each leg negotiates for itself (Require/Supported/Allow, RSeq/RAck,
 * Session-Expires/Min-SE, P-Media-Authorization). By default:
 * - Reason crosses on BYE, CANCEL and responses (RFC 3326 §2; at most one value per protocol, see `dedupeReasons`);
 * - P-Asserted-Identity and Privacy cross only toward a trunk marked `trusted` (RFC 3325 §5: the trust domain);
 * - any header the target trunk lists in `passHeaders`;
 * - everything else is dropped.
 * Pure: (fields, context) → fields.
 */
import type { HeaderField } from '../sip/header-list.js';
import type { ReasonValue } from '../sip/headers/header-types.js';

/** Never copied, whatever a trunk lists: they describe one leg's topology or negotiation. */
const NEVER: ReadonlySet<string> = new Set(
  [
    'Via', 'Route', 'Record-Route', 'Contact', 'Call-ID', 'From', 'To', 'CSeq', 'Max-Forwards', 'User-Agent', 'Server',
    'Content-Length', 'Content-Type', 'Content-Disposition', 'Content-Encoding', 'MIME-Version', 'Require', 'Supported',
    'Unsupported', 'Proxy-Require', 'Allow', 'Accept', 'RSeq', 'RAck', 'Session-Expires', 'Min-SE',
    'P-Media-Authorization', 'Authorization', 'Proxy-Authorization', 'WWW-Authenticate', 'Proxy-Authenticate',
    'Retry-After', 'Warning',
  ].map((n) => n.toLowerCase()),
);

export interface CrossingContext {
  /** What the fields are taken from: a request of `method`, or a response. */
  readonly message: { readonly kind: 'request'; readonly method: string } | { readonly kind: 'response' };
  /** The trunk the copy goes to is trusted (RFC 3325). */
  readonly isTargetTrusted: boolean;
  /** Extra names the target trunk lets through (`passHeaders`). */
  readonly pass: readonly string[];
}

export function crossingHeaders(fields: readonly HeaderField[], ctx: CrossingContext): HeaderField[] {
  const pass = new Set(ctx.pass.map((n) => n.toLowerCase()));
  const reasonAllowed =
    ctx.message.kind === 'response' || ctx.message.method === 'BYE' || ctx.message.method === 'CANCEL';
  const out: HeaderField[] = [];
  for (const f of fields) {
    const n = f.name.toLowerCase();
    if (NEVER.has(n)) continue;
    if (n === 'reason') {
      if (reasonAllowed) out.push(f);
    } else if (n === 'p-asserted-identity' || n === 'privacy') {
      if (ctx.isTargetTrusted) out.push(f);
    } else if (pass.has(n)) out.push(f);
  }
  return out;
}

/** RFC 3326 §2: "… at most one Reason value per protocol" — keeps the first of each protocol, in order. */
export function dedupeReasons(reasons: readonly ReasonValue[]): ReasonValue[] {
  const seen = new Set<string>();
  const out: ReasonValue[] = [];
  for (const r of reasons) {
    const p = r.protocol.toUpperCase();
    if (seen.has(p)) continue;
    seen.add(p);
    out.push(r);
  }
  return out;
}
