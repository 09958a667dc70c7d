/**
 * RFC 4028 session-timer conformance of the pure policy (src/policy/session-timer.ts). Test names cite the section
 * or table row; every row of the standards.md §3 oracle tables is here, plus the peers.md session-timer bugs that
 * Tandem must not repeat (#2, #6, #7, #19). Session-Expires values are checked in wire form.
 */
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { serializeSessionExpires } from '../../src/sip/headers/session-expires.js';
import type { SessionExpires } from '../../src/sip/headers/header-types.js';
import { ABSOLUTE_MIN_SE, SessionTimerSchema, sessionTimerConfigProblems } from '../../src/config/session-timer-schema.js';
import type { SessionTimerConfig, SessionTimerSettings } from '../../src/config/session-timer-schema.js';
import {
  SESSION_TIMER_CAUSE,
  answerRefresh,
  buildRefreshRequest,
  expiryDelayMs,
  initialRequestTimer,
  negotiateAsUas,
  onRefreshFailure,
  onSessionExpired,
  refreshDelayMs,
  retryAfter422,
  sessionTimerState,
  timerFrom2xx,
} from '../../src/policy/session-timer.js';
import type {
  AcceptVerdict,
  RefreshRequestVerdict,
  SessionTimerRequest,
  UasSessionTimerVerdict,
} from '../../src/policy/session-timer.js';

/** The standards.md §3 negotiation oracle: a UAS with local minimum 120 s. */
const UAS_120: SessionTimerSettings = { expires: 1800, minSE: 120, refresh: 'auto', defaultRefresher: 'uas' };
const DEFAULTS: SessionTimerSettings = { expires: 1800, minSE: 90, refresh: 'auto', defaultRefresher: 'uas' };

const se = (deltaSeconds: number, refresher?: 'uac' | 'uas'): SessionExpires =>
  refresher === undefined ? { deltaSeconds, params: [] } : { deltaSeconds, refresher, params: [] };

function req(r: Partial<SessionTimerRequest>): SessionTimerRequest {
  return { supportsTimer: false, requiresTimer: false, isRefresh: false, ...r };
}

function accepted(v: UasSessionTimerVerdict): AcceptVerdict {
  if (v.action !== 'accept') throw new TypeError(`expected accept, got ${v.status}: ${v.reason}`);
  return v;
}

const wire = (v: AcceptVerdict): string | null => (v.sessionExpires === null ? null : serializeSessionExpires(v.sessionExpires));

describe('standards.md §3 timer oracle (RFC 4028 §10)', () => {
  const rows = [
    { interval: 90, refreshAt: 45, byeAt: 60 },
    { interval: 96, refreshAt: 48, byeAt: 64 },
    { interval: 120, refreshAt: 60, byeAt: 88 },
    { interval: 1800, refreshAt: 900, byeAt: 1768 },
  ];
  for (const { interval, refreshAt, byeAt } of rows) {
    it(`§10 interval ${interval}: refresher refreshes at ${refreshAt} s (interval/2); non-refresher sends BYE at ${byeAt} s (interval − min(32, interval/3))`, () => {
      const ours = sessionTimerState({ interval, refresher: 'uac', weAreRefresher: true });
      expect(refreshDelayMs(ours)).toBe(refreshAt * 1000);
      expect(ours.refreshAtMs).toBe(refreshAt * 1000);
      const theirs = sessionTimerState({ interval, refresher: 'uas', weAreRefresher: false });
      expect(refreshDelayMs(theirs)).toBeNull();
      expect(expiryDelayMs(theirs)).toBe(byeAt * 1000);
      expect(theirs.expireAtMs).toBe(byeAt * 1000);
    });
  }

  it('§10 the refresher’s own deadline is the session expiration itself (interval after the last 2xx)', () => {
    expect(expiryDelayMs(sessionTimerState({ interval: 1800, refresher: 'uas', weAreRefresher: true }))).toBe(1_800_000);
  });

  it('§10 delays count from the last 2xx: elapsed time is subtracted, never below 0', () => {
    const s = sessionTimerState({ interval: 120, refresher: 'uac', weAreRefresher: false });
    expect(expiryDelayMs(s, 80_000)).toBe(8_000);
    expect(expiryDelayMs(s, 100_000)).toBe(0);
    const r = sessionTimerState({ interval: 120, refresher: 'uas', weAreRefresher: true });
    expect(refreshDelayMs(r, 10_000)).toBe(50_000);
  });

  it('§10 BYE goes slightly before expiry for an interval not divisible by 3 (floor of ms)', () => {
    expect(expiryDelayMs(sessionTimerState({ interval: 91, refresher: 'uas', weAreRefresher: false }))).toBe(60_666);
    expect(refreshDelayMs(sessionTimerState({ interval: 91, refresher: 'uac', weAreRefresher: true }))).toBe(45_500);
  });
});

describe('standards.md §3 negotiation oracle: UAS with local minimum 120 s (RFC 4028 §9)', () => {
  it('§9 Supported: timer + Session-Expires: 100 → 422 with Min-SE: 120', () => {
    const v = negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(100) }), UAS_120);
    expect(v).toMatchObject({ action: 'reject', status: 422, minSE: 120 });
  });

  it('§9 Session-Expires: 100 without Supported: timer → no 422 (only with Supported: timer) and not raised (MUST NOT increase): 2xx without a timer', () => {
    const v = accepted(negotiateAsUas(req({ sessionExpires: se(100) }), UAS_120));
    expect(v.sessionExpires).toBeNull();
    expect(v.timer).toBeNull();
    expect(v.requireTimer).toBe(false);
  });

  it('§9 Table 2 row 1: Session-Expires: 1800, no refresher, no Supported → 2xx Session-Expires: 1800;refresher=uas, no Require: timer', () => {
    const v = accepted(negotiateAsUas(req({ sessionExpires: se(1800) }), UAS_120));
    expect(wire(v)).toBe('1800;refresher=uas');
    expect(v.requireTimer).toBe(false);
    expect(v.timer).toMatchObject({ interval: 1800, refresher: 'uas', weAreRefresher: true, refreshAtMs: 900_000 });
  });

  it('§9 Table 2 row 5: Supported: timer + Session-Expires: 1800;refresher=uac → 2xx Session-Expires: 1800;refresher=uac + Require: timer (MUST)', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(1800, 'uac') }), UAS_120));
    expect(wire(v)).toBe('1800;refresher=uac');
    expect(v.requireTimer).toBe(true);
    expect(v.timer).toMatchObject({ weAreRefresher: false, refreshAtMs: null, expireAtMs: 1_768_000 });
  });

  it('§9 Table 2 row 4: Supported: timer + Session-Expires: 1800, no refresher → Tandem picks uas (default) and adds Require: timer (SHOULD)', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(1800) }), UAS_120));
    expect(wire(v)).toBe('1800;refresher=uas');
    expect(v.requireTimer).toBe(true);
    expect(v.timer?.weAreRefresher).toBe(true);
  });

  it('§9 Table 2 row 4: with defaultRefresher uac the UAS picks uac, and Require: timer is then a MUST', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(1800) }), { ...UAS_120, defaultRefresher: 'uac' }));
    expect(wire(v)).toBe('1800;refresher=uac');
    expect(v.requireTimer).toBe(true);
    expect(v.timer?.weAreRefresher).toBe(false);
  });

  it('§4 any Session-Expires below 90 is a violation: with Supported → 422 (Min-SE never below 90); without → no timer', () => {
    const low = negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(60) }), DEFAULTS);
    expect(low).toMatchObject({ action: 'reject', status: 422, minSE: 90 });
    expect(accepted(negotiateAsUas(req({ sessionExpires: se(60) }), DEFAULTS)).sessionExpires).toBeNull();
  });

  it('§5 a Min-SE below 90 in a request is read as 90 (MUST NOT be less than 90)', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(95), minSE: 30 }), DEFAULTS));
    expect(wire(v)).toBe('95;refresher=uas');
    expect(v.timer?.minSE).toBe(90);
  });

  it('§5 a trunk config with expires or minSE below 90 is rejected by the schema', () => {
    expect(Value.Check(SessionTimerSchema, { expires: 1800, minSE: 60, refresh: 'auto', defaultRefresher: 'uas' })).toBe(false);
    expect(Value.Check(SessionTimerSchema, { expires: 60, minSE: 90, refresh: 'auto', defaultRefresher: 'uas' })).toBe(false);
  });

  it('§7.2/§4 a 2xx with Session-Expires below 90 (violation) runs at 90 so a peer cannot drive a refresh flood (§11.1)', () => {
    const t = timerFrom2xx({ sent: initialRequestTimer(DEFAULTS), response: { sessionExpires: se(10, 'uac') }, config: DEFAULTS });
    expect(t?.interval).toBe(ABSOLUTE_MIN_SE);
  });
});

describe('RFC 4028 §9 UAS behaviour (Tandem answers the inbound leg)', () => {
  it('§9 Table 2 row 6: Supported + refresher=uas → echoed uas, Require: timer (SHOULD)', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(1800, 'uas') }), { ...DEFAULTS, defaultRefresher: 'uac' }));
    expect(wire(v)).toBe('1800;refresher=uas');
    expect(v.requireTimer).toBe(true);
  });

  it('§9 Table 2 rows 2-3 (NA: refresher without Supported: timer) → answered as row 1: refresher=uas, no Require: timer', () => {
    for (const r of ['uac', 'uas'] as const) {
      const v = accepted(negotiateAsUas(req({ sessionExpires: se(1800, r) }), DEFAULTS));
      expect(wire(v)).toBe('1800;refresher=uas');
      expect(v.requireTimer).toBe(false);
    }
  });

  it('§9 "MAY reduce": a request above the trunk expires is reduced to it', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(7200, 'uac') }), DEFAULTS));
    expect(wire(v)).toBe('1800;refresher=uac');
  });

  it('§9 reduction never goes below the request Min-SE', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(7200), minSE: 3600 }), DEFAULTS));
    expect(wire(v)).toBe('3600;refresher=uas');
  });

  it('§9 "MUST NOT increase": a value between our minimum and expires is copied unchanged', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(600) }), DEFAULTS));
    expect(wire(v)).toBe('600;refresher=uas');
  });

  it('§9 a Session-Expires below the request’s own Min-SE with Supported → 422 carrying the larger minimum', () => {
    const v = negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(500), minSE: 600 }), UAS_120);
    expect(v).toMatchObject({ action: 'reject', status: 422, minSE: 600 });
  });

  it('§9 Supported: timer without Session-Expires: the UAS may request a timer: trunk expires, not below Min-SE, refresher by default', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true }), DEFAULTS));
    expect(wire(v)).toBe('1800;refresher=uas');
    expect(v.requireTimer).toBe(true);
    const high = accepted(negotiateAsUas(req({ supportsTimer: true, minSE: 2400 }), DEFAULTS));
    expect(wire(high)).toBe('2400;refresher=uas');
  });

  it('§9 Table 2 row 1 with no Session-Expires: Tandem imposes its own timer and refreshes itself, no Require: timer', () => {
    const v = accepted(negotiateAsUas(req({}), DEFAULTS));
    expect(wire(v)).toBe('1800;refresher=uas');
    expect(v.requireTimer).toBe(false);
    expect(v.supportedTimer).toBe(true);
  });

  it('§9 the 2xx always carries refresher (never "none": peers.md #6, drachtio #284)', () => {
    const cases: SessionTimerRequest[] = [
      req({}),
      req({ supportsTimer: true }),
      req({ sessionExpires: se(1800) }),
      req({ supportsTimer: true, sessionExpires: se(1800) }),
      req({ supportsTimer: true, sessionExpires: se(1800, 'uac') }),
    ];
    for (const c of cases) expect(accepted(negotiateAsUas(c, DEFAULTS)).sessionExpires?.refresher).toMatch(/^ua[cs]$/);
  });

  it('§9 the UAS stores interval, refresher and whether it refreshes (state from the 2xx)', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(1200, 'uac'), minSE: 600 }), DEFAULTS));
    expect(v.timer).toEqual({ interval: 1200, refresher: 'uac', weAreRefresher: false, minSE: 600, refreshAtMs: null, expireAtMs: 1_168_000 });
  });

  it('RFC 3261 §8.2.2.3 trunk off + Require: timer → 420 with Unsupported: timer', () => {
    expect(negotiateAsUas(req({ supportsTimer: true, requiresTimer: true, sessionExpires: se(1800) }), 'off')).toMatchObject({
      action: 'reject',
      status: 420,
      unsupported: ['timer'],
    });
  });

  it('§9 trunk off: Session-Expires is ignored, 2xx without Session-Expires or Supported: timer (no session expiration)', () => {
    const v = accepted(negotiateAsUas(req({ supportsTimer: true, sessionExpires: se(1800, 'uac') }), 'off'));
    expect(v).toMatchObject({ sessionExpires: null, timer: null, requireTimer: false, supportedTimer: false });
  });
});

describe('RFC 4028 §9/§10 answering a peer’s refresh in a confirmed dialog', () => {
  const current = sessionTimerState({ interval: 1800, refresher: 'uas', weAreRefresher: true });

  it('§7.4/§9 a re-INVITE with refresher=uac changes the refresher to the peer and is answered (peers.md #19)', () => {
    const v = accepted(answerRefresh({ supportsTimer: true, requiresTimer: false, sessionExpires: se(1800, 'uac') }, DEFAULTS, current));
    expect(wire(v)).toBe('1800;refresher=uac');
    expect(v.requireTimer).toBe(true);
    expect(v.timer?.weAreRefresher).toBe(false);
  });

  it('§7.4 a refresh with refresher=uas makes Tandem (the UAS of that transaction) the refresher', () => {
    const peerRefreshes = sessionTimerState({ interval: 1800, refresher: 'uac', weAreRefresher: false });
    const v = accepted(answerRefresh({ supportsTimer: true, requiresTimer: false, sessionExpires: se(1800, 'uas') }, DEFAULTS, peerRefreshes));
    expect(v.timer?.weAreRefresher).toBe(true);
  });

  it('§10 a refresh below the minimum with Supported: timer → 422 mid-dialog too', () => {
    expect(answerRefresh({ supportsTimer: true, requiresTimer: false, sessionExpires: se(100) }, UAS_120, current)).toMatchObject({ status: 422, minSE: 120 });
  });

  it('§7.2 a re-INVITE without Session-Expires (e.g. hold) still refreshes: the dialog interval is kept', () => {
    const short = sessionTimerState({ interval: 600, refresher: 'uas', weAreRefresher: true });
    const v = accepted(answerRefresh({ supportsTimer: false, requiresTimer: false }, DEFAULTS, short));
    expect(wire(v)).toBe('600;refresher=uas');
  });

  it('§9 an initial INVITE (isRefresh false) ignores any dialog state passed in', () => {
    const short = sessionTimerState({ interval: 600, refresher: 'uas', weAreRefresher: true, minSE: 600 });
    const v = accepted(negotiateAsUas(req({}), DEFAULTS, short));
    expect(wire(v)).toBe('1800;refresher=uas');
    expect(v.timer?.minSE).toBeNull();
  });

  it('§7.4 a Min-SE received in a refresh request is remembered for Tandem’s own refreshes (the largest wins)', () => {
    const withMin = sessionTimerState({ interval: 1800, refresher: 'uas', weAreRefresher: true, minSE: 300 });
    const v = accepted(answerRefresh({ supportsTimer: true, requiresTimer: false, sessionExpires: se(1800), minSE: 200 }, DEFAULTS, withMin));
    expect(v.timer?.minSE).toBe(300);
    const r = buildRefreshRequest({ state: v.timer!, refresh: 'auto' });
    expect(r.minSE).toBe(300);
  });
});

describe('RFC 4028 §7 UAC behaviour (Tandem originates the outbound leg)', () => {
  it('§7.1 the INVITE carries Supported: timer and Session-Expires without refresher (RECOMMENDED to omit); Min-SE only above 90', () => {
    const h = initialRequestTimer(DEFAULTS);
    expect(h.supportedTimer).toBe(true);
    expect(serializeSessionExpires(h.sessionExpires!)).toBe('1800');
    expect(h.minSE).toBeNull();
    expect(initialRequestTimer({ ...DEFAULTS, minSE: 300 }).minSE).toBe(300);
  });

  it('§7.1 Session-Expires is never below the Min-SE sent', () => {
    const h = initialRequestTimer({ ...DEFAULTS, expires: 120, minSE: 600 });
    expect(h.sessionExpires?.deltaSeconds).toBe(600);
    expect(sessionTimerConfigProblems({ ...DEFAULTS, expires: 120, minSE: 600 })).toHaveLength(1);
    expect(sessionTimerConfigProblems(DEFAULTS)).toEqual([]);
  });

  it('§7.1 trunk off: no Supported: timer, no Session-Expires, no Min-SE', () => {
    expect(initialRequestTimer('off')).toEqual({ supportedTimer: false, sessionExpires: null, minSE: null });
  });

  it('§13 example flow: SE 50 → 422 Min-SE 3600 → SE 3600/Min-SE 3600 → 422 Min-SE 4000 → SE 4000/Min-SE 4000 (§7.3, §7.4 largest Min-SE)', () => {
    const cfg: SessionTimerConfig = DEFAULTS;
    const first = { supportedTimer: true, sessionExpires: se(50), minSE: null };
    const r1 = retryAfter422({ sent: first, minSEIn422: 3600, config: cfg });
    if (r1.action !== 'retry') throw new TypeError(r1.reason);
    expect(r1.headers).toEqual({ supportedTimer: true, sessionExpires: se(3600), minSE: 3600 });
    const r2 = retryAfter422({ sent: r1.headers, minSEIn422: 4000, config: cfg });
    if (r2.action !== 'retry') throw new TypeError(r2.reason);
    expect(r2.headers).toEqual({ supportedTimer: true, sessionExpires: se(4000), minSE: 4000 });
  });

  it('§7.4 on 422 Min-SE is the largest value seen (a smaller later Min-SE does not lower it); the UAC MAY raise it to its own minimum', () => {
    const r = retryAfter422({ sent: { supportedTimer: true, sessionExpires: se(4000), minSE: 4000 }, minSEIn422: 3000, config: DEFAULTS });
    expect(r).toMatchObject({ action: 'give-up' });
    const r2 = retryAfter422({ sent: { supportedTimer: true, sessionExpires: se(1000), minSE: 1000 }, minSEIn422: 1200, config: { ...DEFAULTS, minSE: 1500 } });
    expect(r2).toMatchObject({ action: 'retry', headers: { sessionExpires: se(1500), minSE: 1500 } });
  });

  it('§6 a 422 without Min-SE, or one asking no more than was sent, is not retried (no loop)', () => {
    const sent = initialRequestTimer(DEFAULTS);
    expect(retryAfter422({ sent, minSEIn422: undefined, config: DEFAULTS }).action).toBe('give-up');
    expect(retryAfter422({ sent, minSEIn422: 1800, config: DEFAULTS }).action).toBe('give-up');
    expect(retryAfter422({ sent, minSEIn422: 1801, config: DEFAULTS }).action).toBe('retry');
  });

  it('§7.2 2xx with Session-Expires;refresher=uac → Tandem (the UAC) refreshes at interval/2', () => {
    const t = timerFrom2xx({ sent: initialRequestTimer(DEFAULTS), response: { sessionExpires: se(1800, 'uac') }, config: DEFAULTS });
    expect(t).toMatchObject({ interval: 1800, refresher: 'uac', weAreRefresher: true, refreshAtMs: 900_000, expireAtMs: 1_800_000 });
  });

  it('§7.2 2xx with Session-Expires;refresher=uas → the peer refreshes; Tandem sends BYE at interval − min(32, interval/3)', () => {
    const t = timerFrom2xx({ sent: initialRequestTimer(DEFAULTS), response: { sessionExpires: se(1200, 'uas') }, config: DEFAULTS });
    expect(t).toMatchObject({ interval: 1200, weAreRefresher: false, refreshAtMs: null, expireAtMs: 1_168_000 });
  });

  it('§7.2 2xx without Session-Expires after Tandem asked for one → Tandem refreshes with the value it sent (as if refresher=uac)', () => {
    const t = timerFrom2xx({ sent: initialRequestTimer(DEFAULTS), response: {}, config: DEFAULTS });
    expect(t).toMatchObject({ interval: 1800, refresher: 'uac', weAreRefresher: true });
  });

  it('§7.2 2xx without Session-Expires when none was asked for → no session expiration', () => {
    expect(timerFrom2xx({ sent: { supportedTimer: true, sessionExpires: null, minSE: null }, response: {}, config: DEFAULTS })).toBeNull();
    expect(timerFrom2xx({ sent: initialRequestTimer('off'), response: { sessionExpires: se(1800, 'uac') }, config: 'off' })).toBeNull();
  });

  it('§7.2 a 2xx Session-Expires missing the refresher parameter (UAS MUST set it) → Tandem refreshes', () => {
    const t = timerFrom2xx({ sent: initialRequestTimer(DEFAULTS), response: { sessionExpires: se(1800) }, config: DEFAULTS });
    expect(t?.weAreRefresher).toBe(true);
  });

  it('§7.4 the Min-SE sent on the INVITE after a 422 is carried into the dialog state for later refreshes', () => {
    const t = timerFrom2xx({ sent: { supportedTimer: true, sessionExpires: se(4000), minSE: 4000 }, response: { sessionExpires: se(4000, 'uac') }, config: DEFAULTS });
    expect(t?.minSE).toBe(4000);
  });
});

describe('RFC 4028 §7.4 refresh requests Tandem sends', () => {
  const ours = sessionTimerState({ interval: 1800, refresher: 'uac', weAreRefresher: true });
  const theirs = sessionTimerState({ interval: 1800, refresher: 'uac', weAreRefresher: false });

  it('§7.4 always carries refresher: uac when Tandem refreshes, uas when the peer does (peers.md #2, sems PR #544)', () => {
    expect(serializeSessionExpires(buildRefreshRequest({ state: ours, refresh: 'auto' }).sessionExpires)).toBe('1800;refresher=uac');
    expect(serializeSessionExpires(buildRefreshRequest({ state: theirs, refresh: 'auto' }).sessionExpires)).toBe('1800;refresher=uas');
  });

  it('§7.4 UPDATE without SDP when the peer’s Allow lists UPDATE (RECOMMENDED), re-INVITE with the last SDP otherwise', () => {
    expect(buildRefreshRequest({ state: ours, refresh: 'auto', peerAllow: ['INVITE', 'ACK', 'BYE', 'UPDATE'] })).toMatchObject({ method: 'UPDATE', includeSdp: false });
    expect(buildRefreshRequest({ state: ours, refresh: 'auto', peerAllow: ['INVITE', 'ACK', 'BYE'] })).toMatchObject({ method: 'INVITE', includeSdp: true });
    expect(buildRefreshRequest({ state: ours, refresh: 'auto' })).toMatchObject({ method: 'INVITE', includeSdp: true });
    expect(buildRefreshRequest({ state: ours, refresh: 'auto', peerAllow: ['update'] }).method).toBe('INVITE');
  });

  it('§7.4 trunk refresh: update / invite force the method; auto falls back to re-INVITE after the peer refused UPDATE', () => {
    expect(buildRefreshRequest({ state: ours, refresh: 'update' })).toMatchObject({ method: 'UPDATE', includeSdp: false });
    expect(buildRefreshRequest({ state: ours, refresh: 'invite', peerAllow: ['UPDATE'] })).toMatchObject({ method: 'INVITE', includeSdp: true });
    expect(buildRefreshRequest({ state: ours, refresh: 'auto', peerAllow: ['UPDATE'], updateRefused: true }).method).toBe('INVITE');
  });

  it('§7.4 Session-Expires = max(Min-SE, interval); Min-SE included when one was seen; Supported: timer kept', () => {
    const s = sessionTimerState({ interval: 1800, refresher: 'uac', weAreRefresher: true, minSE: 3600 });
    expect(buildRefreshRequest({ state: s, refresh: 'auto' })).toMatchObject({ sessionExpires: { deltaSeconds: 3600 }, minSE: 3600, supportedTimer: true });
    expect(buildRefreshRequest({ state: ours, refresh: 'auto' }).minSE).toBeNull();
  });
});

describe('RFC 4028 §10 failed refreshes and expiry', () => {
  const state = sessionTimerState({ interval: 1800, refresher: 'uac', weAreRefresher: true });
  const sentUpdate: RefreshRequestVerdict = buildRefreshRequest({ state, refresh: 'auto', peerAllow: ['UPDATE'] });
  const sentInvite: RefreshRequestVerdict = buildRefreshRequest({ state, refresh: 'invite' });

  it('§10 a refresh transaction timeout → BYE, other leg released with Q.850 102 (peers.md #7)', () => {
    expect(onRefreshFailure({ sent: sentUpdate, outcome: { kind: 'timeout' }, refresh: 'auto' })).toMatchObject({ action: 'bye', q850Cause: 102 });
  });

  it('§10 a refresh answered 408 or 481 → BYE (RFC 3261 §12.2.1.2), cause 102', () => {
    for (const status of [408, 481]) {
      expect(onRefreshFailure({ sent: sentInvite, outcome: { kind: 'response', status }, refresh: 'auto' })).toMatchObject({ action: 'bye', q850Cause: SESSION_TIMER_CAUSE });
    }
  });

  it('§10 a refresh answered 422 → retry at once with the larger Session-Expires and Min-SE, same method and refresher; the expiration has not changed', () => {
    const v = onRefreshFailure({ sent: sentUpdate, outcome: { kind: 'response', status: 422, minSE: 3600 }, refresh: 'auto' });
    expect(v.action).toBe('retry');
    if (v.action !== 'retry') return;
    expect(v.request).toMatchObject({ method: 'UPDATE', minSE: 3600, includeSdp: false });
    expect(serializeSessionExpires(v.request.sessionExpires)).toBe('3600;refresher=uac');
    expect(expiryDelayMs(state)).toBe(1_800_000);
  });

  it('§10 a 422 without Min-SE, or not above what was sent, is not retried: the expiry stands', () => {
    expect(onRefreshFailure({ sent: sentUpdate, outcome: { kind: 'response', status: 422 }, refresh: 'auto' }).action).toBe('keep-expiry');
    expect(onRefreshFailure({ sent: sentUpdate, outcome: { kind: 'response', status: 422, minSE: 1800 }, refresh: 'auto' }).action).toBe('keep-expiry');
  });

  it('§10 an UPDATE refresh answered 501 or 405 → retried as re-INVITE with SDP (auto mode)', () => {
    for (const status of [405, 501]) {
      const v = onRefreshFailure({ sent: sentUpdate, outcome: { kind: 'response', status }, refresh: 'auto' });
      expect(v).toMatchObject({ action: 'retry', request: { method: 'INVITE', includeSdp: true, sessionExpires: { refresher: 'uac' } } });
    }
    expect(onRefreshFailure({ sent: sentUpdate, outcome: { kind: 'response', status: 501 }, refresh: 'update' }).action).toBe('keep-expiry');
    const raised: RefreshRequestVerdict = { ...sentUpdate, sessionExpires: se(3600, 'uac'), minSE: 3600 };
    expect(onRefreshFailure({ sent: raised, outcome: { kind: 'response', status: 501 }, refresh: 'auto' })).toMatchObject({
      action: 'retry',
      request: { method: 'INVITE', minSE: 3600, sessionExpires: { deltaSeconds: 3600 } },
    });
  });

  it('§10 "follow the rules specific to that response code": 491 → retry after the glare wait; 401/407 → authenticate', () => {
    expect(onRefreshFailure({ sent: sentInvite, outcome: { kind: 'response', status: 491 }, refresh: 'auto' }).action).toBe('retry-after-glare');
    expect(onRefreshFailure({ sent: sentInvite, outcome: { kind: 'response', status: 401 }, refresh: 'auto' }).action).toBe('authenticate');
    expect(onRefreshFailure({ sent: sentInvite, outcome: { kind: 'response', status: 407 }, refresh: 'auto' }).action).toBe('authenticate');
  });

  it('§10 other failures keep the old expiry (only a 2xx moves it); the same error twice is not retried again', () => {
    expect(onRefreshFailure({ sent: sentInvite, outcome: { kind: 'response', status: 500 }, refresh: 'auto' }).action).toBe('keep-expiry');
    expect(onRefreshFailure({ sent: sentInvite, outcome: { kind: 'response', status: 488 }, refresh: 'auto' }).action).toBe('keep-expiry');
    expect(onRefreshFailure({ sent: sentInvite, outcome: { kind: 'response', status: 491 }, previousFailureStatus: 491, refresh: 'auto' }).action).toBe('keep-expiry');
  });

  it('§10 a 1xx/2xx is not a failure (programmer error)', () => {
    expect(() => onRefreshFailure({ sent: sentInvite, outcome: { kind: 'response', status: 200 }, refresh: 'auto' })).toThrow(/not a failure/);
  });

  it('§10 only a 2xx moves the expiration: a 2xx to the refresh yields a fresh state from that moment', () => {
    const next = timerFrom2xx({ sent: sentUpdate, response: { sessionExpires: se(1800, 'uac') }, config: DEFAULTS });
    expect(next).toMatchObject({ weAreRefresher: true, refreshAtMs: 900_000, expireAtMs: 1_800_000 });
  });

  it('§10 expiry without a refresh → BYE with Q.850 102, whichever side refreshes (a UA, unlike a proxy §8.3, sends BYE)', () => {
    expect(onSessionExpired(state)).toMatchObject({ action: 'bye', q850Cause: 102 });
    expect(onSessionExpired(sessionTimerState({ interval: 90, refresher: 'uas', weAreRefresher: false })).reason).toMatch(/60 s of a 90 s/);
  });
});

describe('session-timer trunk config (SessionTimerSchema)', () => {
  it('defaults {} to expires 1800, minSE 90, refresh auto, defaultRefresher uas; "off" stays off', () => {
    expect(Value.Default(SessionTimerSchema, undefined)).toEqual(DEFAULTS);
    expect(Value.Default(SessionTimerSchema, {})).toEqual(DEFAULTS);
    expect(Value.Default(SessionTimerSchema, { expires: 600 })).toEqual({ ...DEFAULTS, expires: 600 });
    expect(Value.Default(SessionTimerSchema, 'off')).toBe('off');
    expect(Value.Check(SessionTimerSchema, 'on')).toBe(false);
    expect(Value.Check(SessionTimerSchema, { ...DEFAULTS, refresh: 'options' })).toBe(false);
  });

  it('sessionTimerState rejects a non-positive or fractional interval', () => {
    expect(() => sessionTimerState({ interval: 0, refresher: 'uac', weAreRefresher: true })).toThrow(/positive integer/);
    expect(() => sessionTimerState({ interval: 1.5, refresher: 'uac', weAreRefresher: true })).toThrow(/positive integer/);
  });
});
