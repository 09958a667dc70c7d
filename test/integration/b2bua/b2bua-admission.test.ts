/**
 * What Tandem refuses before a call exists: the trunk ACL (403), Max-Forwards 0 (483), a loop back to itself (482),
 * and the admission limits (503 + Retry-After, with the Q.850 cause of the tables) — concurrent calls and new calls
 * per second, overall and per trunk — without touching calls in progress or keeping anything per refusal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { serializeMessage } from '../../../src/sip/serialize.js';
import { SipPeer, sdp } from '../../support/sip-peer.js';
import type { ConfigObject, Rig } from './b2bua-harness.js';
import { baseConfig, connectCall, eventually, q850Cause, startRig } from './b2bua-harness.js';

let rig: Rig | undefined;
let intruder: SipPeer | undefined;
afterEach(async () => {
  await rig?.close();
  await intruder?.close();
  rig = undefined;
  intruder = undefined;
});

const withLimits = (limits: ConfigObject, trunkLimits: ConfigObject = {}) => (ports: readonly number[]): ConfigObject => {
  const c = baseConfig(ports);
  const trunks = c['trunks'] as Record<string, Record<string, unknown>>;
  trunks['caller'] = { ...trunks['caller'], ...trunkLimits };
  return { ...c, limits: { retryAfter: 7, ...limits } };
};

describe('trunk ACL (brief)', () => {
  it('an INVITE from an address no trunk allows gets 403 and creates no call; the callee sees nothing', async () => {
    rig = await startRig();
    intruder = await SipPeer.open('127.0.0.2');
    intruder.send(intruder.invite({ called: '1555' }), rig.tandem);
    const res = await intruder.final('INVITE');
    expect(res.status).toBe(403);
    expect(rig.gw.b2bua.calls.size).toBe(0);
    expect(rig.gw.metrics.value('tandem_calls_total', { trunk: 'caller' })).toBe(0);
    expect(rig.gw.metrics.value('tandem_calls_refused_total', { reason: 'acl' })).toBe(1);
    await rig.callee.quiet(() => true, 200, 'anything at the callee');
  });
});

describe('Max-Forwards and loops (RFC 3261 §16.3)', () => {
  it('Max-Forwards: 0 is refused with 483 and Reason: Q.850;cause=25; nothing goes to the callee', async () => {
    rig = await startRig();
    rig.caller.send(rig.caller.invite({ called: '1555', maxForwards: 0 }), rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(483);
    expect(q850Cause(res)).toBe(25);
    await rig.callee.quiet(() => true, 200, 'anything at the callee');
  });

  it('an INVITE that comes back carrying the Via branch of our own outbound INVITE is refused with 482; the caller gets 482 with cause 25', async () => {
    rig = await startRig();
    rig.caller.send(rig.caller.invite({ called: '1555' }), rig.tandem);
    // The "callee" is a misconfigured proxy that routes the call straight back to Tandem (§16.6: it adds its Via).
    const looped = await rig.callee.request('INVITE');
    rig.callee.reply(looped, 100);
    const back = looped.clone();
    back.headers.set('Max-Forwards', (looped.headers.get('Max-Forwards') ?? 70) - 1);
    const proxy = await SipPeer.open();
    try {
      // The proxy's own socket sends it (its responses come back there), as a proxy in the path would.
      back.headers.set('Via', [{ protocol: 'SIP/2.0', transport: 'UDP', host: '127.0.0.1', port: proxy.port, branch: 'z9hG4bK-proxy-1', params: [] }, ...looped.headers.require('Via')]);
      proxy.send(back, rig.tandem);
      const refused = await proxy.final('INVITE');
      expect(refused.status).toBe(482);
      expect(q850Cause(refused)).toBe(25);
      // The proxy relays the 482 upstream: the caller gets 482 with its cause.
      rig.callee.reply(looped, 482);
      const res = await rig.caller.final('INVITE');
      expect(res.status).toBe(482);
      expect(q850Cause(res)).toBe(25);
      expect(serializeMessage(res).toString()).not.toContain('proxy-1');
    } finally {
      await proxy.close();
    }
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'calls ended');
  });
});

describe('admission (brief: 503 with Retry-After, nothing slowed, nothing kept)', () => {
  it('limits.maxCalls: the call over the limit gets 503, Retry-After and Q.850 cause 42; the call in progress goes on; the slot frees when it ends', async () => {
    rig = await startRig({ config: withLimits({ maxCalls: 1 }) });
    const c = await connectCall(rig);
    rig.caller.send(rig.caller.invite({ called: '1556' }), rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(503);
    expect(res.headers.get('Retry-After')?.seconds).toBe(7);
    expect(q850Cause(res)).toBe(42);
    expect(rig.gw.b2bua.calls.size).toBe(1);
    // The call in progress still works (INFO relayed).
    rig.caller.send(c.callerDialog.request('INFO'), rig.tandem);
    rig.callee.reply(await rig.callee.request('INFO'), 200);
    expect((await rig.caller.final('INFO')).status).toBe(200);
    rig.caller.send(c.callerDialog.request('BYE'), rig.tandem);
    rig.callee.reply(await rig.callee.request('BYE'), 200);
    await rig.caller.final('BYE');
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'first call ended');
    // The slot is free again.
    rig.caller.send(rig.caller.invite({ called: '1557' }), rig.tandem);
    const again = await rig.callee.request('INVITE');
    rig.callee.reply(again, 486);
    expect((await rig.caller.final('INVITE')).status).toBe(486);
  });

  it('per-trunk maxCalls on the ingress trunk refuses the second concurrent call with 503', async () => {
    rig = await startRig({ config: withLimits({}, { maxCalls: 1 }) });
    await connectCall(rig);
    rig.caller.send(rig.caller.invite({ called: '1556' }), rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(503);
    expect(res.headers.has('Retry-After')).toBe(true);
  });

  it('per-trunk maxCalls on the egress trunk: the route skips the full trunk and tries the next one', async () => {
    rig = await startRig({
      callees: 2,
      config: (ports): ConfigObject => {
        const c = baseConfig(ports);
        const trunks = c['trunks'] as Record<string, Record<string, unknown>>;
        trunks['callee'] = { ...trunks['callee'], maxCalls: 1 };
        return { ...c, routes: [{ prefix: '', trunks: ['callee', 'callee1'] }] };
      },
    });
    await connectCall(rig);
    rig.caller.send(rig.caller.invite({ called: '1556' }), rig.tandem);
    const second = await rig.callees[1]!.request('INVITE');
    rig.callees[1]!.reply(second, 486);
    expect((await rig.caller.final('INVITE')).status).toBe(486);
    await rig.callees[0]!.quiet((m) => m.kind === 'request' && m.method === 'INVITE', 100, 'a second INVITE to the full trunk');
  });

  it('callsPerSecond (overall and per trunk): a burst over the rate gets 503s at once; the admitted calls are untouched; memory does not grow per refusal', async () => {
    rig = await startRig({ config: withLimits({ callsPerSecond: 1_000 }, { callsPerSecond: 2 }) });
    // The callee answers every INVITE with 486 at once.
    const burst = 40;
    const invites = Array.from({ length: burst }, (_, i) => rig!.caller.invite({ called: `1555${String(i)}`, body: sdp('caller') }));
    const answered = (async () => {
      for (let i = 0; i < 2; i++) rig!.callee.reply(await rig!.callee.request('INVITE'), 486);
    })();
    for (const inv of invites) rig.caller.send(inv, rig.tandem);
    const finals = await Promise.all(invites.map(() => rig!.caller.final('INVITE', 5_000)));
    await answered;
    const statuses = finals.map((r) => r.status).sort();
    // The bucket holds max(1, rate) = 2 tokens: two calls through, the rest refused.
    expect(statuses.filter((s) => s === 486)).toHaveLength(2);
    expect(statuses.filter((s) => s === 503)).toHaveLength(burst - 2);
    for (const r of finals.filter((x) => x.status === 503)) {
      expect(r.headers.get('Retry-After')?.seconds).toBe(7);
      expect(q850Cause(r)).toBe(42);
    }
    expect(rig.gw.metrics.value('tandem_calls_refused_total', { reason: 'admission-limit' })).toBe(burst - 2);
    // No call object, dialog or leg was kept for a refusal.
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'calls ended');
    await rig.callee.quiet((m) => m.kind === 'request' && m.method === 'INVITE', 100, 'a refused call at the callee');
  });
});

describe('overload (limits.maxInputDelay: new calls shed while received input waits too long)', () => {
  it('a burst that keeps the UDP input backlogged past the limit: the INVITEs read late get 503 (overloaded), Retry-After and cause 42; those admitted complete; nothing is left behind', async () => {
    // 1 ms: the probe sent after the first full read of the burst is older than that by the second, whatever this
    // machine's speed.
    rig = await startRig({ config: withLimits({ maxInputDelay: 1 }) });
    const burst = 120;
    const invites = Array.from({ length: burst }, (_, i) => rig!.caller.invite({ called: `1666${String(i)}`, body: sdp('caller') }));
    let atCallee = 0;
    const answering = (async () => {
      for (;;) {
        const inv = await rig!.callee.request('INVITE', 1_500).catch(() => undefined);
        if (inv === undefined) return;
        atCallee++;
        rig!.callee.reply(inv, 486);
      }
    })();
    // Every INVITE is in Tandem's socket before it reads one: more than three full reads (32 datagrams each).
    for (const inv of invites) rig.caller.send(inv, rig.tandem);
    const finals = await Promise.all(invites.map(() => rig!.caller.final('INVITE', 10_000)));
    await answering;
    const shed = finals.filter((r) => r.status === 503);
    expect(finals.every((r) => r.status === 503 || r.status === 486)).toBe(true);
    expect(shed.length).toBeGreaterThan(0);
    // The first read is handled before any backlog is seen: those calls go through.
    expect(atCallee).toBeGreaterThan(0);
    expect(atCallee + shed.length).toBe(burst);
    for (const r of shed) {
      expect(r.reason).toMatch(/^Service Unavailable \(overloaded: input waiting \d+ ms\)$/);
      expect(r.headers.get('Retry-After')?.seconds).toBe(7);
      expect(q850Cause(r)).toBe(42);
    }
    expect(rig.gw.metrics.value('tandem_calls_refused_total', { reason: 'overload' })).toBe(shed.length);
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'calls ended');
    // The backlog is over: a new call goes through.
    rig.caller.send(rig.caller.invite({ called: '16669999' }), rig.tandem);
    rig.callee.reply(await rig.callee.request('INVITE'), 486);
    expect((await rig.caller.final('INVITE')).status).toBe(486);
  });

  it('limits.maxInputDelay: 0 turns the check off: the same burst is admitted whole', async () => {
    rig = await startRig({ config: withLimits({ maxInputDelay: 0 }) });
    const burst = 120;
    const invites = Array.from({ length: burst }, (_, i) => rig!.caller.invite({ called: `1777${String(i)}`, body: sdp('caller') }));
    const answering = (async () => {
      for (let i = 0; i < burst; i++) rig!.callee.reply(await rig!.callee.request('INVITE', 5_000), 486);
    })();
    for (const inv of invites) rig.caller.send(inv, rig.tandem);
    const finals = await Promise.all(invites.map(() => rig!.caller.final('INVITE', 10_000)));
    await answering;
    expect(finals.filter((r) => r.status === 486)).toHaveLength(burst);
    expect(rig.gw.metrics.value('tandem_calls_refused_total', { reason: 'overload' })).toBe(0);
  });
});
