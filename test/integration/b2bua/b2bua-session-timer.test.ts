/**
 * Session timers on calls (issue 6, RFC 4028): each leg runs the UA rules on its own — UAS toward the caller, UAC
 * toward the callee — on a FakeClock (real sockets, virtual time), so refreshes and expiries are reached in
 * milliseconds and every timer can be counted.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CallSummary } from '../../../src/b2bua/call-state.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import { FakeClock } from '../../support/fake-clock.js';
import { PeerDialog, sdp } from '../../support/sip-peer.js';
import type { Rig } from './b2bua-harness.js';
import { baseConfig, eventually, q850Cause, startRig } from './b2bua-harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const tags = (m: SipRequest | SipResponse, name: 'Supported' | 'Require'): string[] => [...(m.headers.get(name) ?? [])];

/** Lets real socket I/O happen while virtual time stands still. */
const io = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface TimerCall {
  readonly invite: SipRequest;
  readonly ok: SipResponse;
  readonly calleeInvite: SipRequest;
  readonly callerDialog: PeerDialog;
  readonly calleeDialog: PeerDialog;
}

/** INVITE → 200 → ACK through Tandem; the callee answers with `calleeHeaders` (e.g. Session-Expires, Allow). */
async function call(r: Rig, callerHeaders: readonly { name: string; value: string }[], calleeHeaders: readonly { name: string; value: string }[] = []): Promise<TimerCall> {
  const invite = r.caller.invite({ called: '15557654321', body: sdp('caller'), headers: callerHeaders });
  r.caller.send(invite, r.tandem);
  const calleeInvite = await r.callee.request('INVITE');
  r.callee.reply(calleeInvite, 200, { body: sdp('callee'), headers: calleeHeaders });
  const ok = await r.caller.response('INVITE', 200);
  const callerDialog = PeerDialog.asCaller(r.caller, invite, ok);
  r.caller.send(callerDialog.ack(invite.cseq.seq), r.tandem);
  await r.callee.request('ACK');
  return { invite, ok, calleeInvite, callerDialog, calleeDialog: PeerDialog.asCallee(r.callee, calleeInvite) };
}

async function rigWith(clock: FakeClock, trunkExtra: { caller?: object; callee?: object } = {}, ended?: CallSummary[]): Promise<Rig> {
  return startRig({
    clock,
    ...(ended === undefined ? {} : { onCallEnded: (s: CallSummary) => ended.push(s) }),
    config: (ports) => {
      const c = baseConfig(ports) as { trunks: Record<string, object> };
      c.trunks['caller'] = { ...c.trunks['caller'], ...trunkExtra.caller };
      c.trunks['callee'] = { ...c.trunks['callee'], ...trunkExtra.callee };
      return c;
    },
  });
}

describe('negotiation on the initial INVITE (RFC 4028 §9, Table 2)', () => {
  it('422 with Min-SE when Session-Expires is below the trunk minimum and the caller supports timer; nothing reaches the callee', async () => {
    rig = await rigWith(new FakeClock(), { caller: { sessionTimer: { minSE: 300 } } });
    const invite = rig.caller.invite({ called: '15557654321', body: sdp('caller'), headers: [
      { name: 'Supported', value: 'timer' },
      { name: 'Session-Expires', value: '120' },
    ] });
    rig.caller.send(invite, rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(422);
    expect(res.headers.get('Min-SE')).toBe(300);
    expect(res.reason).toMatch(/minimum 300/);
    await rig.callee.quiet((m) => m.kind === 'request', 200, 'INVITE');
  });

  it('without Supported: timer a small Session-Expires is not refused (no 422 allowed): the 2xx has no timer', async () => {
    rig = await rigWith(new FakeClock(), { caller: { sessionTimer: { minSE: 300 } } });
    const c = await call(rig, [{ name: 'Session-Expires', value: '120' }]);
    expect(c.ok.headers.get('Session-Expires')).toBeUndefined();
  });

  it('a caller without timer support: 2xx with Session-Expires: 1800;refresher=uas, no Require: timer (Table 2 row 1); the callee gets Supported: timer and Session-Expires: 1800 without refresher', async () => {
    rig = await rigWith(new FakeClock());
    const c = await call(rig, []);
    expect(c.ok.headers.get('Session-Expires')).toMatchObject({ deltaSeconds: 1800, refresher: 'uas' });
    expect(tags(c.ok, 'Require')).not.toContain('timer');
    expect(tags(c.calleeInvite, 'Supported')).toEqual(expect.arrayContaining(['100rel', 'timer']));
    const se = c.calleeInvite.headers.get('Session-Expires');
    expect(se?.deltaSeconds).toBe(1800);
    expect(se?.refresher).toBeUndefined();
    expect(c.calleeInvite.headers.get('Min-SE')).toBeUndefined();
  });

  it("the caller's refresher=uac is echoed with Require: timer (Table 2 row 5); a caller naming none gets the trunk default (uas)", async () => {
    rig = await rigWith(new FakeClock());
    const c = await call(rig, [
      { name: 'Supported', value: 'timer' },
      { name: 'Session-Expires', value: '600;refresher=uac' },
    ]);
    expect(c.ok.headers.get('Session-Expires')).toMatchObject({ deltaSeconds: 600, refresher: 'uac' });
    expect(tags(c.ok, 'Require')).toContain('timer');
    const d = await call(rig, [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '600' }]);
    expect(d.ok.headers.get('Session-Expires')).toMatchObject({ deltaSeconds: 600, refresher: 'uas' });
  });

  it('a malformed Session-Expires gets 400 with a reason phrase naming it; Require: timer on a trunk with timers off gets 420 Unsupported: timer', async () => {
    rig = await rigWith(new FakeClock(), { callee: { sessionTimer: 'off' } });
    const bad = rig.caller.invite({ called: '15557654321', headers: [{ name: 'Session-Expires', value: 'soon' }] });
    rig.caller.send(bad, rig.tandem);
    const r400 = await rig.caller.final('INVITE');
    expect(r400.status).toBe(400);
    expect(r400.reason).toMatch(/Session-Expires/);
    await rig.close();
    rig = await rigWith(new FakeClock(), { caller: { sessionTimer: 'off' } });
    const req = rig.caller.invite({ called: '15557654321', headers: [{ name: 'Require', value: 'timer' }, { name: 'Supported', value: 'timer' }] });
    rig.caller.send(req, rig.tandem);
    const r420 = await rig.caller.final('INVITE');
    expect(r420.status).toBe(420);
    expect(r420.headers.get('Unsupported')).toEqual(['timer']);
  });

  it('a trunk with sessionTimer off sends no Supported: timer or Session-Expires, and its 2xx carries none', async () => {
    rig = await rigWith(new FakeClock(), { caller: { sessionTimer: 'off' }, callee: { sessionTimer: 'off' } });
    const c = await call(rig, [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '600' }]);
    expect(c.ok.headers.get('Session-Expires')).toBeUndefined();
    expect(tags(c.calleeInvite, 'Supported')).not.toContain('timer');
    expect(c.calleeInvite.headers.get('Session-Expires')).toBeUndefined();
  });

  it('the callee answers 422 Min-SE: 3600: Tandem sends the INVITE again with a new CSeq and branch, Session-Expires and Min-SE 3600; the caller only sees the 200', async () => {
    rig = await rigWith(new FakeClock());
    const invite = rig.caller.invite({ called: '15557654321', body: sdp('caller') });
    rig.caller.send(invite, rig.tandem);
    const first = await rig.callee.request('INVITE');
    rig.callee.reply(first, 422, { headers: [{ name: 'Min-SE', value: '3600' }] });
    await rig.callee.request('ACK');
    const second = await rig.callee.request('INVITE');
    expect(second.cseq.seq).toBe(first.cseq.seq + 1);
    expect(second.branch).not.toBe(first.branch);
    expect(second.callId).toBe(first.callId);
    expect(second.from.tag).toBe(first.from.tag);
    expect(second.headers.get('Session-Expires')?.deltaSeconds).toBe(3600);
    expect(second.headers.get('Min-SE')).toBe(3600);
    expect(second.body.equals(first.body)).toBe(true);
    rig.callee.reply(second, 200, { body: sdp('callee'), headers: [{ name: 'Session-Expires', value: '3600;refresher=uas' }, { name: 'Require', value: 'timer' }] });
    const ok = await rig.caller.response('INVITE', 200);
    expect(rig.caller.count((m) => m.kind === 'response' && m.status === 422)).toBe(0);
    rig.caller.send(PeerDialog.asCaller(rig.caller, invite, ok).ack(invite.cseq.seq), rig.tandem);
    const ack = await rig.callee.request('ACK');
    expect(ack.cseq.seq).toBe(second.cseq.seq);
  });
});

describe('refreshes and expiry on a connected call (RFC 4028 §7.4, §10)', () => {
  it('a caller that promised to refresh (refresher=uac) and never does: at interval − min(32 s, interval/3) both legs get BYE with Reason: Q.850;cause=102; the record says session-timer', async () => {
    const clock = new FakeClock();
    const ended: CallSummary[] = [];
    rig = await rigWith(clock, {}, ended);
    await call(rig, [
      { name: 'Supported', value: 'timer' },
      { name: 'Session-Expires', value: '90;refresher=uac' },
    ]);
    clock.advance(59_000);
    await io();
    expect(rig.caller.count((m) => m.kind === 'request' && m.method === 'BYE')).toBe(0);
    clock.advance(1_000); // 90 − min(32, 30) = 60 s
    const byeCaller = await rig.caller.request('BYE');
    const byeCallee = await rig.callee.request('BYE');
    expect(q850Cause(byeCaller)).toBe(102);
    expect(q850Cause(byeCallee)).toBe(102);
    rig.caller.reply(byeCaller, 200);
    rig.callee.reply(byeCallee, 200);
    await eventually(() => ended.length === 1, 'call ended');
    expect(ended[0]).toMatchObject({ releasedBy: 'tandem', releaseReason: 'session-timer', q850Cause: 102, sessionTimer: { interval: 90, refresher: 'uac' } });
  });

  it("the caller's UPDATE refresh (no body) is answered by Tandem with the timer and moves the expiry; the callee never sees it", async () => {
    const clock = new FakeClock();
    rig = await rigWith(clock);
    const c = await call(rig, [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '90;refresher=uac' }]);
    clock.advance(45_000);
    const upd = c.callerDialog.request('UPDATE', { headers: [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '90;refresher=uac' }] });
    rig.caller.send(upd, rig.tandem);
    const ok = await rig.caller.response('UPDATE', 200);
    expect(ok.headers.get('Session-Expires')).toMatchObject({ deltaSeconds: 90, refresher: 'uac' });
    expect(tags(ok, 'Require')).toContain('timer');
    clock.advance(59_000); // 104 s after the start, 59 s after the refresh: still alive
    await io();
    expect(rig.caller.count((m) => m.kind === 'request' && m.method === 'BYE')).toBe(0);
    expect(rig.callee.count((m) => m.kind === 'request' && m.method === 'UPDATE')).toBe(0);
    clock.advance(1_000);
    await rig.caller.request('BYE');
  });

  it('a callee that knows nothing of timers (2xx without Session-Expires, no UPDATE in Allow): Tandem refreshes it at half the interval by re-INVITE with the same SDP and refresher=uac, ACKs the 2xx; the caller (refresher uas) is refreshed too', async () => {
    const clock = new FakeClock();
    rig = await rigWith(clock);
    const c = await call(rig, [], [{ name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL' }]);
    clock.advance(899_000);
    await io();
    expect(rig.callee.count((m) => m.kind === 'request' && m.method === 'INVITE')).toBe(1); // the initial one only
    clock.advance(1_000);
    const reinvite = await rig.callee.request('INVITE');
    expect(reinvite.headers.get('Session-Expires')).toMatchObject({ deltaSeconds: 1800, refresher: 'uac' });
    expect(tags(reinvite, 'Supported')).toContain('timer');
    expect(reinvite.body.equals(c.calleeInvite.body)).toBe(true); // same SDP, same o= version
    rig.callee.reply(reinvite, 200, { body: sdp('callee') });
    const ack = await rig.callee.request('ACK');
    expect(ack.cseq.seq).toBe(reinvite.cseq.seq);
    // Toward the caller (no Allow in its INVITE: re-INVITE) with the SDP Tandem answered it with.
    const toCaller = await rig.caller.request('INVITE');
    expect(toCaller.headers.get('Session-Expires')).toMatchObject({ deltaSeconds: 1800, refresher: 'uac' });
    expect(toCaller.body.equals(c.ok.body)).toBe(true);
    rig.caller.reply(toCaller, 200, { toTag: c.invite.from.tag!, body: sdp('caller') });
    await rig.caller.request('ACK');
    // The 2xx moved both expiries: no BYE at the old deadline.
    clock.advance(900_000);
    await io();
    expect(rig.callee.count((m) => m.kind === 'request' && m.method === 'BYE')).toBe(0);
  });

  it('a callee that allows UPDATE is refreshed by UPDATE without a body; a 481 to the refresh ends the call with cause 102', async () => {
    const clock = new FakeClock();
    const ended: CallSummary[] = [];
    rig = await rigWith(clock, { callee: { sessionTimer: { expires: 600 } } }, ended);
    await call(rig, [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '1800;refresher=uac' }], [
      { name: 'Allow', value: 'INVITE, ACK, BYE, CANCEL, UPDATE' },
      { name: 'Session-Expires', value: '600;refresher=uac' },
      { name: 'Require', value: 'timer' },
    ]);
    clock.advance(300_000);
    const upd = await rig.callee.request('UPDATE');
    expect(upd.body.length).toBe(0);
    expect(upd.headers.get('Session-Expires')).toMatchObject({ deltaSeconds: 600, refresher: 'uac' });
    rig.callee.reply(upd, 481);
    const bye = await rig.callee.request('BYE');
    expect(q850Cause(bye)).toBe(102);
    expect(q850Cause(await rig.caller.request('BYE'))).toBe(102);
    await eventually(() => ended.length === 1, 'call ended');
    expect(ended[0]?.releaseReason).toBe('session-timer');
  });

  it("glare: the callee's re-INVITE crosses Tandem's refresh re-INVITE — Tandem answers 491; the callee's 491 to the refresh makes Tandem wait 2.1–4 s and refresh again; nothing loops", async () => {
    const clock = new FakeClock();
    rig = await rigWith(clock, { callee: { sessionTimer: { refresh: 'invite' } } });
    const c = await call(rig, [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '1800;refresher=uac' }]);
    clock.advance(900_000);
    const refresh = await rig.callee.request('INVITE');
    const theirs = c.calleeDialog.request('INVITE', { body: sdp('callee', 40_002) });
    rig.callee.send(theirs, rig.tandem);
    const glare = await rig.callee.response('INVITE', 491);
    expect(glare.cseq.seq).toBe(theirs.cseq.seq);
    rig.callee.reply(refresh, 491);
    await rig.callee.request('ACK');
    clock.advance(2_000);
    await io();
    expect(rig.callee.count((m) => m.kind === 'request' && m.method === 'INVITE')).toBe(2); // the initial one and the refresh
    clock.advance(2_000);
    const again = await rig.callee.request('INVITE');
    expect(again.cseq.seq).toBeGreaterThan(refresh.cseq.seq);
    rig.callee.reply(again, 200, { body: sdp('callee') });
    await rig.callee.request('ACK');
    // The callee's own re-INVITE now goes through to the caller.
    const retry = c.calleeDialog.request('INVITE', { body: sdp('callee', 40_002) });
    rig.callee.send(retry, rig.tandem);
    const relayed = await rig.caller.request('INVITE');
    rig.caller.reply(relayed, 200, { toTag: c.invite.from.tag!, body: sdp('caller') });
    await rig.callee.response('INVITE', 200);
  });

  it('no timer outlives its call: after a BYE and the linger of the legs, the clock has no live timer', async () => {
    const clock = new FakeClock();
    const ended: CallSummary[] = [];
    rig = await rigWith(clock, {}, ended);
    const c = await call(rig, [{ name: 'Supported', value: 'timer' }, { name: 'Session-Expires', value: '600' }]);
    expect(clock.liveTimers).toBeGreaterThan(0);
    rig.caller.send(c.callerDialog.request('BYE'), rig.tandem);
    const bye = await rig.callee.request('BYE');
    rig.callee.reply(bye, 200);
    await rig.caller.response('BYE', 200);
    await eventually(() => ended.length === 1, 'call ended');
    // Transactions (Timer J/K, 64·T1 with T1 = 100 ms) and the legs' registry linger (64·T1) run out.
    for (let i = 0; i < 20; i++) {
      clock.advance(1_000);
      await io(5);
    }
    expect(clock.liveTimers).toBe(0);
  });
});
