/**
 * The races SIPp cannot time (brief, issue 3): a CANCEL crossing the callee's 200 (both orders at Tandem), a BYE
 * while a re-INVITE is pending (either direction), and the caller's INVITE retransmitted after Tandem's 2xx. Each
 * order is forced by the script: a peer sends the crossing message only after the other one reached its point.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Rig } from './b2bua-harness.js';
import { connectCall, eventually, sleep, startRig } from './b2bua-harness.js';
import { PeerDialog, sdp } from '../../support/sip-peer.js';
import { sameBranchAs } from '../../support/builders.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('CANCEL crossing 200 (RFC 3261 §9.1, §9.2, §15)', () => {
  it("the callee's 200 reaches Tandem first: the caller's late CANCEL gets 200 and has no effect; the caller ACKs and BYEs; the callee gets ACK then BYE, never CANCEL", async () => {
    rig = await startRig();
    const invite = rig.caller.invite({ called: '1555', body: sdp('caller') });
    rig.caller.send(invite, rig.tandem);
    const ci = await rig.callee.request('INVITE');
    rig.callee.reply(ci, 180);
    await rig.caller.response('INVITE', 180);
    rig.callee.reply(ci, 200, { body: sdp('callee') });
    const ok = await rig.caller.response('INVITE', 200);
    // The CANCEL the caller sent before it saw the 200.
    rig.caller.send(sameBranchAs(invite, 'CANCEL'), rig.tandem);
    // §9.2: "If the UAS has already sent a final response for the INVITE … the CANCEL request has no effect".
    expect((await rig.caller.final('CANCEL')).status).toBe(200);
    await rig.caller.quiet((m) => m.kind === 'response' && m.cseq.method === 'INVITE' && m.status === 487, 200, '487 after a 200');
    const d = PeerDialog.asCaller(rig.caller, invite, ok);
    rig.caller.send(d.ack(invite.cseq.seq), rig.tandem);
    await rig.callee.request('ACK');
    rig.caller.send(d.request('BYE'), rig.tandem);
    const bye = await rig.callee.request('BYE');
    rig.callee.reply(bye, 200);
    expect((await rig.caller.final('BYE')).status).toBe(200);
    expect(rig.callee.count((m) => m.kind === 'request' && m.method === 'CANCEL')).toBe(0);
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'call ended');
  });

  it("the CANCEL reaches Tandem first and the callee's 200 crosses Tandem's CANCEL: the caller gets 487 only; Tandem ACKs and BYEs the callee; the call ends", async () => {
    rig = await startRig();
    const invite = rig.caller.invite({ called: '1555', body: sdp('caller') });
    rig.caller.send(invite, rig.tandem);
    const ci = await rig.callee.request('INVITE');
    rig.callee.reply(ci, 180);
    await rig.caller.response('INVITE', 180);
    rig.caller.send(sameBranchAs(invite, 'CANCEL'), rig.tandem);
    expect((await rig.caller.final('CANCEL')).status).toBe(200);
    expect((await rig.caller.final('INVITE')).status).toBe(487);
    // The callee answered before Tandem's CANCEL arrived: its 200 is on the wire, then the CANCEL comes in.
    const cancel = await rig.callee.request('CANCEL');
    rig.callee.reply(ci, 200, { body: sdp('callee') });
    rig.callee.reply(cancel, 200);
    // §13.2.2.4: the 2xx is ACKed; §15: the unwanted session is ended with BYE.
    const ack = await rig.callee.request('ACK');
    expect(ack.to.tag).toBe('callee-tag');
    const bye = await rig.callee.request('BYE');
    rig.callee.reply(bye, 200);
    await rig.caller.quiet((m) => m.kind === 'response' && m.cseq.method === 'INVITE' && m.status === 200, 300, '200 to a cancelled INVITE');
    // Nothing leaks: the call ends and its admission slot is released.
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'cancelled call ended');
    expect(rig.gw.metrics.value('tandem_calls_ended_total', { status: '487' })).toBe(1);
  });
});

describe('BYE during a re-INVITE (RFC 3261 §14, §15.1.2)', () => {
  it("the caller's re-INVITE is pending at the callee when the caller hangs up: 200 to the BYE and 487 to the re-INVITE at once; the callee gets the BYE, and its crossing 200 to the re-INVITE is ACKed", async () => {
    rig = await startRig();
    const c = await connectCall(rig);
    const reinvite = c.callerDialog.request('INVITE', { body: sdp('caller', 40_002) });
    rig.caller.send(reinvite, rig.tandem);
    const reIn = await rig.callee.request('INVITE');
    rig.caller.send(c.callerDialog.request('BYE'), rig.tandem);
    expect((await rig.caller.final('BYE')).status).toBe(200);
    // §15.1.2: "The UAS MUST still respond to any pending requests received for that dialog. It is RECOMMENDED
    // that a 487 (Request Terminated) response be generated to those pending requests." (well before Timer B)
    expect((await rig.caller.final('INVITE', 1_000)).status).toBe(487);
    const bye = await rig.callee.request('BYE');
    // The callee had answered the re-INVITE before the BYE reached it.
    rig.callee.reply(reIn, 200, { body: sdp('callee', 40_004) });
    rig.callee.reply(bye, 200);
    // §13.2.2.4: "The UAC core MUST generate an ACK request for each 2xx received from the transaction layer".
    const ack = await rig.callee.request('ACK', 2_000);
    expect(ack.cseq.seq).toBe(reIn.cseq.seq);
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'call ended');
  });

  it("the callee's re-INVITE is pending at the caller when the caller hangs up: the callee gets the BYE and the caller's 487 to its re-INVITE; the call ends", async () => {
    rig = await startRig();
    const c = await connectCall(rig);
    rig.callee.send(c.calleeDialog.request('INVITE', { body: sdp('callee', 40_006) }), rig.tandem);
    const reIn = await rig.caller.request('INVITE');
    expect(reIn.callId).toBe(c.invite.callId);
    rig.caller.send(c.callerDialog.request('BYE'), rig.tandem);
    expect((await rig.caller.final('BYE')).status).toBe(200);
    rig.caller.reply(reIn, 487);
    const bye = await rig.callee.request('BYE');
    rig.callee.reply(bye, 200);
    const fin = await rig.callee.final('INVITE');
    expect(fin.status).toBeGreaterThanOrEqual(400);
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'call ended');
  });
});

describe('INVITE retransmitted after the 2xx (RFC 6026 §7.1, RFC 3261 §13.3.1.4)', () => {
  it('is absorbed: no second call, no second INVITE to the callee; the 2xx is retransmitted until the ACK, then the call works', async () => {
    rig = await startRig();
    const invite = rig.caller.invite({ called: '1555', body: sdp('caller') });
    rig.caller.send(invite, rig.tandem);
    const ci = await rig.callee.request('INVITE');
    rig.callee.reply(ci, 200, { body: sdp('callee') });
    const ok = await rig.caller.response('INVITE', 200);
    // The caller's Timer A fires before its 200 arrived: the same INVITE again, twice, and nothing ACKed yet.
    rig.caller.send(invite, rig.tandem);
    await sleep(150);
    rig.caller.send(invite, rig.tandem);
    // §13.3.1.4: the UAS core retransmits the 2xx (T1 = 100 ms, doubling) until the ACK.
    await eventually(() => rig!.caller.count((m) => m.kind === 'response' && m.status === 200 && m.cseq.method === 'INVITE') >= 3, '2xx retransmitted');
    const d = PeerDialog.asCaller(rig.caller, invite, ok);
    rig.caller.send(d.ack(invite.cseq.seq), rig.tandem);
    await rig.callee.request('ACK');
    // And once more after the ACK.
    rig.caller.send(invite, rig.tandem);
    await sleep(300);
    const retransmitted = rig.caller.received.filter((r) => r.message.kind === 'response' && r.message.status === 200);
    for (const r of retransmitted) expect(r.message.kind === 'response' && r.message.to.tag).toBe(ok.to.tag);
    expect(rig.callee.count((m) => m.kind === 'request' && m.method === 'INVITE')).toBe(1);
    expect(rig.gw.b2bua.calls.size).toBe(1);
    expect(rig.gw.metrics.value('tandem_calls_total', { trunk: 'caller' })).toBe(1);
    // The 2xx stopped once ACKed: none in the last 200 ms.
    const last = Math.max(...retransmitted.map((r) => r.at));
    expect(Date.now() - last).toBeGreaterThanOrEqual(200);
    rig.caller.send(d.request('BYE'), rig.tandem);
    rig.callee.reply(await rig.callee.request('BYE'), 200);
    expect((await rig.caller.final('BYE')).status).toBe(200);
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'call ended');
  });
});

describe('2xx retransmitted by the callee (RFC 3261 §13.2.2.4)', () => {
  it('each retransmission of the 2xx gets an ACK with the INVITE CSeq, in the dialog, also after the call ended', async () => {
    rig = await startRig();
    const invite = rig.caller.invite({ called: '1555', body: sdp('caller') });
    rig.caller.send(invite, rig.tandem);
    const ci = await rig.callee.request('INVITE');
    const ok = rig.callee.reply(ci, 200, { body: sdp('callee') });
    const okIn = await rig.caller.response('INVITE', 200);
    const d = PeerDialog.asCaller(rig.caller, invite, okIn);
    rig.caller.send(d.ack(invite.cseq.seq), rig.tandem);
    const first = await rig.callee.request('ACK');
    // The callee did not see the ACK yet: its 2xx again ("generate an ACK request for each 2xx").
    rig.callee.respond(ci, ok);
    const again = await rig.callee.request('ACK');
    for (const ack of [first, again]) {
      expect(ack.cseq).toMatchObject({ seq: ci.cseq.seq, method: 'ACK' });
      expect(ack.callId).toBe(ci.callId);
      expect(ack.to.tag).toBe(ok.to.tag);
      expect(ack.from.tag).toBe(ci.from.tag);
    }
    rig.caller.send(d.request('BYE'), rig.tandem);
    rig.callee.reply(await rig.callee.request('BYE'), 200);
    expect((await rig.caller.final('BYE')).status).toBe(200);
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'call ended');
    // The leg is gone; its stand-in still ACKs the 2xx for 64·T1.
    rig.callee.respond(ci, ok);
    const late = await rig.callee.request('ACK');
    expect(late.cseq).toMatchObject({ seq: ci.cseq.seq, method: 'ACK' });
    expect(late.to.tag).toBe(ok.to.tag);
  });
});
