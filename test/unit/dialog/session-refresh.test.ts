/**
 * The per-leg session-timer runtime (src/dialog/session-refresh.ts) on virtual time: refresh at half the interval,
 * re-arming on every 2xx, the non-refresher's BYE, every refresh-failure branch of RFC 4028 §10, the RFC 3261 §14.1
 * glare wait, and no timer outliving close() (every machine a test builds is closed and counted in afterEach).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SessionRefresh, glareWaitMs } from '../../../src/dialog/session-refresh.js';
import type { RefreshResult, SessionExpiryReason, SessionRefreshHost, SessionRefreshOptions } from '../../../src/dialog/session-refresh.js';
import { isTandemError } from '../../../src/errors/tandem-error.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { SessionTimerConfig } from '../../../src/config/session-timer-schema.js';
import type { RefreshRequestVerdict, SessionTimerState } from '../../../src/policy/session-timer.js';
import { sessionTimerState } from '../../../src/policy/session-timer.js';
import { NO_PARAMS } from '../../../src/sip/params.js';
import { FakeClock } from '../../support/fake-clock.js';
import { AlarmQueue } from '../../../src/util/alarm-queue.js';

/** Session timers armed on `clock` (alarms in its shared queue, which holds one clock timer while any is set). */
const alarms = (clock: FakeClock): number => AlarmQueue.for(clock).size;

const S = 1000;
const SETTINGS: SessionTimerConfig = { expires: 1800, minSE: 90, refresh: 'auto', defaultRefresher: 'uas' };
const WITH_UPDATE = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'UPDATE'];

/** Tandem refreshes (inbound leg answered with refresher=uas, or outbound 2xx with refresher=uac). */
const ours = (interval: number, minSE: number | null = null): SessionTimerState =>
  sessionTimerState({ interval, refresher: 'uas', weAreRefresher: true, minSE });
/** The peer refreshes. */
const theirs = (interval: number): SessionTimerState => sessionTimerState({ interval, refresher: 'uac', weAreRefresher: false });

interface Sent {
  readonly at: number;
  readonly request: RefreshRequestVerdict;
  readonly answer: (r: RefreshResult) => Promise<void>;
}
interface Expiry {
  readonly at: number;
  readonly reason: SessionExpiryReason;
  readonly cause: number;
  readonly detail: string;
}

/** Lets the promise chain of an answered refresh run (microtasks only; no virtual time passes). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const built: { sr: SessionRefresh; clock: FakeClock }[] = [];

function harness(over: Partial<SessionRefreshOptions> & Partial<SessionRefreshHost> = {}) {
  const clock = new FakeClock();
  const sent: Sent[] = [];
  const expired: Expiry[] = [];
  const { sendRefresh, sessionExpired, ...options } = over;
  const host: SessionRefreshHost = {
    sendRefresh:
      sendRefresh ??
      ((request) =>
        new Promise<RefreshResult>((resolve) => {
          sent.push({
            at: clock.now(),
            request,
            answer: async (r) => {
              resolve(r);
              await settle();
            },
          });
        })),
    sessionExpired: sessionExpired ?? ((reason, cause, detail) => expired.push({ at: clock.now(), reason, cause, detail })),
  };
  const sr = new SessionRefresh({
    clock,
    role: 'uas',
    settings: SETTINGS,
    host,
    logger: silentLogger(),
    ...options,
  });
  built.push({ sr, clock });
  return { clock, sr, sent, expired };
}

afterEach(() => {
  // No timer outlives its call: whatever state a test left the machine in, close() leaves nothing armed.
  for (const { sr, clock } of built.splice(0)) {
    sr.close();
    sr.close();
    expect(sr.state).toBe('Closed');
    expect(clock.liveTimers).toBe(0);
  }
});

describe('RFC 4028 §7.2/§9 Tandem is the refresher on the leg', () => {
  it('§9 sends the refresh once half the interval has elapsed (900 s of 1800), not before', () => {
    const { clock, sr, sent } = harness({ peerAllow: WITH_UPDATE });
    sr.start(ours(1800));
    expect(sr.state).toBe('Active');
    expect(alarms(clock)).toBe(1); // the refresh; the expiry (later) is armed when the refresh goes out
    clock.advance(900 * S - 1);
    expect(sent).toHaveLength(0);
    clock.advance(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.at).toBe(900 * S);
    expect(sr.state).toBe('Refreshing');
    expect(alarms(clock)).toBe(1); // the expiry, 900 s from now
  });

  it('§7.4 refresh is an UPDATE without SDP when the peer allows UPDATE, always with ;refresher=uac', () => {
    const { clock, sr, sent } = harness({ peerAllow: WITH_UPDATE });
    sr.start(ours(1800));
    clock.advance(900 * S);
    expect(sent[0]!.request).toMatchObject({ method: 'UPDATE', includeSdp: false, supportedTimer: true, minSE: null });
    expect(sent[0]!.request.sessionExpires).toMatchObject({ deltaSeconds: 1800, refresher: 'uac' });
  });

  it('§7.4 refresh is a re-INVITE with the last SDP when the peer does not allow UPDATE', () => {
    const { clock, sr, sent } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    expect(sent[0]!.request).toMatchObject({ method: 'INVITE', includeSdp: true });
    expect(sent[0]!.request.sessionExpires.refresher).toBe('uac');
  });

  it('§7.4 setPeerAllow: a later Allow with UPDATE switches auto refreshes to UPDATE', () => {
    const { clock, sr, sent } = harness();
    sr.start(ours(1800));
    sr.setPeerAllow(WITH_UPDATE);
    clock.advance(900 * S);
    expect(sent[0]!.request.method).toBe('UPDATE');
  });

  it.each([
    ['invite', WITH_UPDATE, 'INVITE'],
    ['update', undefined, 'UPDATE'],
  ] as const)('§7.4 refresh: %s forces the method', (refresh, peerAllow, method) => {
    const { clock, sr, sent } = harness({ settings: { ...SETTINGS, refresh }, peerAllow });
    sr.start(ours(1800));
    clock.advance(900 * S);
    expect(sent[0]!.request.method).toBe(method);
  });

  it('§10 a 2xx re-arms: the next refresh comes half the new interval after that 2xx, and the old expiry is gone', async () => {
    const { clock, sr, sent, expired } = harness({ peerAllow: WITH_UPDATE });
    sr.start(ours(1800));
    clock.advance(900 * S);
    clock.advance(2 * S); // the 2xx takes 2 s
    await sent[0]!.answer({ status: 200, sessionExpires: { deltaSeconds: 1200, refresher: 'uac', params: NO_PARAMS } });
    expect(sr.state).toBe('Active');
    expect(sr.timer).toMatchObject({ interval: 1200, weAreRefresher: true });
    clock.advance(600 * S - 1);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.at).toBe((902 + 600) * S);
    expect(sent[1]!.request.sessionExpires.deltaSeconds).toBe(1200);
    // The first session expiration (1800 s) passed without effect.
    expect(expired).toEqual([]);
  });

  it('§7.2 a 2xx without Session-Expires keeps Tandem the refresher with the value it sent', async () => {
    const { clock, sr, sent } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 200 });
    expect(sr.timer).toMatchObject({ interval: 1800, refresher: 'uac', weAreRefresher: true });
    clock.advance(900 * S);
    expect(sent).toHaveLength(2);
  });

  it('§7.4 a 2xx with refresher=uas hands the refreshes to the peer: no more refreshes, BYE if it stays silent', async () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 200, sessionExpires: { deltaSeconds: 1800, refresher: 'uas', params: NO_PARAMS } });
    expect(sr.timer?.weAreRefresher).toBe(false);
    expect(alarms(clock)).toBe(1);
    clock.advance(1768 * S);
    expect(sent).toHaveLength(1);
    expect(expired).toMatchObject([{ at: (900 + 1768) * S, reason: 'peer-silent', cause: 102 }]);
  });
});

describe('RFC 4028 §10 the peer is the refresher on the leg', () => {
  it.each([
    [90, 60],
    [96, 64],
    [120, 88],
    [1800, 1768],
  ])('§10 interval %i s: BYE at %i s (interval − min(32 s, interval/3)) when no refresh came', (interval, byeAt) => {
    const { clock, sr, sent, expired } = harness();
    sr.start(theirs(interval));
    expect(alarms(clock)).toBe(1); // expiry only
    clock.advance(byeAt * S - 1);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ at: byeAt * S, reason: 'peer-silent', cause: 102 });
    expect(expired[0]!.detail).toContain('RFC 4028 §10');
    expect(sent).toHaveLength(0);
    expect(sr.state).toBe('Expired');
    expect(clock.liveTimers).toBe(0);
  });

  it("§10 the peer's refresh (2xx sent) moves the expiry to a full interval from that 2xx", () => {
    const { clock, sr, expired } = harness();
    sr.start(theirs(1800));
    clock.advance(1000 * S);
    sr.onRefreshReceived(theirs(1800));
    clock.advance(1767 * S);
    expect(expired).toEqual([]);
    clock.advance(1 * S);
    expect(expired).toMatchObject([{ at: (1000 + 1768) * S, reason: 'peer-silent' }]);
  });

  it("§7.4 the peer's refresh may change the refresher: Tandem then refreshes at half the interval", () => {
    const { clock, sr, sent } = harness();
    sr.start(theirs(1800));
    clock.advance(100 * S);
    sr.onRefreshReceived(ours(1800));
    expect(sr.state).toBe('Active');
    clock.advance(900 * S);
    expect(sent).toMatchObject([{ at: 1000 * S }]);
  });

  it('§7.2 a re-INVITE Tandem relayed on the leg and got 2xx for refreshes the session too (onOwnRequestAnswered)', () => {
    const { clock, sr, expired } = harness();
    sr.start(theirs(120));
    // Tandem relays a re-INVITE: it keeps the peer as refresher (§7.4 refresher=uas from Tandem's side).
    expect(sr.headersForOwnRequest()).toEqual({
      supportedTimer: true,
      sessionExpires: { deltaSeconds: 120, refresher: 'uas', params: NO_PARAMS },
      minSE: null,
    });
    clock.advance(80 * S);
    sr.onOwnRequestAnswered(theirs(120));
    clock.advance(87 * S);
    expect(expired).toEqual([]);
    clock.advance(1 * S);
    expect(expired).toMatchObject([{ at: (80 + 88) * S, reason: 'peer-silent' }]);
  });
});

describe('RFC 4028 §10 Tandem’s own refresh fails', () => {
  it('§10 the refresh transaction times out → sessionExpired(refresh-failed, Q.850 102) and no timer left', async () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    clock.advance(32 * S); // Timer F
    await sent[0]!.answer({ error: 'timeout' });
    expect(expired).toHaveLength(1);
    expect(expired[0]).toMatchObject({ at: 932 * S, reason: 'refresh-failed', cause: 102 });
    expect(expired[0]!.detail).toContain('timed out');
    expect(sr.state).toBe('Expired');
    expect(clock.liveTimers).toBe(0);
    clock.advance(3600 * S);
    expect(expired).toHaveLength(1);
  });

  it.each([408, 481])('§10 / RFC 3261 §12.2.1.2 the refresh is answered %i → sessionExpired(refresh-failed, 102)', async (status) => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(90));
    clock.advance(45 * S);
    await sent[0]!.answer({ status });
    expect(expired).toMatchObject([{ at: 45 * S, reason: 'refresh-failed', cause: 102 }]);
    expect(expired[0]!.detail).toContain(String(status));
    expect(clock.liveTimers).toBe(0);
  });

  it('§10 only a 2xx moves the expiry: a 500 is not retried and the session ends at its expiration', async () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 500 });
    expect(sr.state).toBe('Lapsing');
    expect(alarms(clock)).toBe(1); // the expiry only
    clock.advance(900 * S - 1);
    expect(expired).toEqual([]);
    clock.advance(1);
    expect(expired).toMatchObject([{ at: 1800 * S, reason: 'refresh-failed', cause: 102 }]);
    expect(sent).toHaveLength(1);
  });

  it('§10 Lapsing: a 2xx elsewhere (the peer refreshes) re-arms and refreshing resumes', async () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 403 });
    clock.advance(100 * S);
    sr.onRefreshReceived(ours(1800));
    expect(sr.state).toBe('Active');
    clock.advance(900 * S);
    expect(sent).toHaveLength(2);
    expect(expired).toEqual([]);
  });

  it('§10 a refresh never answered: the session expiration ends the session (refresh-failed)', () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(1800 * S);
    expect(sent).toHaveLength(1);
    expect(expired).toMatchObject([{ at: 1800 * S, reason: 'refresh-failed', cause: 102 }]);
  });

  it('RFC 3261 §8.1.3.1 a transport error is read as 503: no retry, the expiry stands', async () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ error: 'transport' });
    expect(sr.state).toBe('Lapsing');
    expect(expired).toEqual([]);
    clock.advance(900 * S);
    expect(expired).toMatchObject([{ reason: 'refresh-failed' }]);
  });

  it('RFC 3261 §8.1.3.1 a sendRefresh that throws or rejects is read as a transport error', async () => {
    const throws = harness({
      sendRefresh: () => {
        throw new Error('no route');
      },
    });
    throws.sr.start(ours(1800));
    throws.clock.advance(900 * S);
    await settle();
    expect(throws.sr.state).toBe('Lapsing');

    const rejects = harness({ sendRefresh: () => Promise.reject(new Error('socket closed')) });
    rejects.sr.start(ours(1800));
    rejects.clock.advance(900 * S);
    await settle();
    expect(rejects.sr.state).toBe('Lapsing');
  });

  it('§10 401/407: credentials are the call layer’s; without a 2xx the expiry stands', async () => {
    const { clock, sr, sent } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 407 });
    expect(sr.state).toBe('Lapsing');
  });

  it('a 1xx reported as final is a failure without retry (never a 2xx)', async () => {
    const { clock, sr, sent } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 183 });
    expect(sr.state).toBe('Lapsing');
  });
});

describe('RFC 4028 §10 retries', () => {
  it('§10/§7.4 422 → retried at once with Session-Expires and Min-SE raised to the 422’s Min-SE', async () => {
    const { clock, sr, sent } = harness({ peerAllow: WITH_UPDATE });
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 422, minSE: 3600 });
    expect(sent).toHaveLength(2);
    expect(sent[1]!.at).toBe(900 * S);
    expect(sent[1]!.request).toMatchObject({ method: 'UPDATE', minSE: 3600 });
    expect(sent[1]!.request.sessionExpires).toMatchObject({ deltaSeconds: 3600, refresher: 'uac' });
    expect(sr.state).toBe('Refreshing');
    // The 2xx to the retry re-arms with the new interval; §7.4: Min-SE stays in every later refresh.
    await sent[1]!.answer({ status: 200, sessionExpires: { deltaSeconds: 3600, refresher: 'uac', params: NO_PARAMS } });
    expect(sr.timer).toMatchObject({ interval: 3600, minSE: 3600 });
    clock.advance(1800 * S);
    expect(sent[2]!.request).toMatchObject({ minSE: 3600 });
    expect(sent[2]!.request.sessionExpires.deltaSeconds).toBe(3600);
  });

  it('§10 422 then failure: the session expiration "has not changed"', async () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 422, minSE: 2000 });
    await sent[1]!.answer({ status: 500 });
    clock.advance(900 * S);
    expect(expired).toMatchObject([{ at: 1800 * S, reason: 'refresh-failed' }]);
  });

  it('§7.4 the Min-SE of a 422 goes into later requests on the dialog, also ones Tandem relays', async () => {
    const { clock, sr, sent } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 422, minSE: 1900 });
    await sent[1]!.answer({ status: 500 });
    expect(sr.headersForOwnRequest()).toMatchObject({ minSE: 1900, sessionExpires: { deltaSeconds: 1900, refresher: 'uac' } });
  });

  it('§10 "SHOULD NOT continuously retry ... the same error response": a second 422 is not retried', async () => {
    const { clock, sr, sent } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 422, minSE: 2000 });
    await sent[1]!.answer({ status: 422, minSE: 4000 });
    expect(sent).toHaveLength(2);
    expect(sr.state).toBe('Lapsing');
  });

  it('§6 a 422 without Min-SE is not retried', async () => {
    const { clock, sr, sent } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 422 });
    expect(sent).toHaveLength(1);
    expect(sr.state).toBe('Lapsing');
  });

  it.each([405, 501])('§7.4/§10 an UPDATE refresh answered %i falls back to re-INVITE with SDP, and stays there', async (status) => {
    const { clock, sr, sent } = harness({ peerAllow: WITH_UPDATE });
    sr.start(ours(1800));
    clock.advance(900 * S);
    expect(sent[0]!.request.method).toBe('UPDATE');
    await sent[0]!.answer({ status });
    expect(sent[1]!.request).toMatchObject({ method: 'INVITE', includeSdp: true });
    expect(sent[1]!.request.sessionExpires.refresher).toBe('uac');
    expect(sr.isUpdateRefused).toBe(true);
    await sent[1]!.answer({ status: 200 });
    clock.advance(900 * S);
    expect(sent[2]!.request.method).toBe('INVITE');
  });

  it('§10 with refresh: update a 405 is not turned into a re-INVITE', async () => {
    const { clock, sr, sent } = harness({ settings: { ...SETTINGS, refresh: 'update' } });
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 405 });
    expect(sent).toHaveLength(1);
    expect(sr.state).toBe('Lapsing');
  });
});

describe('RFC 3261 §14.1 491 on a refresh re-INVITE', () => {
  it('§14.1 Call-ID owner (outbound leg): retried after 2.1–4 s, rebuilt then', async () => {
    const { clock, sr, sent } = harness({ role: 'uac', random: () => 0 });
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 491 });
    expect(sr.state).toBe('GlareWait');
    expect(alarms(clock)).toBe(2); // glare + expiry
    clock.advance(2100 - 1);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.request).toMatchObject({ method: 'INVITE', includeSdp: true });
    expect(sr.state).toBe('Refreshing');
    await sent[1]!.answer({ status: 200 });
    expect(sr.state).toBe('Active');
  });

  it('§14.1 not the Call-ID owner (inbound leg): retried after 0–2 s', async () => {
    const { clock, sr, sent } = harness({ role: 'uas', random: () => 0.5 });
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 491 });
    clock.advance(1000 - 1);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent).toHaveLength(2);
  });

  it('§14.1 isCallIdOwner overrides the role default', async () => {
    const { clock, sr, sent } = harness({ role: 'uas', isCallIdOwner: true, random: () => 0.999_999_9 });
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 491 });
    clock.advance(4000 - 1);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    expect(sent).toHaveLength(2);
  });

  it('§14.1 glare wait bounds: 2100–4000 ms (owner) and 0–2000 ms (not), in units of 10 ms', () => {
    for (let i = 0; i <= 1000; i++) {
      const r = () => i / 1000;
      const owner = glareWaitMs(true, r);
      const other = glareWaitMs(false, r);
      expect(owner).toBeGreaterThanOrEqual(2100);
      expect(owner).toBeLessThanOrEqual(4000);
      expect(other).toBeGreaterThanOrEqual(0);
      expect(other).toBeLessThanOrEqual(2000);
      expect(owner % 10).toBe(0);
      expect(other % 10).toBe(0);
    }
    expect(glareWaitMs(true, () => 0)).toBe(2100);
    expect(glareWaitMs(false, () => 0)).toBe(0);
  });

  it('§14.1 the peer’s re-INVITE that caused the glare, once answered 2xx, re-arms and cancels the wait', async () => {
    const { clock, sr, sent } = harness({ random: () => 0.5 });
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 491 });
    sr.onRefreshReceived(ours(1800));
    expect(sr.state).toBe('Active');
    clock.advance(5 * S);
    expect(sent).toHaveLength(1);
    clock.advance(900 * S);
    expect(sent).toHaveLength(2);
  });

  it('§10 a second 491 in a row is not retried', async () => {
    const { clock, sr, sent } = harness({ random: () => 0 });
    sr.start(ours(1800));
    clock.advance(900 * S);
    await sent[0]!.answer({ status: 491 });
    clock.advance(2 * S);
    await sent[1]!.answer({ status: 491 });
    expect(sr.state).toBe('Lapsing');
  });
});

describe('RFC 4028 §10 lifecycle: timers never outlive the dialog', () => {
  it('a refresh answered after close() does nothing', async () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    sr.close();
    expect(clock.liveTimers).toBe(0);
    await sent[0]!.answer({ status: 200, sessionExpires: { deltaSeconds: 1800, refresher: 'uac', params: NO_PARAMS } });
    expect(sr.state).toBe('Closed');
    expect(clock.liveTimers).toBe(0);
    clock.advance(7200 * S);
    expect(sent).toHaveLength(1);
    expect(expired).toEqual([]);
  });

  it('a failure answered after close() does not report expiry', async () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    sr.close();
    await sent[0]!.answer({ status: 481 });
    expect(expired).toEqual([]);
    expect(clock.liveTimers).toBe(0);
  });

  it('an answer to a refresh overtaken by a crossing 2xx is ignored', async () => {
    const { clock, sr, sent, expired } = harness();
    sr.start(ours(1800));
    clock.advance(900 * S);
    sr.onRefreshReceived(ours(1800)); // the peer's UPDATE crossed ours and got our 2xx
    await sent[0]!.answer({ status: 481 });
    expect(sr.state).toBe('Active');
    expect(expired).toEqual([]);
  });

  it.each([
    ['Idle', () => undefined],
    ['Off', (h: ReturnType<typeof harness>) => h.sr.start(null)],
    ['Active (Tandem refreshes)', (h: ReturnType<typeof harness>) => h.sr.start(ours(1800))],
    ['Active (peer refreshes)', (h: ReturnType<typeof harness>) => h.sr.start(theirs(1800))],
    [
      'Refreshing',
      (h: ReturnType<typeof harness>) => {
        h.sr.start(ours(1800));
        h.clock.advance(900 * S);
      },
    ],
    [
      'Expired',
      (h: ReturnType<typeof harness>) => {
        h.sr.start(theirs(90));
        h.clock.advance(60 * S);
      },
    ],
  ] as const)('close() in %s cancels every timer and is idempotent', (state, reach) => {
    const h = harness();
    reach(h);
    expect(h.sr.state).toBe(state.split(' ')[0]);
    h.sr.close();
    expect(h.clock.liveTimers).toBe(0);
    h.sr.close();
    expect(h.sr.closed).toBe(true);
  });

  it('close() in GlareWait and Lapsing cancels every timer', async () => {
    const glare = harness();
    glare.sr.start(ours(1800));
    glare.clock.advance(900 * S);
    await glare.sent[0]!.answer({ status: 491 });
    expect(glare.sr.state).toBe('GlareWait');
    glare.sr.close();
    expect(glare.clock.liveTimers).toBe(0);

    const lapsing = harness();
    lapsing.sr.start(ours(1800));
    lapsing.clock.advance(900 * S);
    await lapsing.sent[0]!.answer({ status: 500 });
    expect(lapsing.sr.state).toBe('Lapsing');
    lapsing.sr.close();
    expect(lapsing.clock.liveTimers).toBe(0);
  });

  it('re-arming on every refresh keeps exactly one timer armed (the refresh while Tandem refreshes, else the expiry)', () => {
    const { clock, sr } = harness();
    sr.start(ours(1800));
    for (let i = 0; i < 10; i++) {
      clock.advance(100 * S);
      sr.onRefreshReceived(ours(1800));
      expect(alarms(clock)).toBe(1);
    }
    sr.onOwnRequestAnswered(theirs(1800));
    expect(alarms(clock)).toBe(1);
  });
});

describe('RFC 4028 §9 no session timer on the leg', () => {
  it('start(null) → Off with no timer; a later 2xx with a timer turns it on, a 2xx without turns it off', () => {
    const { clock, sr, expired } = harness();
    sr.start(null);
    expect(sr.state).toBe('Off');
    expect(sr.timer).toBeNull();
    expect(clock.liveTimers).toBe(0);
    expect(sr.headersForOwnRequest()).toEqual({ supportedTimer: true, sessionExpires: null, minSE: null });
    sr.onRefreshReceived(theirs(90));
    expect(sr.state).toBe('Active');
    expect(alarms(clock)).toBe(1);
    // §9: "If the UAS ... 2xx ... without Session-Expires ... there is no session expiration".
    sr.onOwnRequestAnswered(null);
    expect(sr.state).toBe('Off');
    expect(clock.liveTimers).toBe(0);
    clock.advance(3600 * S);
    expect(expired).toEqual([]);
  });

  it('sessionTimer: off — no timer, no Supported: timer on relayed requests, and a timer is a programmer error', () => {
    const { sr } = harness({ settings: 'off' });
    expect(sr.headersForOwnRequest()).toEqual({ supportedTimer: false, sessionExpires: null, minSE: null });
    let caught: unknown;
    try {
      sr.start(ours(1800));
    } catch (e) {
      caught = e;
    }
    expect(isTandemError(caught) && caught.code).toBe('TANDEM_ERR_INVALID_ARGUMENT');
    sr.onRefreshReceived(null);
    expect(sr.state).toBe('Off');
  });
});

describe('API guards', () => {
  it('start() twice is an InvalidStateError', () => {
    const { sr } = harness();
    sr.start(theirs(1800));
    expect(() => sr.start(theirs(1800))).toThrow(/already started/);
  });

  it('start() and re-arms after close() or expiry are ignored (a 2xx racing the end of the call)', () => {
    const closed = harness();
    closed.sr.close();
    closed.sr.start(ours(1800));
    closed.sr.onRefreshReceived(ours(1800));
    closed.sr.onOwnRequestAnswered(ours(1800));
    expect(closed.sr.state).toBe('Closed');
    expect(closed.clock.liveTimers).toBe(0);

    const expired = harness();
    expired.sr.start(theirs(90));
    expired.clock.advance(60 * S);
    expired.sr.onRefreshReceived(theirs(90));
    expect(expired.sr.state).toBe('Expired');
    expect(expired.clock.liveTimers).toBe(0);
  });

  it('sessionExpired may close() the machine at once (the call layer tears the leg down inside the callback)', () => {
    const holder: { sr?: SessionRefresh } = {};
    const h = harness({ sessionExpired: () => holder.sr?.close() });
    holder.sr = h.sr;
    h.sr.start(theirs(90));
    h.clock.advance(60 * S);
    expect(h.sr.state).toBe('Closed');
    expect(h.clock.liveTimers).toBe(0);
  });

  it('a sessionExpired that throws does not escape the timer', () => {
    const { clock, sr } = harness({
      sessionExpired: () => {
        throw new Error('listener bug');
      },
    });
    sr.start(theirs(90));
    expect(() => clock.advance(60 * S)).not.toThrow();
    expect(sr.state).toBe('Expired');
  });
});
