/**
 * Calls through an in-process Tandem between two scripted UDP peers: what crosses from one leg to the other and what
 * must not (topology hiding, header policy, Max-Forwards), the Reason on BYE, and in-dialog requests (INFO and
 * MESSAGE relayed, REFER refused).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { SipMessage } from '../../../src/sip/message.js';
import type { ConfigObject, Rig } from './b2bua-harness.js';
import { baseConfig, connectCall, eventually, q850Cause, startRig } from './b2bua-harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Every header value of a message, lower-cased, for "nothing of the other leg leaks" checks. */
const allText = (m: SipMessage): string => m.headers.fields.map((f) => `${f.name}: ${f.value}`).join('\n').toLowerCase();

describe('topology hiding and header policy (brief: nothing of one leg reaches the other)', () => {
  it('a call connects; Call-ID, tags, Via, Contact, Record-Route and User-Agent/Server of each leg stay on that leg', async () => {
    rig = await startRig();
    const c = await connectCall(rig, {
      headers: [
        { name: 'Record-Route', value: '<sip:edge.caller.invalid;lr>' },
        { name: 'User-Agent', value: 'CallerPBX/1.0' },
      ],
    });
    // The callee's INVITE: a new Call-ID, From tag, branch and Contact; no trace of the caller's topology.
    const ci = c.calleeInvite;
    expect(ci.callId).not.toBe(c.invite.callId);
    expect(ci.from.tag).not.toBe(c.invite.from.tag);
    expect(ci.branch).not.toBe(c.invite.branch);
    expect(ci.headers.get('Via')).toHaveLength(1);
    const calleeSide = allText(ci);
    for (const leak of [c.invite.callId, c.invite.from.tag!, c.invite.branch!, 'edge.caller.invalid', 'callerpbx', `:${String(rig.caller.port)}`]) {
      expect(calleeSide).not.toContain(leak.toLowerCase());
    }
    expect(ci.headers.has('Record-Route')).toBe(false);
    expect(ci.body.toString()).toContain('o=caller');
    // The caller's 200: its own To tag and Tandem's Contact; nothing of the callee (tag, Contact, Server, Call-ID).
    expect(c.ok.to.tag).not.toBe('callee-tag');
    const callerSide = allText(c.ok);
    for (const leak of [ci.callId, 'callee-tag', `:${String(rig.callee.port)}`]) expect(callerSide).not.toContain(leak.toLowerCase());
    expect(c.ok.headers.getRaw('Server')).toBe('Tandem');
    expect(c.ok.body.toString()).toContain('o=callee');
    // BYE from the caller ends both legs.
    rig.caller.send(c.callerDialog.request('BYE'), rig.tandem);
    const bye = await rig.callee.request('BYE');
    rig.callee.reply(bye, 200, { toTag: 'callee-tag' });
    await rig.caller.response('BYE', 200);
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'call ended');
  });

  it('RFC 3261 §16.6 step 3: Max-Forwards arrives at the callee one less than the caller sent', async () => {
    rig = await startRig();
    rig.caller.send(rig.caller.invite({ called: '1555', maxForwards: 9 }), rig.tandem);
    const inv = await rig.callee.request('INVITE');
    expect(inv.headers.get('Max-Forwards')).toBe(8);
    rig.callee.reply(inv, 486);
    await rig.caller.final('INVITE');
  });

  it('RFC 3325: P-Asserted-Identity and Privacy cross only toward a trusted trunk; unknown headers only when listed in passHeaders', async () => {
    rig = await startRig({
      callees: 2,
      config: (ports): ConfigObject => {
        const c = baseConfig(ports);
        const trunks = c['trunks'] as Record<string, Record<string, unknown>>;
        trunks['callee1'] = { ...trunks['callee1'], trusted: true, passHeaders: ['X-Billing'] };
        return { ...c, routes: [{ prefix: '1', trunks: ['callee'] }, { prefix: '2', trunks: ['callee1'] }] };
      },
    });
    const headers = [
      { name: 'P-Asserted-Identity', value: '<sip:+15551230000@caller.invalid>' },
      { name: 'Privacy', value: 'id' },
      { name: 'X-Billing', value: 'acct-7' },
      { name: 'X-Secret', value: 'internal' },
    ];
    // Untrusted trunk `callee`, no passHeaders: none of the four crosses.
    rig.caller.send(rig.caller.invite({ called: '1000', headers }), rig.tandem);
    const a = await rig.callees[0]!.request('INVITE');
    for (const h of ['P-Asserted-Identity', 'Privacy', 'X-Billing', 'X-Secret']) expect(a.headers.has(h)).toBe(false);
    rig.callees[0]!.reply(a, 486);
    await rig.caller.final('INVITE');
    // Trusted trunk `callee1` with passHeaders [X-Billing]: PAI, Privacy and X-Billing cross; X-Secret does not.
    rig.caller.send(rig.caller.invite({ called: '2000', headers }), rig.tandem);
    const b = await rig.callees[1]!.request('INVITE');
    expect(b.headers.getRaw('P-Asserted-Identity')).toBe('<sip:+15551230000@caller.invalid>');
    expect(b.headers.getRaw('Privacy')).toBe('id');
    expect(b.headers.getRaw('X-Billing')).toBe('acct-7');
    expect(b.headers.has('X-Secret')).toBe(false);
    rig.callees[1]!.reply(b, 486);
    await rig.caller.final('INVITE');
  });
});

describe('in-dialog requests', () => {
  it('INFO and MESSAGE are relayed both ways with their bodies and answers; REFER is refused with 403 and not relayed', async () => {
    rig = await startRig();
    const c = await connectCall(rig);
    // INFO caller → callee.
    const info = c.callerDialog.request('INFO', { body: Buffer.from('Signal=5\r\n'), headers: [{ name: 'Content-Type', value: 'application/dtmf-relay' }] });
    info.headers.setRaw('Content-Type', 'application/dtmf-relay');
    rig.caller.send(info, rig.tandem);
    const infoIn = await rig.callee.request('INFO');
    expect(infoIn.body.toString()).toBe('Signal=5\r\n');
    expect(infoIn.headers.getRaw('Content-Type')).toBe('application/dtmf-relay');
    expect(infoIn.callId).toBe(c.calleeInvite.callId);
    rig.callee.reply(infoIn, 200, { toTag: 'callee-tag' });
    await rig.caller.response('INFO', 200);
    // MESSAGE callee → caller.
    const msg = c.calleeDialog.request('MESSAGE', { body: Buffer.from('hello') });
    msg.headers.setRaw('Content-Type', 'text/plain');
    rig.callee.send(msg, rig.tandem);
    const msgIn = await rig.caller.request('MESSAGE');
    expect(msgIn.body.toString()).toBe('hello');
    expect(msgIn.callId).toBe(c.invite.callId);
    rig.caller.reply(msgIn, 202, { toTag: c.invite.from.tag! });
    expect((await rig.callee.response('MESSAGE', (s) => s >= 200)).status).toBe(202);
    // REFER from either side: 403, nothing reaches the other side.
    rig.caller.send(c.callerDialog.request('REFER', { headers: [{ name: 'Refer-To', value: '<sip:evil@attacker.invalid>' }] }), rig.tandem);
    expect((await rig.caller.final('REFER')).status).toBe(403);
    rig.callee.send(c.calleeDialog.request('REFER', { headers: [{ name: 'Refer-To', value: '<sip:evil@attacker.invalid>' }] }), rig.tandem);
    expect((await rig.callee.final('REFER')).status).toBe(403);
    await rig.callee.quiet((m) => m.kind === 'request' && m.method === 'REFER', 300, 'REFER relayed to the callee');
    await rig.caller.quiet((m) => m.kind === 'request' && m.method === 'REFER', 0, 'REFER relayed to the caller');
    expect(rig.gw.b2bua.calls.size).toBe(1);
  });
});

describe('RFC 3326 Reason crosses with BYE', () => {
  it("the callee's BYE with Reason: Q.850;cause=17 reaches the caller with the same Reason, and the call ends", async () => {
    rig = await startRig();
    const c = await connectCall(rig);
    rig.callee.send(c.calleeDialog.request('BYE', { headers: [{ name: 'Reason', value: 'Q.850;cause=17;text="User busy"' }] }), rig.tandem);
    expect((await rig.callee.final('BYE')).status).toBe(200);
    const bye = await rig.caller.request('BYE');
    expect(q850Cause(bye)).toBe(17);
    expect(bye.callId).toBe(c.invite.callId);
    expect(bye.headers.getRaw('User-Agent')).toBe('Tandem');
    rig.caller.reply(bye, 200, { toTag: c.invite.from.tag! });
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'call ended');
  });
});
