/**
 * A call: the mediator between its inbound leg (UAS, toward the caller) and its outbound leg (UAC, toward the
 * trunk routing picked) — STYLE.md P7. Legs report events; the Call decides: it relays provisional responses,
 * answers, offer/answer bodies (early and late offer), in-dialog requests in both directions, BYE and CANCEL with
 * their Reason; it hunts through the route's trunks; it maps failures to Q.850 causes with the tables of
 * mappings/ (issue 4) captured once when the call starts.
 *
 *   Routing ──outbound INVITE──▶ Proceeding ──2xx──▶ Connected ──BYE (either side)──▶ Disconnecting ──▶ Terminated
 *      │                            │  └─failure: next trunk (advance statuses, timeout, transport) ─┐
 *      └──── no route / CANCEL / last failure ───────────────────────────────────────────────────────┴─▶ Terminated
 */
import type { Config } from '../config/load.js';
import { sessionTimerOf } from '../config/session-timer-schema.js';
import type { BodyClassification } from '../interworking/body-parts.js';
import type { ReasonValue as MappingReason } from '../interworking/cause-mapping.js';
import { chooseReleaseCause } from '../interworking/cause-mapping.js';
import type { MappingSet } from '../interworking/mapping-tables.js';
import { toLocationToken } from '../interworking/q850-causes.js';
import type { InternalEvent } from '../interworking/mapping-schema.js';
import { crossingHeaders, dedupeReasons } from '../policy/header-policy.js';
import { SESSION_TIMER_CAUSE } from '../policy/session-timer.js';
import type { AcceptVerdict } from '../policy/session-timer.js';
import type { HeaderField } from '../sip/header-list.js';
import type { NameAddr, ReasonValue } from '../sip/headers/header-types.js';
import { serializeReason } from '../sip/headers/reason.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { calledNumberOf, parseUri } from '../sip/uri/parse-uri.js';
import { tokenHeaderFor } from '../dialog/media-auth-check.js';
import { isSipUri } from '../sip/uri/uri-types.js';
import type { SipUri } from '../sip/uri/uri-types.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import type { NonInviteServerTransaction } from '../transaction/non-invite-server.js';
import type { ServerTransaction } from '../transaction/transaction-user.js';
import type { Endpoint, Source } from '../transport/transport.js';
import type { CallAttempt, CallState, CallSummary, ReleaseReason, ReleasedBy } from './call-state.js';
import { InboundLeg } from './inbound-leg.js';
import type { Leg, LegEvent, LegObserver } from './leg.js';
import { safeReasons } from './leg.js';
import type { MediaAuthRequirement } from './leg.js';
import type { LegContext } from './leg-context.js';
import type { OutboundEvent } from './outbound-leg.js';
import { CallInterworking } from './call-interworking.js';
import type { BackwardResponse } from './call-interworking.js';
import { OutboundLeg } from './outbound-leg.js';
import { detached } from '../util/detached.js';

/** What a Call needs beyond its legs' context: one object shared by the calls that start under the same mappings. */
export interface CallDeps {
  readonly ctx: LegContext;
  readonly config: Config;
  /** The mapping set in force when the call started (issue 4: a call keeps the version it started with). */
  readonly mappings: MappingSet;
  /** Resolves a trunk's `to` into where to send (undefined: the trunk is down or unresolvable). */
  resolveTrunk(trunk: string): Promise<Endpoint | undefined>;
  /** Takes a slot for the egress trunk (admission); false → try the next trunk. */
  joinTrunk(call: Call, trunk: string): boolean;
  /** The call has ended: release admission slots, unregister, report. */
  onEnded(call: Call, summary: CallSummary): void;
  /** The call moved between states (the calls-by-state gauge of /metrics). */
  onStateChange?(call: Call, from: CallState, to: CallState): void;
  readonly allow: readonly string[];
}

interface AckRelay {
  readonly leg: Leg;
  readonly cseq: number;
  readonly other: Leg;
  readonly otherCseq: number;
}

const profileOf = (config: Config, trunk: string | undefined): string =>
  (trunk === undefined ? undefined : config.trunks[trunk]?.causeProfile) ?? 'rfc3398';

export class Call implements LegObserver<OutboundEvent> {
  readonly id: string;
  readonly ingressTrunk: string;
  readonly calling: string;
  readonly called: string;
  readonly inbound: InboundLeg;
  #outbound: OutboundLeg | undefined;
  #state: CallState = 'Routing';
  readonly #deps: CallDeps;
  readonly #trunks: readonly string[];
  #next = 0;
  readonly #attempts: CallAttempt[] = [];
  readonly #setupTime: number;
  #ringTime: number | undefined;
  #answerTime: number | undefined;
  #isCancelled = false;
  /**
   * INVITE relays waiting for the ACK of their 2xx: the ACK for `cseq` on `leg` goes on as the ACK for `otherCseq` on
   * `other` (few and short-lived: an array, empty for an established call).
   */
  #ackRelays: readonly AckRelay[] = [];
  #ended = false;
  /** SIP-I / SIP-T / QSIG bodies of this call (issue 5). */
  readonly #interworking: CallInterworking;

  /**
   * @param inboundTimer the RFC 4028 verdict on the caller's INVITE (b2bua.ts decided it before admitting the call):
   *   it goes on the 2xx toward the caller.
   */
  constructor(
    deps: CallDeps,
    ist: InviteServerTransaction,
    invite: SipRequest,
    source: Source,
    ingressTrunk: string,
    trunks: readonly string[],
    inboundTimer: AcceptVerdict,
    /** The INVITE body as classified at the door (b2bua.ts, RFC 5621 checks); absent = classified by the Call. */
    classified?: BodyClassification,
  ) {
    this.#deps = deps;
    this.#trunks = trunks;
    this.ingressTrunk = ingressTrunk;
    this.#setupTime = deps.ctx.clock.wallNow();
    // Copies (detached): the call outlives its INVITE, whose header section they would keep alive.
    this.called = detached(calledNumberOf(invite.uri) ?? '');
    this.calling = detached(callingNumberOf(invite));
    this.#interworking = new CallInterworking({
      config: deps.config,
      mappings: deps.mappings,
      ingressTrunk,
      invite,
      ...(classified === undefined ? {} : { classified }),
    });
    const timer = { config: sessionTimerOf(deps.config.trunks[ingressTrunk]), verdict: inboundTimer };
    this.inbound = new InboundLeg(deps.ctx, ist, invite, source, this, timer, this.#mediaAuthOf(ingressTrunk));
    this.id = `${this.inbound.localTag}`;
  }

  get state(): CallState {
    return this.#state;
  }

  #setState(to: CallState): void {
    const from = this.#state;
    if (from === to || from === 'Terminated') return;
    this.#state = to;
    this.#deps.onStateChange?.(this, from, to);
  }

  get outbound(): OutboundLeg | undefined {
    return this.#outbound;
  }

  /** A JSON view for /calls. */
  toJSON(): Record<string, unknown> {
    return {
      id: this.id,
      state: this.#state,
      ingressTrunk: this.ingressTrunk,
      egressTrunk: this.#outbound?.trunk,
      calling: this.calling,
      called: this.called,
      setupTime: new Date(this.#setupTime).toISOString(),
      answerTime: this.#answerTime === undefined ? undefined : new Date(this.#answerTime).toISOString(),
      inboundCallId: this.inbound.callId,
      outboundCallId: this.#outbound?.callId,
      mappingVersion: this.#deps.mappings.version,
    };
  }

  /** Starts routing: the first trunk of the route. */
  start(): void {
    // §8.2.6.1-style courtesy: 100 Trying goes out from the transaction layer itself within 200 ms.
    void this.#tryNext();
  }

  async #tryNext(): Promise<void> {
    while (this.#next < this.#trunks.length && !this.#isCancelled && !this.#ended) {
      const trunk = this.#trunks[this.#next++]!;
      const endpoint = await this.#deps.resolveTrunk(trunk);
      const now = this.#deps.ctx.clock.wallNow();
      if (endpoint === undefined) {
        this.#attempts.push({ trunk, startTime: now, endTime: now, status: 503, kind: 'down' });
        continue;
      }
      if (!this.#deps.joinTrunk(this, trunk)) {
        this.#attempts.push({ trunk, startTime: now, endTime: now, status: 503, kind: 'busy' });
        continue;
      }
      if (this.#isCancelled || this.#ended) return;
      this.#startOutbound(trunk, endpoint);
      return;
    }
    if (this.#isCancelled || this.#ended) return;
    // Every trunk was down, busy, or failed in a way that advances: Tandem's own failure, from the tables.
    const last = this.#attempts[this.#attempts.length - 1];
    const event: InternalEvent =
      last === undefined ? 'no-route' : last.kind === 'busy' ? 'all-trunks-busy' : last.kind === 'timeout' ? 'transaction-timeout' : 'all-trunks-down';
    this.#failInternal(event);
  }

  #startOutbound(trunk: string, endpoint: Endpoint): void {
    const cfg = this.#deps.config;
    const invite = this.inbound.invite;
    const t = cfg.trunks[trunk];
    const toUri = parseUri(t?.to ?? `sip:${endpoint.address}`) as SipUri;
    // The Request-URI: the trunk's URI with the called number as user part (routing decided by number).
    const requestUri: SipUri = { ...toUri, ...(this.called === '' ? {} : { user: this.called }) };
    const fromUser = this.calling === '' ? 'anonymous' : this.calling;
    const from: NameAddr = {
      ...(invite.from.displayName === undefined ? {} : { displayName: invite.from.displayName }),
      uri: { scheme: 'sip', user: fromUser, host: this.#deps.ctx.contactHost(endpoint.protocol), params: [], headers: [] },
      params: [],
      isBracketed: true,
    };
    const to: NameAddr = { uri: { ...requestUri, params: requestUri.params.filter(([k]) => k.toLowerCase() === 'user'), headers: [] }, params: [], isBracketed: true };
    const mf = invite.headers.get('Max-Forwards') ?? 70;
    // Issue 5: the body for this trunk's signalling (SDP only, an IAM built or passed through, QSIG passed through).
    const iw = this.#interworking.outboundInvite(trunk, this.called, invite);
    if (!iw.ok) return this.#failInterworking(trunk, iw);
    const leg = new OutboundLeg(
      this.#deps.ctx,
      trunk,
      endpoint,
      {
        requestUri,
        from,
        to,
        // RFC 3261 §16.6 step 3 (as a proxy would): one less than received, so loops die out across B2BUAs too.
        maxForwards: Math.max(0, mf - 1),
        ...(iw.body === undefined ? {} : { body: iw.body.body, contentType: iw.body.contentType }),
        headers: [...this.#crossing(invite.headers.fields, { kind: 'request', method: 'INVITE' }, trunk), ...this.#tokenFor(trunk), ...iw.headers, ...(iw.body?.headers ?? [])],
        allow: this.#deps.allow,
        supported: ['100rel'],
        sessionTimer: sessionTimerOf(t),
        mediaAuth: this.#mediaAuthOf(trunk),
      },
      this,
    );
    this.#outbound = leg;
    this.#setState('Proceeding');
    this.#attempts.push({ trunk, callId: leg.callId, startTime: this.#deps.ctx.clock.wallNow() });
    leg.start();
  }

  /**
   * The INVITE toward `trunk` cannot go out as its signalling needs: the call fails before an outbound leg exists.
   * - Q.764 hop counter procedure: the passed-through IAM's hop counter reached 0 → Tandem's `too-many-hops` refusal
   *   (cause 25, "exchange routing error", from the tables);
   * - RFC 3398 §7.2.1.1: a non-international number that cannot be interpreted → 484 Address Incomplete, with
   *   the cause the egress profile gives 484.
   */
  #failInterworking(trunk: string, why: { readonly kind: 'address-incomplete'; readonly reason: string } | { readonly kind: 'hop-counter-exhausted' }): void {
    const now = this.#deps.ctx.clock.wallNow();
    if (why.kind === 'hop-counter-exhausted') {
      this.#attempts.push({ trunk, startTime: now, endTime: now, kind: 'hop-counter' });
      return this.#failInternal('too-many-hops');
    }
    this.#attempts.push({ trunk, startTime: now, endTime: now, status: 484, kind: 'address-incomplete' });
    const d = chooseReleaseCause({ status: 484 }, this.#deps.mappings, profileOf(this.#deps.config, trunk));
    const headers: HeaderField[] = d.cause === null ? [] : [{ name: 'Reason', value: serializeReason([this.#q850(d.cause, d.location)]) }];
    const phrase = `Address Incomplete (${why.reason.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 120)})`;
    this.inbound.reject(484, phrase, headers, this.#interworking.failureBody(undefined, undefined, d.cause, d.location));
    this.#end('tandem', 'failure', 484, d.cause ?? undefined, d.location);
  }

  /** RFC 3313: a trunk in `require` mode checks the offers it sends inside the dialog as well (issue 6). */
  #mediaAuthOf(trunk: string): MediaAuthRequirement | undefined {
    const ma = this.#deps.config.trunks[trunk]?.mediaAuthorization;
    return ma?.mode === 'require' && ma.key !== undefined ? { key: ma.key, called: this.called } : undefined;
  }

  /** RFC 3313: a fresh token for this call toward a trunk in `issue` mode (tokens never cross legs). */
  #tokenFor(trunk: string): HeaderField[] {
    const ma = this.#deps.config.trunks[trunk]?.mediaAuthorization;
    if (ma === undefined || ma.mode !== 'issue' || this.called === '') return [];
    try {
      const h = tokenHeaderFor({ mode: ma.mode, key: ma.key, called: this.called, ...(ma.ttl === undefined ? {} : { ttl: ma.ttl }), now: this.#deps.ctx.clock.wallNow() });
      return h === undefined ? [] : [h];
    } catch (err: unknown) {
      this.#deps.ctx.logger.warn({ err, trunk }, 'media authorization token not issued');
      return [];
    }
  }

  #crossing(fields: readonly HeaderField[], message: { kind: 'request'; method: string } | { kind: 'response' }, toTrunk: string): HeaderField[] {
    const t = this.#deps.config.trunks[toTrunk];
    return crossingHeaders(fields, { message, isTargetTrusted: t?.trusted === true, pass: t?.passHeaders ?? [] });
  }

  // ── events from the outbound leg ─────────────────────────────────────────────────────────────────────────────

  #onOutbound(leg: OutboundLeg, e: OutboundEvent): void {
    if (leg !== this.#outbound) {
      // An earlier attempt's late event: only its end matters (its slot is released when the call ends).
      return;
    }
    switch (e.type) {
      case 'provisional':
        return this.#relayProvisional(e.response, e.isReliable);
      case 'answer':
        return this.#relayAnswer(e.response);
      case 'failure':
        return this.#onOutboundFailure(leg, e.kind, e.status, e.response);
      default:
        return this.#onLegEvent(leg, e);
    }
  }

  #relayProvisional(r: SipResponse, isReliable: boolean): void {
    if (this.#isCancelled || this.inbound.isFinal) return;
    this.#ringTime ??= this.#deps.ctx.clock.wallNow();
    const headers = [...this.#crossing(r.headers.fields, { kind: 'response' }, this.ingressTrunk), ...this.#tokenFor(this.ingressTrunk)];
    // Issue 5: ACM/CPG from an ISUP callee pick the status toward a plain caller; toward an ISUP caller they pass
    // through or are generated (one or two provisionals, each with its ISUP message).
    for (const out of this.#interworking.provisional(this.#outbound!.trunk, r)) {
      // Toward the caller a provisional is reliable when the callee's was, or when it carries SDP and the caller
      // supports 100rel (RFC 3262 §3: early media answers should not be lost); always when the caller requires 100rel.
      const reliable = this.inbound.requires100rel || isReliable || (out.hasSdp && this.inbound.supports100rel);
      this.inbound.provisional(out.status, out.reason, [...headers, ...(out.body?.headers ?? [])], out.body?.body, out.body?.contentType, reliable);
    }
  }

  #relayAnswer(r: SipResponse): void {
    if (this.#isCancelled) {
      void this.#outbound?.bye();
      return;
    }
    this.#answerTime = this.#deps.ctx.clock.wallNow();
    this.#setState('Connected');
    this.#closeAttempt(r.status, 'response');
    // Issue 5: ANM/CON from an ISUP callee → 200 with the SDP alone toward plain SIP; ANM/CON toward an ISUP caller.
    const out: BackwardResponse = this.#interworking.answer(this.#outbound!.trunk, r);
    this.inbound.answer(
      [...this.#crossing(r.headers.fields, { kind: 'response' }, this.ingressTrunk), ...this.#tokenFor(this.ingressTrunk), ...(out.body?.headers ?? [])],
      out.body?.body,
      out.body?.contentType,
    );
    // The callee's 2xx is ACKed when the caller's ACK arrives: a late offer's answer rides on it (RFC 3264 §5).
    this.#expectAck(this.inbound, this.inbound.inviteCseq, this.#outbound!, this.#outbound!.inviteCseq);
  }

  #closeAttempt(status: number, kind: string): void {
    const a = this.#attempts[this.#attempts.length - 1];
    if (a === undefined || a.endTime !== undefined) return;
    a.endTime = this.#deps.ctx.clock.wallNow();
    a.status = status;
    a.kind = kind;
  }

  #onOutboundFailure(leg: OutboundLeg, kind: string, status: number, response: SipResponse | undefined): void {
    this.#closeAttempt(status, kind);
    leg.close();
    if (this.#isCancelled) return this.#end('caller', 'cancel', 487, undefined);
    if (this.#ended) return;
    // Route advance: timeouts, transport failures and the configured statuses try the next trunk — unless the
    // caller already heard early media from this one (it would hear two different announcements).
    const advance = kind !== 'response' || this.#deps.config.routing.advanceOn.includes(status);
    if (advance && this.#next < this.#trunks.length) {
      void this.#tryNext();
      return;
    }
    if (response === undefined) {
      this.#failInternal(kind === 'transport' ? 'all-trunks-down' : 'transaction-timeout');
      return;
    }
    this.#relayFailure(response, leg.trunk);
  }

  /**
   * Issue 4 "On calls": the cause is the Q.850 Reason of the response (RFC 6432), else an ISUP REL cause (SIP-I),
   * else the egress trunk profile's status → cause row. The caller gets the same status with
   * `Reason: Q.850;cause=N;text="…"` (location per RFC 8606 when known) and the callee's SIP Reason beside it; or,
   * where the ingress trunk asks for it, the status rewritten from the cause with the ingress profile.
   */
  #relayFailure(r: SipResponse, egressTrunk: string): void {
    const set = this.#deps.mappings;
    const reasons = safeReasons(r, this.#deps.ctx.logger, this.#deps.ctx.metrics);
    // Issue 5: the cause of a REL encapsulated in the failure (SIP-I/SIP-T) or of a QSIG clearing message comes below
    // a Q.850 Reason and above the status table (RFC 3398 §8.2.6.1; chooseReleaseCause).
    const isup = this.#interworking.failureCause(egressTrunk, r);
    const decision = chooseReleaseCause(
      { status: r.status, reasons: reasons as readonly MappingReason[], ...(isup === undefined ? {} : { isup }) },
      set,
      profileOf(this.#deps.config, egressTrunk),
    );
    let status = r.status;
    let phrase: string | undefined = r.reason;
    const ingress = this.#deps.config.trunks[this.ingressTrunk];
    if (ingress?.rewriteStatusFromCause === true && decision.cause !== null) {
      const m = set.q850ToSip(decision.cause, profileOf(this.#deps.config, this.ingressTrunk), decision.location);
      if (m.status !== null) {
        status = m.status;
        phrase = m.reasonPhrase;
      }
    }
    const out: ReasonValue[] = [];
    if (decision.cause !== null) out.push(this.#q850(decision.cause, decision.location));
    out.push(...reasons.filter((x) => x.protocol.toUpperCase() !== 'Q.850'));
    const headers = this.#crossing(r.headers.fields, { kind: 'response' }, this.ingressTrunk).filter((f) => f.name !== 'Reason');
    if (out.length > 0) headers.push({ name: 'Reason', value: serializeReason(dedupeReasons(out)) });
    if (status === 503) headers.push({ name: 'Retry-After', value: String(this.#deps.config.limits.retryAfter) });
    this.inbound.reject(status, phrase, headers, this.#interworking.failureBody(egressTrunk, r, decision.cause, decision.location));
    this.#end('callee', 'failure', status, decision.cause ?? undefined, decision.location);
  }

  #q850(cause: number, location: string | undefined): ReasonValue {
    const text = this.#deps.mappings.causeName(cause);
    return { protocol: 'Q.850', cause, ...(text === undefined ? {} : { text }), ...(location === undefined ? {} : { location }), params: [] };
  }

  /** Tandem's own refusals and failures take status and cause from the tables (issue 4). */
  #failInternal(event: InternalEvent): void {
    const m = this.#deps.mappings.internal(event, profileOf(this.#deps.config, this.ingressTrunk));
    const headers: HeaderField[] = [{ name: 'Reason', value: serializeReason([this.#q850(m.cause, m.location)]) }];
    if (m.status === 503) headers.push({ name: 'Retry-After', value: String(this.#deps.config.limits.retryAfter) });
    this.inbound.reject(m.status, m.reasonPhrase, headers, this.#interworking.failureBody(undefined, undefined, m.cause, m.location));
    this.#end('tandem', 'failure', m.status, m.cause, m.location);
  }

  // ── events from the inbound leg ──────────────────────────────────────────────────────────────────────────────

  /**
   * @internal The legs' {@link LegObserver}: an outbound leg's events (its own kinds and the common ones) go to
   * #onOutbound, the inbound leg's to #onLegEvent.
   */
  onLegEvent(leg: Leg, e: OutboundEvent): void {
    if (leg instanceof OutboundLeg) this.#onOutbound(leg, e);
    else this.#onLegEvent(leg, e as LegEvent);
  }

  #other(leg: Leg): Leg | undefined {
    return leg === this.inbound ? this.#outbound : this.inbound;
  }

  #onLegEvent(leg: Leg, e: LegEvent): void {
    switch (e.type) {
      case 'ack':
        return this.#onAck(leg, e.cseq, e.ack);
      case 'ackTimeout':
        if (e.cseq < 0) {
          // A reliable provisional was never PRACKed (RFC 3262 §3): give up on the caller.
          this.#outbound?.cancel();
          this.inbound.reject(504, 'Server Time-out (PRACK not received)', []);
          return this.#end('tandem', 'failure', 504, undefined);
        }
        // RFC 3261 §13.3.1.4: no ACK for our 2xx → end the session on both legs.
        void leg.bye(this.#reasonLines(undefined, 'BYE'));
        void this.#other(leg)?.bye(this.#reasonLines(undefined, 'BYE'));
        return this.#end('tandem', 'failure', 408, undefined);
      case 'bye':
        return this.#onBye(leg, e.request, e.reasons);
      case 'request':
        return this.#relayRequest(leg, e.tx, e.request);
      case 'sessionExpired':
        return this.#onSessionExpired(leg, e.detail);
    }
  }

  #expectAck(leg: Leg, cseq: number, other: Leg, otherCseq: number): void {
    this.#ackRelays = [...this.#ackRelays.filter((r) => r.leg !== leg || r.cseq !== cseq), { leg, cseq, other, otherCseq }];
  }

  #onAck(leg: Leg, cseq: number, ack: SipRequest): void {
    const relay = this.#ackRelays.find((r) => r.leg === leg && r.cseq === cseq);
    if (relay === undefined) return;
    this.#ackRelays = this.#ackRelays.filter((r) => r !== relay);
    const out = this.#interworking.inDialogBody(this.#trunkOf(leg), this.#trunkOf(relay.other), ack);
    const body = out?.body;
    const ct = out?.contentType;
    if (relay.other === this.#outbound && cseq === this.inbound.inviteCseq) this.#outbound.ackAnswer(body, ct);
    else relay.other.ack(relay.otherCseq, body, ct);
  }

  /** RFC 3326: the Reason of a BYE/CANCEL crosses (at most one value per protocol). */
  #reasonLines(reasons: readonly ReasonValue[] | undefined, _method: 'BYE' | 'CANCEL'): HeaderField[] {
    if (reasons === undefined || reasons.length === 0) return [];
    return [{ name: 'Reason', value: serializeReason(dedupeReasons(reasons)) }];
  }

  #onBye(leg: Leg, request: SipRequest, reasons: readonly ReasonValue[]): void {
    const other = this.#other(leg);
    const by: ReleasedBy = leg === this.inbound ? 'caller' : 'callee';
    this.#setState('Disconnecting');
    const fromTrunk = this.#trunkOf(leg);
    // Issue 5, RFC 3398 §7.2.3: a REL encapsulated in the BYE (SIP-I/SIP-T) or a QSIG clearing message gives the
    // cause when no Q.850 Reason does (with both, the Reason wins); it crosses as a Q.850 Reason.
    const isup = this.#interworking.byeCause(fromTrunk, request);
    const q = reasons.find((r) => r.protocol.toUpperCase() === 'Q.850');
    const isupLocation = isup?.location === undefined ? undefined : toLocationToken(isup.location);
    const crossing = q === undefined && isup !== undefined ? [...reasons, this.#q850(isup.cause, isupLocation)] : reasons;
    if (leg === this.inbound && this.#outbound !== undefined && !this.#outbound.isConfirmed) {
      // The caller hung up before the callee answered (BYE after its own 2xx lost? or early): CANCEL the attempt.
      this.#isCancelled = true;
      this.#outbound.cancel(this.#cancelLines(crossing, this.#outbound.trunk));
    }
    const cause = q?.cause ?? isup?.cause ?? 16;
    const location = q === undefined ? isupLocation : q.location;
    if (other === undefined) return this.#end(by, 'bye', 200, cause, location);
    const body = this.#interworking.byeBody(this.#trunkOf(other), { fromTrunk, message: request }, crossing as readonly MappingReason[], isup);
    void other.bye(this.#reasonLines(crossing, 'BYE'), body).finally(() => this.#end(by, 'bye', 200, cause, location));
  }

  #trunkOf(leg: Leg): string {
    return leg === this.inbound ? this.ingressTrunk : (this.#outbound?.trunk ?? this.ingressTrunk);
  }

  /**
   * RFC 3326: the caller's Reason crosses on the CANCEL; toward an ISUP trunk a CANCEL without a Q.850 Reason gets
   * the cause the tables give CANCEL (issue 5: SIP-I peers read the cause of a CANCEL from its Reason).
   */
  #cancelLines(reasons: readonly ReasonValue[], trunk: string): HeaderField[] {
    const c = this.#interworking.cancelCause(trunk, reasons as readonly MappingReason[]);
    return this.#reasonLines(c === undefined ? reasons : [...reasons, this.#q850(c.cause, c.location)], 'CANCEL');
  }

  /**
   * RFC 4028 §10: one leg's session expired (its peer never refreshed, or Tandem's refresh failed): BYE on that leg
   * and on the other, both with `Reason: Q.850;cause=102` (standards.md §9), and the record says session-timer.
   */
  #onSessionExpired(leg: Leg, detail: string): void {
    if (this.#ended) return;
    this.#deps.ctx.logger.info({ call: this.id, leg: leg === this.inbound ? 'in' : 'out', detail }, 'session timer expired: releasing the call');
    this.#setState('Disconnecting');
    const released: ReasonValue[] = [this.#q850(SESSION_TIMER_CAUSE, undefined)];
    const lines: HeaderField[] = [{ name: 'Reason', value: serializeReason(released) }];
    // Toward an ISUP trunk the BYE carries a REL with the same cause (issue 5).
    for (const l of [leg, this.#other(leg)]) {
      if (l !== undefined) void l.bye(lines, this.#interworking.byeBody(this.#trunkOf(l), undefined, released as readonly MappingReason[], undefined));
    }
    this.#end('tandem', 'session-timer', 200, SESSION_TIMER_CAUSE);
  }

  /** CANCEL from the caller (§9.2): 200 to the CANCEL, 487 to the INVITE, CANCEL toward the callee with the Reason. */
  onCancel(tx: NonInviteServerTransaction, cancel: SipRequest): void {
    try {
      tx.respond(this.inbound.buildResponse(cancel, 200));
    } catch (err: unknown) {
      this.#deps.ctx.logger.debug({ err }, 'CANCEL answer not sent');
    }
    if (this.inbound.isFinal) return;
    this.#isCancelled = true;
    const reasons = safeReasons(cancel, this.#deps.ctx.logger, this.#deps.ctx.metrics);
    this.inbound.reject(487, undefined, []);
    const out = this.#outbound;
    if (out === undefined || out.state === 'Failed') {
      this.#end('caller', 'cancel', 487, undefined);
      return;
    }
    // §9.1: sent at once if a provisional arrived, else when one does (Timer B bounds the wait). The callee's 487
    // (or the crossing 2xx, ACKed and BYEd) ends the call: see #onOutboundFailure / OutboundLeg.
    out.cancel(this.#cancelLines(reasons, out.trunk));
  }

  /** An in-dialog request from one leg, relayed on the other (re-INVITE, UPDATE, INFO, MESSAGE, PRACK with a body). */
  #relayRequest(from: Leg, tx: ServerTransaction, request: SipRequest): void {
    const to = this.#other(from);
    if (request.method === 'PRACK') return; // PRACK is per leg; its body (if any) is not relayed
    // RFC 3261 §14.1: one INVITE at a time on a dialog. Tandem's own re-INVITE (a session refresh) is pending on the
    // other leg: the requester hears glare and retries after its §14.1 wait.
    if (request.method === 'INVITE' && to?.isInviteInProgress === true) return from.reply(tx, request, 491);
    if (to === undefined || to.isClosed || !to.isConfirmed) {
      // The other side has no confirmed dialog yet (UPDATE in an early dialog of a call not relayed yet, RFC 3311
      // §5.1 lets the UAS answer 491/500): ask the peer to retry.
      return from.reply(tx, request, request.method === 'UPDATE' ? 491 : 500, [{ name: 'Retry-After', value: '1' }]);
    }
    const toTrunk = to === this.inbound ? this.ingressTrunk : this.#outbound!.trunk;
    const fromTrunk = from === this.inbound ? this.ingressTrunk : this.#outbound!.trunk;
    // Issue 5: ISUP/QSIG parts do not cross toward a plain SIP trunk.
    const body = this.#interworking.inDialogBody(fromTrunk, toTrunk, request);
    to.sendRequest(request.method, {
      ...(body === undefined ? {} : { body: body.body, contentType: body.contentType }),
      headers: [...this.#crossing(request.headers.fields, { kind: 'request', method: request.method }, toTrunk), ...(body?.headers ?? [])],
    }).then(
      (ctx) => {
        if (ctx.kind === 'InviteClient') {
          ctx.on('provisional', (r) => {
            if (r.status > 100) from.respond(tx, this.#relayResponse(from, request, r, fromTrunk));
          });
        }
        ctx.finalResponse.then(
          (r) => {
            from.respond(tx, this.#relayResponse(from, request, r, fromTrunk));
            if (request.method === 'INVITE' && r.status >= 200 && r.status < 300) {
              // §13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx received from the transaction
              // layer". Normally the requester's ACK is relayed; when its dialog is gone (a BYE crossed the
              // re-INVITE) no ACK will come to relay, so the 2xx is ACKed now.
              if (from.isConfirmed && !this.#ended) this.#expectAck(from, request.cseq.seq, to, r.cseq.seq);
              else to.ack(r.cseq.seq);
            }
          },
          () => {
            // Timeout or transport error on the other leg (RFC 3261 §14.1: 408/481 end the dialog).
            from.reply(tx, request, 408);
          },
        );
      },
      () => from.reply(tx, request, 500, [{ name: 'Retry-After', value: '1' }]),
    );
  }

  #relayResponse(toLeg: Leg, request: SipRequest, r: SipResponse, toTrunk: string): SipResponse {
    const source = this.#other(toLeg);
    const body = this.#interworking.inDialogBody(source === undefined ? toTrunk : this.#trunkOf(source), toTrunk, r);
    const headers = [...this.#crossing(r.headers.fields, { kind: 'response' }, toTrunk), ...(body?.headers ?? [])];
    return toLeg.buildResponse(request, r.status, headers, r.reason, body?.body, body?.contentType);
  }

  /** Ends the call now on both legs (shutdown drain deadline). */
  hangUp(reason: ReleaseReason, cause = 16): void {
    if (this.#ended) return;
    const released: ReasonValue[] = [{ protocol: 'Q.850', cause, params: [] }];
    const lines = this.#reasonLines(released, 'BYE');
    if (!this.inbound.isFinal) {
      const m = this.#deps.mappings.internal('shutdown', profileOf(this.#deps.config, this.ingressTrunk));
      this.#outbound?.cancel(lines);
      const headers = [{ name: 'Reason', value: serializeReason([this.#q850(m.cause, m.location)]) }];
      this.inbound.reject(m.status, m.reasonPhrase, headers, this.#interworking.failureBody(undefined, undefined, m.cause, m.location));
      return this.#end('tandem', reason, m.status, m.cause, m.location);
    }
    // Issue 5: toward ISUP trunks the BYE carries a REL with the same cause.
    for (const leg of [this.inbound, this.#outbound]) {
      if (leg === undefined) continue;
      void leg.bye(lines, this.#interworking.byeBody(this.#trunkOf(leg), undefined, released as readonly MappingReason[], undefined));
    }
    this.#end('tandem', reason, 200, cause);
  }

  /** The CDR's session timer: the caller's leg, as last negotiated (refresher as seen from that dialog's INVITE). */
  #sessionTimerSummary(): Pick<CallSummary, 'sessionTimer'> {
    const t = this.inbound.sessionTimerState ?? this.#outbound?.sessionTimerState ?? null;
    return t === null ? {} : { sessionTimer: { interval: t.interval, refresher: t.refresher } };
  }

  #end(by: ReleasedBy, reason: ReleaseReason, status: number, cause: number | undefined, location?: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#closeAttempt(status, reason);
    const last = this.#attempts[this.#attempts.length - 1];
    if (last !== undefined && last.endTime !== undefined && this.#answerTime !== undefined) last.endTime = this.#deps.ctx.clock.wallNow();
    this.#setState('Terminated');
    const summary: CallSummary = {
      id: this.id,
      ingressTrunk: this.ingressTrunk,
      egressTrunk: this.#outbound?.trunk,
      attempts: this.#attempts,
      calling: this.calling,
      called: this.called,
      setupTime: this.#setupTime,
      ringTime: this.#ringTime,
      answerTime: this.#answerTime,
      endTime: this.#deps.ctx.clock.wallNow(),
      finalStatus: this.#answerTime === undefined ? status : 200,
      q850Cause: cause,
      causeLocation: location,
      releasedBy: by,
      releaseReason: reason,
      inboundCallId: this.inbound.callId,
      outboundCallId: this.#outbound?.callId,
      mappingVersion: this.#deps.mappings.version,
      ...this.#sessionTimerSummary(),
      // Issue 5: the ISUP cause and calling party's category (cdr.proto `Isup`), when ISUP was involved.
      ...(this.#interworking.isupCause === undefined ? {} : { isupCause: this.#interworking.isupCause }),
      ...(this.#interworking.callingPartyCategory === undefined ? {} : { callingPartyCategory: this.#interworking.callingPartyCategory }),
    };
    // Legs linger for retransmissions (their timers are cancelled; the registry forgets them after 64·T1).
    this.inbound.close();
    this.#outbound?.close();
    this.#deps.onEnded(this, summary);
  }
}

/** The calling number: P-Asserted-Identity's user part, else From's (RFC 3325 §9.1; RFC 3398 §8.2.1.1). */
function callingNumberOf(invite: SipRequest): string {
  try {
    const pai = invite.headers.get('P-Asserted-Identity')?.[0];
    if (pai !== undefined) return calledNumberOf(pai.uri) ?? '';
  } catch {
    // malformed PAI: use From
  }
  const u = invite.from.uri;
  return isSipUri(u) || u.scheme === 'tel' ? (calledNumberOf(u) ?? '') : '';
}

