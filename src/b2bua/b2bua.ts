/**
 * The B2BUA: the handler the UA core hands requests to (src/dialog/ua-core.ts CoreHandler). It admits new INVITEs
 * (trunk ACL → 403, overload and admission → 503, Max-Forwards → 483, loop → 482, routing → 404) and gives each a
 * {@link Call};
 * it finds the leg that owns an in-dialog request, an ACK, a CANCEL or a stray 2xx through its dialog registry.
 * Refusals take their status and cause from the mapping tables (issue 4).
 */
import type { Config } from '../config/load.js';
import { sessionTimerOf } from '../config/session-timer-schema.js';
import { sessionTimerRequestOf, timerRefusal } from '../dialog/session-timer-headers.js';
import type { CoreHandler } from '../dialog/ua-core.js';
import type { MappingStore } from '../interworking/mapping-store.js';
import { signallingOf } from '../interworking/interworking-config.js';
import type { InternalEvent } from '../interworking/mapping-schema.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { Admission } from '../policy/admission.js';
import { negotiateAsUas } from '../policy/session-timer.js';
import type { AcceptVerdict } from '../policy/session-timer.js';
import type { AdmissionLimits } from '../policy/admission.js';
import type { RouteTable } from '../policy/routing.js';
import { buildRouteTable } from '../policy/routing.js';
import { createResponse } from '../sip/build.js';
import type { HeaderField } from '../sip/header-list.js';
import { serializeReason } from '../sip/headers/reason.js';
import type { SipRequest, SipResponse } from '../sip/message.js';
import { calledNumberOf } from '../sip/uri/parse-uri.js';
import type { InviteServerTransaction } from '../transaction/invite-server.js';
import type { NonInviteServerTransaction } from '../transaction/non-invite-server.js';
import type { ServerTransaction } from '../transaction/transaction-user.js';
import type { Endpoint, Source } from '../transport/transport.js';
import { checkInbound } from '../dialog/media-auth-check.js';
import type { Expiring } from '../util/fixed-delay-queue.js';
import { FixedDelayQueue } from '../util/fixed-delay-queue.js';
import { newTag } from '../util/ids.js';
import { Call } from './call.js';
import type { CallDeps } from './call.js';
import { checkInviteBody } from './call-interworking.js';
import type { InviteBodyVerdict } from './call-interworking.js';
import type { CallState, CallSummary } from './call-state.js';
import type { DialogOwner, DialogRegistry, LegContext } from './leg-context.js';
import type { TrunkMonitor } from './trunk-monitor.js';

export interface B2buaOptions {
  readonly config: Config;
  readonly ctx: Omit<LegContext, 'registry'>;
  readonly mappings: MappingStore;
  readonly trunks: TrunkMonitor;
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Every ended call's summary (CDRs hook in here). */
  readonly onCallEnded?: (summary: CallSummary) => void;
  /** How long received input waits before it is handled, ms (the transport layer's inputDelayMs); default none. */
  readonly inputDelayMs?: () => number;
}

const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'OPTIONS', 'PRACK', 'UPDATE', 'INFO', 'MESSAGE'] as const;

export class B2bua implements CoreHandler, DialogRegistry {
  readonly methods: readonly string[] = METHODS;
  readonly optionTags: readonly string[] = ['100rel'];
  readonly accept: readonly string[] = ['application/sdp', 'multipart/mixed'];
  readonly #config: Config;
  readonly #ctx: LegContext;
  readonly #mappings: MappingStore;
  readonly #trunks: TrunkMonitor;
  readonly #log: Logger;
  readonly #metrics: Metrics;
  readonly #routes: RouteTable;
  readonly #admission: Admission;
  readonly #dialogs = new Map<string, DialogOwner>();
  /** Closed legs' stand-ins, each forgotten 64·T1 after the leg closed ({@link retire}). */
  readonly #retired: FixedDelayQueue;
  readonly #calls = new Set<Call>();
  readonly #byInvite = new Map<InviteServerTransaction, Call>();
  #deps: CallDeps | undefined;
  readonly #scopes = new Map<Call, string[]>();
  readonly #byState = new Map<CallState, number>();
  readonly #onCallEnded: ((s: CallSummary) => void) | undefined;
  readonly #inputDelayMs: (() => number) | undefined;
  #isDraining = false;
  readonly #drained: (() => void)[] = [];

  constructor(options: B2buaOptions) {
    this.#config = options.config;
    this.#ctx = { ...options.ctx, registry: this };
    this.#retired = new FixedDelayQueue(options.ctx.clock, 64 * options.ctx.t1, (err: unknown) => this.#log.error({ err }, 'retired dialog not forgotten'));
    this.#mappings = options.mappings;
    this.#trunks = options.trunks;
    this.#log = options.logger.child({ module: 'b2bua' });
    this.#metrics = options.metrics;
    this.#routes = buildRouteTable(options.config);
    this.#onCallEnded = options.onCallEnded;
    this.#inputDelayMs = options.inputDelayMs;
    const limits = new Map<string, AdmissionLimits>([
      ['*', { maxCalls: options.config.limits.maxCalls, callsPerSecond: options.config.limits.callsPerSecond }],
    ]);
    for (const [name, t] of Object.entries(options.config.trunks)) {
      limits.set(name, { maxCalls: t.maxCalls, callsPerSecond: t.callsPerSecond });
    }
    this.#admission = new Admission(limits, options.ctx.clock.now());
  }

  /** Calls in progress (for /calls and the drain). */
  get calls(): ReadonlySet<Call> {
    return this.#calls;
  }

  // ── DialogRegistry ───────────────────────────────────────────────────────────────────────────────────────────

  register(callId: string, localTag: string, leg: DialogOwner): void {
    this.#dialogs.set(dialogKey(callId, localTag), leg);
  }

  retire(callId: string, localTag: string, standIn: DialogOwner): void {
    const key = dialogKey(callId, localTag);
    this.#dialogs.set(key, standIn);
    this.#retired.add(new RetiredDialog(this.#dialogs, key, standIn), 0);
  }

  #owner(callId: string, localTag: string | undefined): DialogOwner | undefined {
    return localTag === undefined ? undefined : this.#dialogs.get(dialogKey(callId, localTag));
  }

  // ── CoreHandler ──────────────────────────────────────────────────────────────────────────────────────────────

  onRequest(tx: ServerTransaction, request: SipRequest, source: Source): boolean {
    const toTag = request.to.tag;
    if (toTag !== undefined) {
      const owner = this.#owner(request.callId, toTag);
      if (owner === undefined) return false; // UA core: 481
      owner.onInDialogRequest(tx, request);
      return true;
    }
    if (request.method !== 'INVITE' || tx.kind !== 'InviteServer') return false;
    this.#newCall(tx, request, source);
    return true;
  }

  onCancel(tx: NonInviteServerTransaction, cancel: SipRequest, invite: InviteServerTransaction): boolean {
    const call = this.#byInvite.get(invite);
    if (call === undefined) return false;
    call.onCancel(tx, cancel);
    return true;
  }

  onStrayAck(ack: SipRequest): boolean {
    const owner = this.#owner(ack.callId, ack.to.tag);
    if (owner === undefined) return false;
    owner.onAck(ack);
    return true;
  }

  onStrayResponse(response: SipResponse): boolean {
    if (response.status < 200 || response.status >= 300 || response.cseq.method !== 'INVITE') return false;
    const owner = this.#owner(response.callId, response.from.tag);
    if (owner === undefined) return false;
    owner.onStray2xx(response);
    return true;
  }

  // ── new calls ────────────────────────────────────────────────────────────────────────────────────────────────

  /**
   * Refuses a new call with the status and cause the tables give `event`; `detail` goes into the reason phrase,
   * `metricReason` (default `event`) labels tandem_calls_refused_total.
   */
  #refuse(
    tx: ServerTransaction,
    request: SipRequest,
    event: InternalEvent,
    profileTrunk: string | undefined,
    detail: string,
    extra: HeaderField[] = [],
    metricReason: string = event,
  ): void {
    const set = this.#mappings.current;
    const profile = (profileTrunk === undefined ? undefined : this.#config.trunks[profileTrunk]?.causeProfile) ?? 'rfc3398';
    const m = set.internal(event, profile);
    const text = set.causeName(m.cause);
    const reason = serializeReason([
      { protocol: 'Q.850', cause: m.cause, ...(text === undefined ? {} : { text }), ...(m.location === undefined ? {} : { location: m.location }), params: [] },
    ]);
    const headers: HeaderField[] = [{ name: 'Reason', value: reason }, { name: 'Server', value: this.#ctx.userAgent }, ...extra];
    if (m.status === 503) headers.push({ name: 'Retry-After', value: String(this.#config.limits.retryAfter) });
    try {
      tx.respond(createResponse(request, m.status, { toTag: newTag(), headers, reason: `${m.reasonPhrase} (${detail})` }));
    } catch (err: unknown) {
      this.#log.debug({ err }, 'refusal not sent');
    }
    this.#metrics.inc('tandem_calls_refused_total', 'New calls refused before routing, by reason', { reason: metricReason });
    if (profileTrunk !== undefined) this.#refusalRecord(request, profileTrunk, event, m.status, m.cause, m.location);
  }

  /** A refused attempt from a known trunk still leaves its CDR (issue 7: one per call attempt, answered or not). */
  #refusalRecord(request: SipRequest, ingress: string, event: InternalEvent, status: number, cause: number, location: string | undefined): void {
    const now = this.#ctx.clock.wallNow();
    let calling = '';
    try {
      calling = calledNumberOf((request.headers.get('P-Asserted-Identity')?.[0] ?? request.from).uri) ?? '';
    } catch {
      calling = calledNumberOf(request.from.uri) ?? '';
    }
    const summary: CallSummary = {
      id: newTag(),
      ingressTrunk: ingress,
      egressTrunk: undefined,
      attempts: [],
      calling,
      called: calledNumberOf(request.uri) ?? '',
      setupTime: now,
      ringTime: undefined,
      answerTime: undefined,
      endTime: now,
      finalStatus: status,
      q850Cause: cause,
      causeLocation: location,
      releasedBy: 'tandem',
      releaseReason: event === 'admission-limit' ? 'admission' : event === 'media-auth-failed' ? 'media-auth' : event === 'shutdown' ? 'shutdown' : 'failure',
      inboundCallId: request.callId,
      outboundCallId: undefined,
      mappingVersion: this.#mappings.current.version,
    };
    try {
      this.#onCallEnded?.(summary);
    } catch (err: unknown) {
      this.#log.error({ err }, 'call-ended listener failed');
    }
  }

  /** What the calls need from here, shared by every call started under the same mappings (no closures per call). */
  #callDeps(): CallDeps {
    const mappings = this.#mappings.current;
    if (this.#deps?.mappings === mappings) return this.#deps;
    this.#deps = {
      ctx: this.#ctx,
      config: this.#config,
      mappings,
      allow: this.methods,
      resolveTrunk: (t) => this.#trunks.endpointOf(t),
      joinTrunk: (call, t) => {
        if (t === call.ingressTrunk) return true;
        const ok = this.#admission.join(t).ok;
        if (ok) this.#scopes.get(call)?.push(t);
        return ok;
      },
      onEnded: (c, s) => this.#ended(c, s),
      onStateChange: (call, from, to) => {
        this.#countState(from, -1);
        if (to !== 'Terminated') this.#countState(to, 1);
      },
    };
    return this.#deps;
  }

  #newCall(tx: InviteServerTransaction, request: SipRequest, source: Source): void {
    // Trunk ACL (brief): a request from an address no trunk's `from` allows is refused with 403, creating nothing.
    const ingress = this.#routes.ingressTrunk(source.remote.address);
    if (ingress === undefined) {
      try {
        tx.respond(createResponse(request, 403, { toTag: newTag(), reason: 'Forbidden (source address not on any trunk)' }));
      } catch {
        // transaction gone
      }
      this.#metrics.inc('tandem_calls_refused_total', 'New calls refused before routing, by reason', { reason: 'acl' });
      return;
    }
    if (this.#isDraining) return this.#refuse(tx, request, 'shutdown', ingress, 'shutting down');
    // Overload (limits.maxInputDelay): while received input waits too long before it is handled, new calls are refused at once,
    // as cheaply as a refusal can be, so that the calls in progress keep their answers timely. RFC 3261 §21.5.4: 503
    // is the answer of a server "temporarily unable to process the request due to a temporary overloading", with
    // Retry-After. The tables' admission-limit row gives status and cause (503, Q.850 42: switching equipment
    // congestion).
    const maxDelay = this.#config.limits.maxInputDelay;
    if (maxDelay > 0 && this.#inputDelayMs !== undefined) {
      const delay = this.#inputDelayMs();
      if (delay >= maxDelay) {
        return this.#refuse(tx, request, 'admission-limit', ingress, `overloaded: input waiting ${Math.round(delay)} ms`, [], 'overload');
      }
    }
    // RFC 3261 §16.3 step 3 (applied by the B2BUA as it forwards): Max-Forwards 0 → 483.
    let mf: number | undefined;
    try {
      mf = request.headers.get('Max-Forwards');
    } catch {
      mf = undefined;
    }
    if (mf === 0) return this.#refuse(tx, request, 'too-many-hops', ingress, 'Max-Forwards is 0');
    // Loop detection (482): an INVITE that carries the branch of one of our own outbound INVITEs came back to us.
    if (this.#isLoop(request)) return this.#refuse(tx, request, 'loop-detected', ingress, 'request looped back to Tandem');
    // Issue 5 (RFC 5621 §3.2, RFC 3204 §5): the body for the ingress trunk's signalling — 415 + Accept for a required
    // part Tandem cannot handle here, 400 for a malformed body or ISUP/QSIG part; before any outbound leg exists.
    const body = checkInviteBody(request, signallingOf(this.#config.trunks[ingress]));
    if (!body.ok) return this.#refuseBody(tx, request, body);
    const called = calledNumberOf(request.uri) ?? '';
    // RFC 3313 §5: on a `require` trunk an INVITE needs a valid P-Media-Authorization token — refused with 403 and a
    // Warning saying which check failed, before any outbound leg exists.
    const ma = this.#config.trunks[ingress]?.mediaAuthorization;
    if (ma !== undefined && ma.mode === 'require') {
      const verdict = checkInbound({ mode: ma.mode, key: ma.key, called, headers: request.headers, now: this.#ctx.clock.wallNow() });
      if (!verdict.ok) return this.#refuse(tx, request, 'media-auth-failed', ingress, verdict.text.slice(0, 120), [...verdict.headers]);
    }
    const timerVerdict = this.#sessionTimerVerdict(tx, request, ingress);
    if (timerVerdict === undefined) return;
    const trunks = this.#routes.trunksFor(called);
    if (trunks === undefined) return this.#refuse(tx, request, 'no-route', ingress, `no route for '${called}'`);
    const scopes = ['*', ingress];
    const verdict = this.#admission.admit(scopes, this.#ctx.clock.now());
    if (!verdict.ok) {
      return this.#refuse(tx, request, 'admission-limit', ingress, `${verdict.limit} limit of ${verdict.scope === '*' ? 'Tandem' : `trunk ${verdict.scope}`}`);
    }
    // CANCEL finds the call while the INVITE is unanswered; once the final is sent (answered, refused, or the
    // transaction ended) a late CANCEL gets the UA core's 200, as Call.onCancel would give.
    // The listener goes once it has done its work: the transaction lingers 64·T1 after its final response.
    const forget = (_from: string, to: string): void => {
      if (to === 'Proceeding') return;
      this.#byInvite.delete(tx);
      tx.off('stateChange', forget);
    };
    tx.on('stateChange', forget);
    const call = new Call(
      this.#callDeps(),
      tx,
      request,
      source,
      ingress,
      trunks,
      timerVerdict,
      body.classified,
    );
    this.#calls.add(call);
    this.#countState(call.state, 1);
    this.#byInvite.set(tx, call);
    this.#scopes.set(call, scopes);
    this.#metrics.inc('tandem_calls_total', 'Calls admitted, by ingress trunk', { trunk: ingress });
    this.#metrics.set('tandem_calls_active', 'Calls in progress', this.#calls.size);
    call.start();
  }

  /**
   * RFC 4028 §9 on the caller's INVITE, before anything is routed: the accepting verdict for the 2xx, or a refusal
   * answered here (422 with Min-SE, 420 with Unsupported: timer, 400 for a malformed timer header). A refusal is a
   * negotiation step the caller repeats at once (§7.3), not a call attempt: no CDR, a counter.
   */
  #sessionTimerVerdict(tx: InviteServerTransaction, request: SipRequest, ingress: string): AcceptVerdict | undefined {
    let status: number;
    let headers: HeaderField[] = [];
    let phrase: string;
    try {
      const v = negotiateAsUas(sessionTimerRequestOf(request, false), sessionTimerOf(this.#config.trunks[ingress]));
      if (v.action === 'accept') return v;
      ({ status, headers, phrase } = timerRefusal(v));
      this.#log.debug({ status, why: v.reason }, 'INVITE refused by the session-timer policy');
    } catch (err: unknown) {
      status = 400;
      phrase = `Bad Request (${err instanceof Error ? err.message : 'malformed session-timer header'})`;
    }
    this.#refuseAtDoor(tx, request, status, phrase, headers, `session-timer-${status}`);
    return undefined;
  }

  /**
   * A refusal before any Call exists that is a negotiation step rather than a call attempt (session timer, body):
   * the response with our Server, a counter, no CDR.
   */
  #refuseAtDoor(tx: InviteServerTransaction, request: SipRequest, status: number, phrase: string, headers: readonly HeaderField[], reason: string): void {
    try {
      tx.respond(createResponse(request, status, { toTag: newTag(), headers: [...headers, { name: 'Server', value: this.#ctx.userAgent }], reason: phrase }));
    } catch (err: unknown) {
      this.#log.debug({ err }, 'refusal not sent');
    }
    this.#metrics.inc('tandem_calls_refused_total', 'New calls refused before routing, by reason', { reason });
  }

  /**
   * An INVITE whose body Tandem cannot take on this trunk: 400 naming the fault, or 415 with Accept. Like the
   * session-timer refusals this is a negotiation step the caller may repeat at once (RFC 3372 §6: retry SDP-only or
   * elsewhere), not a call attempt: a counter, no CDR.
   */
  #refuseBody(tx: InviteServerTransaction, request: SipRequest, verdict: Extract<InviteBodyVerdict, { ok: false }>): void {
    this.#log.debug({ status: verdict.status, why: verdict.phrase }, 'INVITE refused for its body');
    this.#refuseAtDoor(tx, request, verdict.status, verdict.phrase, verdict.headers, verdict.reason);
  }

  /** Calls in progress by state (brief: /metrics shows calls by state); a counter per state, no scan. */
  #countState(state: CallState, by: number): void {
    const n = Math.max(0, (this.#byState.get(state) ?? 0) + by);
    this.#byState.set(state, n);
    this.#metrics.set('tandem_calls_by_state', 'Calls in progress, by state', n, { state });
  }

  #isLoop(request: SipRequest): boolean {
    let vias;
    try {
      vias = request.headers.get('Via') ?? [];
    } catch {
      return false;
    }
    // Only an outbound INVITE still unanswered can come back (a loop is immediate): its client transaction is found
    // by branch, not by walking the calls that are setting up.
    for (const v of vias) {
      if (v.branch !== undefined && this.#ctx.transactions.hasPendingInvite(v.branch)) return true;
    }
    return false;
  }

  #ended(call: Call, summary: CallSummary): void {
    this.#calls.delete(call);
    this.#admission.release(this.#scopes.get(call) ?? []);
    this.#scopes.delete(call);
    this.#metrics.set('tandem_calls_active', 'Calls in progress', this.#calls.size);
    this.#metrics.inc('tandem_calls_ended_total', 'Calls ended, by final status', { status: String(summary.finalStatus) });
    if (summary.egressTrunk !== undefined) {
      this.#metrics.inc('tandem_calls_by_trunk_total', 'Calls ended, by egress trunk and final status', {
        status: String(summary.finalStatus),
        trunk: summary.egressTrunk,
      });
    }
    this.#log.debug({ call: summary }, 'call ended');
    try {
      this.#onCallEnded?.(summary);
    } catch (err: unknown) {
      this.#log.error({ err }, 'call-ended listener failed');
    }
    if (this.#isDraining && this.#calls.size === 0) for (const r of this.#drained.splice(0)) r();
  }

  /**
   * SIGTERM (brief): stop taking new calls (503 from the tables), let calls end until `deadlineMs`, then BYE what is
   * left. Resolves when no call is left.
   */
  async drain(deadlineMs: number): Promise<void> {
    this.#isDraining = true;
    if (this.#calls.size === 0) return;
    await new Promise<void>((resolve) => {
      this.#drained.push(resolve);
      const t = this.#ctx.clock.setTimer(deadlineMs, () => {
        for (const c of [...this.#calls]) c.hangUp('shutdown');
        // BYEs are in flight; give them a moment (bounded) before resolving.
        this.#ctx.clock.setTimer(Math.min(2_000, 4 * this.#ctx.t1), resolve);
      });
      this.#drained.push(() => t.cancel());
    });
  }
}

export type { Endpoint };

/** The registry's key of a dialog (RFC 3261 §12: Call-ID and our tag identify it on our side). */
function dialogKey(callId: string, localTag: string): string {
  return `${callId}\n${localTag}`;
}

/** A closed leg's stand-in in the registry, forgotten when its 64·T1 run out (unless something replaced it). */
class RetiredDialog implements Expiring {
  readonly #dialogs: Map<string, DialogOwner>;
  readonly #key: string;
  readonly #standIn: DialogOwner;

  constructor(dialogs: Map<string, DialogOwner>, key: string, standIn: DialogOwner) {
    this.#dialogs = dialogs;
    this.#key = key;
    this.#standIn = standIn;
  }

  expire(): void {
    if (this.#dialogs.get(this.#key) === this.#standIn) this.#dialogs.delete(this.#key);
  }
}
