/**
 * The interworking state of one call (issue 5): what its SIP-I / SIP-T / QSIG bodies mean and what goes out on the
 * other leg. The Call (the mediator, STYLE.md P7) asks this object at each step and sends what it answers; this
 * object never sends anything itself. The decisions are the pure functions of src/interworking; what is kept here is
 * the little state a call needs between them: the ingress trunk's signalling, whether an ACM went to an ISUP caller,
 * the cause of an ACM/CPG that announced a failure, and the ISUP values the CDR records.
 *
 *   INVITE ──▶ outboundInvite(): SDP only toward plain SIP │ IAM built (RFC 3398 §7.2.1.1) or passed through
 *                                                          │ (called number, hop counter) toward SIP-I/SIP-T
 *   18x/2xx ◀── provisional() / answer(): ACM/CPG/ANM/CON → 180/181/183/200 toward plain SIP (RFC 3398 §7.2.5-
 *                                        §7.2.9), generated toward SIP-I callers (§8.2.3), or passed through
 *   failure/BYE ──▶ the REL's cause feeds chooseReleaseCause; a REL with the mapped cause goes to ISUP peers
 *
 * @see https://www.rfc-editor.org/rfc/rfc3398
 * @see https://www.rfc-editor.org/rfc/rfc3372
 * @see https://www.rfc-editor.org/rfc/rfc3204
 */
import type { Config } from '../config/load.js';
import type { BodyClassification, BuiltBody, Handling } from '../interworking/body-parts.js';
import { acceptFor, buildBody, classifyBody } from '../interworking/body-parts.js';
import type { IsupReleaseCause, ReasonValue as MappingReason } from '../interworking/cause-mapping.js';
import { chooseReleaseCause } from '../interworking/cause-mapping.js';
import type { IsupProfile, Signalling } from '../interworking/interworking-config.js';
import { carriesIsup, isupDefaultsOf, isupProfileFor, signallingOf } from '../interworking/interworking-config.js';
import { mapBackwardIsup, releaseCauseOf } from '../interworking/isup-to-sip.js';
import type { MappingSet } from '../interworking/mapping-tables.js';
import { addressFromNumber, telephoneNumberOf } from '../interworking/number-mapping.js';
import type { LocationToken } from '../interworking/q850-causes.js';
import { mapQsigMessage, qsigReleaseCause } from '../interworking/qsig-to-sip.js';
import { backwardIsupFor, buildIam, buildRel, buildRelFor, passThroughIsup } from '../interworking/sip-to-isup.js';
import type { HeaderField } from '../sip/header-list.js';
import { serializeContentDisposition } from '../sip/headers/content-disposition.js';
import { serializeAccept, serializeMediaType } from '../sip/headers/content-type.js';
import type { NameAddr } from '../sip/headers/header-types.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { reasonPhrase } from '../sip/status.js';
import type { MessageBody } from './leg.js';

/** A received ISUP / QSIG part (the b2bua layer does not import codecs/: the types come through interworking/). */
type SignalPart = NonNullable<BodyClassification['isup']>;
type QsigPart = NonNullable<BodyClassification['qsig']>;

/** A body to send and the headers that describe it beyond Content-Type (Content-Disposition of a lone signal part). */
export type OutgoingMessageBody = MessageBody;

/** What an INVITE body check at the door decides (b2bua.ts, before any Call exists). */
export type InviteBodyVerdict =
  | { readonly ok: true; readonly classified: BodyClassification }
  | {
      readonly ok: false;
      readonly status: 400 | 415;
      readonly phrase: string;
      readonly headers: readonly HeaderField[];
      /** The refusal counter's label. */
      readonly reason: 'malformed-body' | 'unsupported-body';
    };

/** What goes out with the INVITE toward the egress trunk. */
export type OutboundInviteBody =
  | { readonly ok: true; readonly body?: OutgoingMessageBody | undefined; readonly headers: readonly HeaderField[] }
  /** RFC 3398 §7.2.1.1: a called number that cannot be interpreted → 484. */
  | { readonly ok: false; readonly kind: 'address-incomplete'; readonly reason: string }
  /** Q.764 hop counter procedure: the passed-through IAM's hop counter reached 0 → release with cause 25. */
  | { readonly ok: false; readonly kind: 'hop-counter-exhausted' };

/** One provisional (or the 2xx) to send toward the caller. */
export interface BackwardResponse {
  readonly status: number;
  readonly reason: string;
  readonly body?: OutgoingMessageBody | undefined;
  /** The body holds a session description (reliability of provisionals, RFC 3262 §3). */
  readonly hasSdp: boolean;
}

/** A reason-phrase is TEXT-UTF8 without CR/LF (RFC 3261 §25.1); decode errors are put in one, so keep them to a line. */
function phraseSafe(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 160);
}

function outgoing(built: BuiltBody | undefined): OutgoingMessageBody | undefined {
  if (built === undefined) return undefined;
  const headers: HeaderField[] = [];
  if (built.contentDisposition !== undefined) headers.push({ name: 'Content-Disposition', value: serializeContentDisposition(built.contentDisposition) });
  return { body: built.body, contentType: serializeMediaType(built.contentType), headers };
}

/** The message's own body and Content-Type, unchanged (plain SIP on both sides: Tandem relays bodies opaque). */
function raw(m: SipRequest | SipResponse): OutgoingMessageBody | undefined {
  if (m.body.length === 0) return undefined;
  return { body: m.body, contentType: m.headers.getRaw('Content-Type') ?? 'application/sdp', headers: [] };
}

function typedHeader<T>(read: () => T): { ok: true; value: T } | { ok: false; error: string } {
  try {
    return { ok: true, value: read() };
  } catch (err: unknown) {
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Classifies a message body for a trunk's signalling (RFC 3204, RFC 5621). Never throws: a malformed Content-Type
 * or Content-Disposition is reported as `malformed`.
 */
export function classifyMessageBody(m: SipRequest | SipResponse, signalling: Signalling): BodyClassification {
  if (m.body.length === 0) return { ignored: [] };
  const ct = typedHeader(() => m.headers.get('Content-Type'));
  if (!ct.ok) return { malformed: `malformed Content-Type: ${ct.error}`, ignored: [] };
  const cd = typedHeader(() => m.headers.get('Content-Disposition'));
  if (!cd.ok) return { malformed: `malformed Content-Disposition: ${cd.error}`, ignored: [] };
  return classifyBody({ contentType: ct.value, contentDisposition: cd.value, body: m.body, signalling });
}

/**
 * The INVITE body check at the door (RFC 5621 §3.2, RFC 3204 §5):
 * - a body that is not well formed → 400 naming the fault;
 * - a required part Tandem cannot handle on this trunk → 415 with Accept listing what it understands here;
 * - a required ISUP/QSIG part the codec cannot read → 400 saying what is wrong with it;
 * - optional parts Tandem does not understand are ignored (and not sent on).
 */
export function checkInviteBody(invite: SipRequest, signalling: Signalling): InviteBodyVerdict {
  const classified = classifyMessageBody(invite, signalling);
  if (classified.malformed !== undefined) {
    return { ok: false, status: 400, phrase: phraseSafe(`Bad Request (malformed body: ${classified.malformed})`), headers: [], reason: 'malformed-body' };
  }
  // RFC 5621 §3.2 (RFC 3261 §20.11): a required part the UAS does not understand — or understands but not in this
  // context — is rejected with 415, whose Accept lists what is understood (standards.md §5).
  if (classified.unsupportedRequired !== undefined) {
    return {
      ok: false,
      status: 415,
      phrase: phraseSafe(`Unsupported Media Type (${classified.unsupportedRequired} is required but not understood here)`),
      headers: [{ name: 'Accept', value: serializeAccept(acceptFor(signalling)) }],
      reason: 'unsupported-body',
    };
  }
  for (const [name, part] of [['ISUP', classified.isup], ['QSIG', classified.qsig]] as const) {
    if (part !== undefined && part.handling === 'required' && part.decodeError !== undefined) {
      const phrase = phraseSafe(`Bad Request (malformed ${name} in a required body part: ${part.decodeError})`);
      return { ok: false, status: 400, phrase, headers: [], reason: 'malformed-body' };
    }
  }
  return { ok: true, classified };
}

/** What the Call's interworking needs at construction. */
export interface CallInterworkingOptions {
  readonly config: Config;
  readonly mappings: MappingSet;
  readonly ingressTrunk: string;
  readonly invite: SipRequest;
  /** The INVITE body as classified at the door ({@link checkInviteBody}); absent = classified here. */
  readonly classified?: BodyClassification | undefined;
}

/** The per-call interworking state (see the file comment). */
export class CallInterworking {
  /** What the caller's trunk speaks. */
  readonly ingress: Signalling;
  readonly #config: Config;
  readonly #mappings: MappingSet;
  readonly #ingressTrunk: string;
  /** The caller's INVITE body as classified; needed until the call is answered (every attempt's INVITE uses it). */
  #classified: BodyClassification | undefined;
  /** An ACM went to the ISUP caller (later provisionals become CPGs, the 2xx an ANM: RFC 3398 §8.2.3-§8.2.4). */
  #isAcmSent = false;
  /** RFC 3398 §7.1.6: an ACM/CPG with Cause Indicators announced the failure; its cause releases the call. */
  #announcedCause: IsupReleaseCause | undefined;
  #isupCause: number | undefined;
  #category: number | undefined;

  constructor(options: CallInterworkingOptions) {
    this.#config = options.config;
    this.#mappings = options.mappings;
    this.#ingressTrunk = options.ingressTrunk;
    this.ingress = signallingOf(options.config.trunks[options.ingressTrunk]);
    this.#classified = options.classified ?? classifyMessageBody(options.invite, this.ingress);
    const iam = this.#classified.isup?.message;
    if (iam?.message === 'IAM') this.#category = iam.callingPartyCategory.category;
  }

  /** The cause of the last ISUP REL received from or sent to an ISUP trunk (CDR, Q.763 §3.12). */
  get isupCause(): number | undefined {
    return this.#isupCause;
  }

  /** The calling party's category of the IAM received or sent (CDR, Q.763 §3.11). */
  get callingPartyCategory(): number | undefined {
    return this.#category;
  }

  #signallingOf(trunk: string): Signalling {
    return signallingOf(this.#config.trunks[trunk]);
  }

  #profileOf(trunk: string): IsupProfile {
    const t = this.#config.trunks[trunk];
    return isupProfileFor({ isupProfile: t?.isupProfile, causeProfile: t?.causeProfile });
  }

  #causeProfileOf(trunk: string): string {
    return this.#config.trunks[trunk]?.causeProfile ?? 'rfc3398';
  }

  /** RFC 3398 §5.2: interworking nodes MUST understand multipart/mixed and advertise it in Accept. */
  #acceptTowards(signalling: Signalling): HeaderField[] {
    return signalling === 'sip' ? [] : [{ name: 'Accept', value: serializeAccept(acceptFor(signalling)) }];
  }

  // ── forward: the INVITE toward the egress trunk ──────────────────────────────────────────────────────────────

  /**
   * The body of the INVITE toward `egressTrunk` for the called number `called` (after routing):
   * - toward plain SIP: the SDP alone — ISUP/QSIG parts removed (an SDP-only body from a plain caller is relayed
   *   unchanged);
   * - toward SIP-I/SIP-T from a SIP-I/SIP-T caller: the IAM passes through with the called number after routing and
   *   the hop counter decremented (`passThroughIsup`), everything else untouched;
   * - toward SIP-I/SIP-T otherwise: an IAM built from the INVITE (`buildIam`, RFC 3398 §7.2.1.1) beside the SDP in
   *   multipart/mixed, `Content-Disposition: signal;handling=required` for SIP-I (the peer must understand it) and
   *   `optional` for SIP-T (RFC 3372 §6: plain SIP peers may ignore it);
   * - toward QSIG: a QSIG part from a QSIG caller passes through; nothing builds a SETUP from SIP (no such mapping
   *   in src/interworking), so other callers' INVITEs carry the SDP alone.
   */
  outboundInvite(egressTrunk: string, called: string, invite: SipRequest): OutboundInviteBody {
    // A new attempt (route advance): what an earlier trunk's ACM announced does not release this one.
    this.#announcedCause = undefined;
    const egress = this.#signallingOf(egressTrunk);
    const c = this.#classified;
    if (c === undefined) throw new Error('outboundInvite after the call was answered');
    const headers = this.#acceptTowards(egress);
    if (carriesIsup(egress)) {
      const handling: Handling = egress === 'sip-i' ? 'required' : 'optional';
      const source = carriesIsup(this.ingress) ? c.isup : undefined;
      if (source !== undefined) {
        const through = this.#passThroughIam(source, egressTrunk, called, invite);
        if (through === undefined) return { ok: false, kind: 'hop-counter-exhausted' };
        return { ok: true, headers, body: outgoing(buildBody({ sdp: c.sdp, isup: { ...signalOf(source), bytes: through } })) };
      }
      const defaults = isupDefaultsOf(this.#config.trunks[egressTrunk]);
      const result = buildIam({
        requestUri: invite.uri,
        ...(called === '' ? {} : { calledNumber: called }),
        pai: optionalHeader(() => invite.headers.get('P-Asserted-Identity')),
        from: invite.from,
        to: invite.to,
        privacy: optionalHeader(() => invite.headers.get('Privacy')),
        trunkDefaults: defaults,
        profile: this.#profileOf(egressTrunk),
      });
      if (!result.ok) return { ok: false, kind: 'address-incomplete', reason: result.reason };
      this.#category = result.iam.callingPartyCategory.category;
      return { ok: true, headers, body: outgoing(buildBody({ sdp: c.sdp, isup: { handling, message: result.iam } })) };
    }
    if (egress === 'qsig' && this.ingress === 'qsig' && c.qsig !== undefined) {
      return { ok: true, headers, body: outgoing(buildBody({ sdp: c.sdp, qsig: { ...qsigSignalOf(c.qsig), bytes: c.qsig.bytes } })) };
    }
    return { ok: true, headers, ...this.#sdpOnly(c, invite) };
  }

  /** The SDP alone; the message's own body when it is exactly that already. */
  #sdpOnly(c: BodyClassification, m: SipRequest | SipResponse): { body?: OutgoingMessageBody } {
    if (c.isup === undefined && c.qsig === undefined && c.ignored.length === 0 && c.malformed === undefined) {
      const r = raw(m);
      return r === undefined ? {} : { body: r };
    }
    const b = outgoing(c.sdp === undefined ? undefined : buildBody({ sdp: c.sdp }));
    return b === undefined ? {} : { body: b };
  }

  /** Pass-through bytes of the caller's ISUP (IAM edited), or undefined when its hop counter is exhausted. */
  #passThroughIam(source: SignalPart, egressTrunk: string, called: string, invite: SipRequest): Buffer | undefined {
    const iam = source.message?.message === 'IAM' ? source.message : undefined;
    let calledNumber;
    if (iam !== undefined && called !== '') {
      // RFC 3398 §7.2.1.1: SIP header values win over the encapsulated IAM — the called number after routing goes
      // into the IAM when its digits differ (same digits: the IAM's own nature of address is kept).
      const tn = telephoneNumberOf(invite.uri);
      const a = addressFromNumber({ number: called, params: tn?.params ?? [] }, isupDefaultsOf(this.#config.trunks[egressTrunk]));
      if (a.ok && a.address.digits !== iam.calledPartyNumber.digits) calledNumber = a.address;
    }
    // Q.764 hop counter procedure: every exchange the IAM crosses decrements the hop counter by one.
    const r = passThroughIsup(source.bytes, { calledNumber, hopCounterDecrement: 1 });
    return r.hopCounterExhausted ? undefined : r.bytes;
  }

  // ── backward: provisional responses, the answer ──────────────────────────────────────────────────────────────

  /**
   * The provisional response(s) toward the caller for the callee's `r` on `egressTrunk`:
   * - from SIP-I/SIP-T toward a plain (or QSIG) caller: the status follows the encapsulated ACM/CPG
   *   (`mapBackwardIsup` with the egress trunk's profile: RFC 3398 §7.2.5-§7.2.9 or Q.1912.5), the SDP alone goes on;
   *   an ACM/CPG with Cause Indicators keeps its cause for the release (RFC 3398 §7.1.6);
   * - from QSIG likewise (`mapQsigMessage`, RFC 4497): ALERTING → 180, PROGRESS → 183;
   * - toward a SIP-I/SIP-T caller: the callee's ISUP passes through, or an ACM/CPG is generated (`backwardIsupFor`,
   *   RFC 3398 §8.2.3); a 181 before any ACM becomes two provisionals (early ACM, then CPG event 6).
   */
  provisional(egressTrunk: string, r: SipResponse): readonly BackwardResponse[] {
    const egress = this.#signallingOf(egressTrunk);
    if (egress === 'sip' && this.ingress === 'sip') return [relayed(r, r.status, r.reason)];
    const c = classifyMessageBody(r, egress);
    let status = r.status;
    const isup = carriesIsup(egress) ? c.isup?.message : undefined;
    if (isup !== undefined) {
      const ev = mapBackwardIsup(isup, this.#profileOf(egressTrunk));
      if (ev.kind === 'provisional') {
        status = ev.status;
        if (ev.cause !== undefined) this.#announcedCause = ev.cause;
      }
    }
    const qsig = egress === 'qsig' ? c.qsig?.message : undefined;
    if (qsig !== undefined) {
      const ev = mapQsigMessage(qsig);
      if (ev.kind === 'provisional') status = ev.status;
    }
    return this.#backward(egress, c, r, status, status === r.status ? r.reason : reasonPhrase(status));
  }

  /**
   * The 2xx toward the caller: ANM/CON from an ISUP callee → 200 with the SDP alone toward plain SIP (RFC 3398
   * §7.2.7); toward an ISUP caller the callee's ANM/CON passes through or one is generated (RFC 3398 §8.2.4:
   * ANM after an ACM, else CON).
   */
  answer(egressTrunk: string, r: SipResponse): BackwardResponse {
    // Answered: no attempt follows, so the caller's classified body (and the datagram its parts are views of) goes.
    this.#classified = undefined;
    const egress = this.#signallingOf(egressTrunk);
    if (egress === 'sip' && this.ingress === 'sip') return relayed(r, r.status, r.reason);
    return this.#backward(egress, classifyMessageBody(r, egress), r, r.status, r.reason)[0]!;
  }

  /** What goes toward the caller for a classified response of the callee, with `status` already decided. */
  #backward(egress: Signalling, c: BodyClassification, r: SipResponse, status: number, reason: string): BackwardResponse[] {
    const hasSdp = c.sdp !== undefined;
    if (carriesIsup(this.ingress)) {
      const passed = carriesIsup(egress) ? c.isup : undefined;
      if (passed !== undefined) {
        if (passed.message?.message === 'ACM') this.#isAcmSent = true;
        return [{ status, reason, hasSdp, ...bodyField(outgoing(buildBody({ sdp: c.sdp, isup: { ...signalOf(passed), bytes: passed.bytes } }))) }];
      }
      const messages = backwardIsupFor({ status, acmSent: this.#isAcmSent, profile: this.#profileOf(this.#ingressTrunk), hasEarlyMedia: hasSdp });
      if (messages.length > 0) {
        const handling = this.#handlingTowardCaller();
        return messages.map((m, i) => {
          if (m.message === 'ACM') this.#isAcmSent = true;
          // One ISUP message per SIP message (RFC 3204 §5): a second one (181 → ACM + CPG) rides on a second
          // provisional, which repeats no SDP.
          const sdp = i === 0 ? c.sdp : undefined;
          return { status, reason, hasSdp: sdp !== undefined, ...bodyField(outgoing(buildBody({ sdp, isup: { handling, message: m } }))) };
        });
      }
    } else if (this.ingress === 'qsig' && egress === 'qsig' && c.qsig !== undefined) {
      return [{ status, reason, hasSdp, ...bodyField(outgoing(buildBody({ sdp: c.sdp, qsig: { ...qsigSignalOf(c.qsig), bytes: c.qsig.bytes } }))) }];
    }
    return [{ status, reason, hasSdp, ...bodyField(this.#sdpOnly(c, r).body) }];
  }

  #handlingTowardCaller(): Handling {
    return this.ingress === 'sip-t' ? 'optional' : 'required';
  }

  // ── release: failures, BYE, CANCEL ──────────────────────────────────────────────────────────────────────────

  /**
   * The ISUP cause a failure response from `egressTrunk` carries for `chooseReleaseCause` (issue 5: "below a Q.850
   * Reason, above the status table"): the encapsulated REL's (RFC 3398 §8.2.6.1: copy that REL's Cause
   * Indicators instead of the table), a QSIG clearing message's Cause (RFC 4497), else the cause an earlier ACM/CPG
   * announced (§7.1.6).
   */
  failureCause(egressTrunk: string, r: SipResponse): IsupReleaseCause | undefined {
    const egress = this.#signallingOf(egressTrunk);
    let cause: IsupReleaseCause | undefined;
    if (carriesIsup(egress)) cause = releaseCauseOf(classifyMessageBody(r, egress).isup?.message);
    else if (egress === 'qsig') {
      const q = classifyMessageBody(r, egress).qsig?.message;
      cause = q === undefined ? undefined : qsigReleaseCause(q);
    }
    cause ??= this.#announcedCause;
    if (cause !== undefined && carriesIsup(egress)) this.#isupCause = cause.cause;
    return cause;
  }

  /**
   * The body of a failure response toward an ISUP caller: the callee's own REL passes through (SIP-I → SIP-I),
   * else a REL with the cause the Call chose (RFC 3398 §8.2.6.1); none toward other callers or when the tables give
   * no cause (487).
   */
  failureBody(
    egressTrunk: string | undefined,
    r: SipResponse | undefined,
    cause: number | null,
    location: LocationToken | undefined,
  ): OutgoingMessageBody | undefined {
    if (!carriesIsup(this.ingress) || cause === null) return undefined;
    if (egressTrunk !== undefined && r !== undefined) {
      const egress = this.#signallingOf(egressTrunk);
      const part = carriesIsup(egress) ? classifyMessageBody(r, egress).isup : undefined;
      if (part?.message?.message === 'REL') return outgoing(buildBody({ isup: { ...signalOf(part), bytes: part.bytes } }));
    }
    this.#isupCause = cause;
    return outgoing(buildBody({ isup: { handling: this.#handlingTowardCaller(), message: buildRel(cause, location ?? 'LN') } }));
  }

  /**
   * A BYE from `fromTrunk`: the ISUP/QSIG cause it carries (RFC 3398 §7.2.3: a REL encapsulated in the BYE gives
   * the cause), for the Reason toward the other side and the CDR.
   */
  byeCause(fromTrunk: string, request: SipRequest): IsupReleaseCause | undefined {
    const from = this.#signallingOf(fromTrunk);
    if (carriesIsup(from)) {
      const cause = releaseCauseOf(classifyMessageBody(request, from).isup?.message);
      if (cause !== undefined) this.#isupCause = cause.cause;
      return cause;
    }
    if (from === 'qsig') {
      const q = classifyMessageBody(request, from).qsig?.message;
      return q === undefined ? undefined : qsigReleaseCause(q);
    }
    return undefined;
  }

  /**
   * The body of a BYE toward `toTrunk` (RFC 3398 §8, standards.md §1.3: a REL after answer becomes a BYE that
   * carries the REL when bridging): toward an ISUP trunk, the REL of a BYE from another ISUP trunk passes through,
   * else a REL whose cause is chosen like any release's — Q.850 Reason > REL cause > the table's BYE row (RFC 3398
   * §7.2.3). None toward other trunks.
   */
  byeBody(
    toTrunk: string,
    request: { readonly fromTrunk: string; readonly message: SipRequest } | undefined,
    reasons: readonly MappingReason[],
    isup: IsupReleaseCause | undefined,
  ): OutgoingMessageBody | undefined {
    const to = this.#signallingOf(toTrunk);
    if (!carriesIsup(to)) return undefined;
    if (request !== undefined && carriesIsup(this.#signallingOf(request.fromTrunk))) {
      const part = classifyMessageBody(request.message, this.#signallingOf(request.fromTrunk)).isup;
      if (part?.message?.message === 'REL') return outgoing(buildBody({ isup: { ...signalOf(part), bytes: part.bytes } }));
    }
    const rel = buildRelFor({ method: 'BYE', reasons, ...(isup === undefined ? {} : { isup }) }, this.#mappings, this.#causeProfileOf(toTrunk));
    if (rel === undefined) return undefined;
    this.#isupCause = rel.causeIndicators.causeValue;
    return outgoing(buildBody({ isup: { handling: to === 'sip-t' ? 'optional' : 'required', message: rel } }));
  }

  /**
   * The Q.850 cause a CANCEL toward an ISUP trunk names in its Reason (RFC 3326; RFC 3398 §5 "Reason for CANCEL
   * causes"; §7.2.3: Reason > the table's CANCEL row, 16 in RFC 3398, 31 in the Q.1912.5-style profile). A CANCEL
   * carries no REL body: it is hop-by-hop (RFC 3261 §9), so SIP-I peers read the cause from the Reason header.
   * `undefined` toward other trunks, or when the caller's own Q.850 Reason already crosses.
   */
  cancelCause(toTrunk: string, reasons: readonly MappingReason[]): { readonly cause: number; readonly location?: LocationToken } | undefined {
    if (!carriesIsup(this.#signallingOf(toTrunk))) return undefined;
    if (reasons.some((r) => r.protocol.toUpperCase() === 'Q.850')) return undefined;
    const d = chooseReleaseCause({ method: 'CANCEL', reasons }, this.#mappings, this.#causeProfileOf(toTrunk));
    if (d.cause === null) return undefined;
    this.#isupCause = d.cause;
    return d.location === undefined ? { cause: d.cause } : { cause: d.cause, location: d.location };
  }

  /**
   * The body of an in-dialog request or response relayed toward `toTrunk` (re-INVITE, UPDATE, ACK, PRACK, INFO, and
   * their responses): toward a plain SIP trunk ISUP/QSIG parts are removed (issue 5: "the ISUP body is removed
   * toward plain SIP trunks"); between trunks that both carry them the body is relayed as it is.
   */
  inDialogBody(fromTrunk: string, toTrunk: string, m: SipRequest | SipResponse): OutgoingMessageBody | undefined {
    const to = this.#signallingOf(toTrunk);
    const from = this.#signallingOf(fromTrunk);
    if (from === 'sip' || (carriesIsup(from) && carriesIsup(to)) || (from === 'qsig' && to === 'qsig')) return raw(m);
    return this.#sdpOnly(classifyMessageBody(m, from), m).body;
  }
}

/** The handling and Content-Type parameters a received signalling part is sent on with (RFC 3204 §3). */
interface PassedSignal<P extends 'ISUP' | 'QSIG'> {
  readonly handling: Handling;
  readonly contentType: { protocol: P; version?: string; base?: string; other: Record<string, string> };
}

/** A received ISUP part's own handling and parameters, to send it on as it came (default version itu-t92+). */
function signalOf(part: SignalPart): PassedSignal<'ISUP'> {
  return {
    handling: part.handling,
    contentType: { protocol: 'ISUP', version: part.version ?? 'itu-t92+', ...(part.base === undefined ? {} : { base: part.base }), other: {} },
  };
}

/** A received QSIG part's own handling and version. */
function qsigSignalOf(part: QsigPart): PassedSignal<'QSIG'> {
  return { handling: part.handling, contentType: { protocol: 'QSIG', ...(part.version === undefined ? {} : { version: part.version }), other: {} } };
}

/** A response relayed as it came (plain SIP on both sides). */
function relayed(r: SipResponse, status: number, reason: string): BackwardResponse {
  const body = raw(r);
  return body === undefined ? { status, reason, hasSdp: false } : { status, reason, hasSdp: true, body };
}

function bodyField(b: OutgoingMessageBody | undefined): { body?: OutgoingMessageBody } {
  return b === undefined ? {} : { body: b };
}

/** A typed header that may be malformed: malformed reads as absent (identity headers never fail a call). */
function optionalHeader<T extends readonly NameAddr[] | readonly string[]>(read: () => T | undefined): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}
