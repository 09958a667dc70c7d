/**
 * Routing (brief, issue 3): the longest prefix of the called number picks the route; its trunks are tried in order,
 * advancing on timeout, transport failure and the `routing.advanceOn` statuses; OPTIONS pings take a trunk that stops
 * answering out of routing until it answers again. Timer B is 64·T1 (T1 = 50 ms here: 3.2 s).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { SipMessage, SipRequest } from '../../../src/sip/message.js';
import type { SipPeer } from '../../support/sip-peer.js';
import type { ConfigObject, Rig } from './b2bua-harness.js';
import { baseConfig, eventually, q850Cause, sleep, startRig } from './b2bua-harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const config = (over: (c: ConfigObject, trunks: Record<string, Record<string, unknown>>) => ConfigObject) => (ports: readonly number[]): ConfigObject => {
  const c = baseConfig(ports);
  return over(c, c['trunks'] as Record<string, Record<string, unknown>>);
};

/** Calls `called`; the callee that gets the INVITE answers `status`; resolves with which callee and the caller's final. */
async function callAndAnswer(r: Rig, called: string, status: number): Promise<{ at: number; final: number }> {
  r.caller.send(r.caller.invite({ called }), r.tandem);
  const isInvite = (m: SipMessage): boolean => m.kind === 'request' && m.method === 'INVITE';
  let got: { i: number; inv: SipRequest } | undefined;
  await eventually(() => {
    r.callees.forEach((p, i) => {
      const m = got === undefined ? p.take(isInvite) : undefined;
      if (m !== undefined) got = { i, inv: m as SipRequest };
    });
    return got !== undefined;
  }, `INVITE for ${called} at a callee`);
  r.callees[got!.i]!.reply(got!.inv, status);
  return { at: got!.i, final: (await r.caller.final('INVITE')).status };
}

describe('longest-prefix routing', () => {
  it('picks the route with the longest matching prefix; no match → 404 with Q.850 cause 3', async () => {
    rig = await startRig({
      callees: 3,
      config: config((c) => ({
        ...c,
        routes: [
          { prefix: '1', trunks: ['callee'] },
          { prefix: '1555', trunks: ['callee1'] },
          { prefix: '15551', trunks: ['callee2'] },
        ],
      })),
    });
    expect(await callAndAnswer(rig, '15559999', 486)).toEqual({ at: 1, final: 486 });
    expect(await callAndAnswer(rig, '15551000', 486)).toEqual({ at: 2, final: 486 });
    expect(await callAndAnswer(rig, '1999', 486)).toEqual({ at: 0, final: 486 });
    rig.caller.send(rig.caller.invite({ called: '2000' }), rig.tandem);
    const res = await rig.caller.final('INVITE');
    expect(res.status).toBe(404);
    expect(q850Cause(res)).toBe(3);
  });
});

describe('hunting through a route', () => {
  it('advances on 503 (default advanceOn) but not on 480; with advanceOn [480] it advances on 480 too', async () => {
    rig = await startRig({ callees: 2, config: config((c) => ({ ...c, routes: [{ prefix: '', trunks: ['callee', 'callee1'] }] })) });
    rig.caller.send(rig.caller.invite({ called: '1555' }), rig.tandem);
    rig.callees[0]!.reply(await rig.callees[0]!.request('INVITE'), 503);
    const next = await rig.callees[1]!.request('INVITE');
    rig.callees[1]!.reply(next, 486);
    expect((await rig.caller.final('INVITE')).status).toBe(486);

    rig.caller.send(rig.caller.invite({ called: '1555' }), rig.tandem);
    rig.callees[0]!.reply(await rig.callees[0]!.request('INVITE'), 480);
    expect((await rig.caller.final('INVITE')).status).toBe(480);
    await rig.callees[1]!.quiet((m) => m.kind === 'request' && m.method === 'INVITE', 100, 'advance on 480');
    await rig.close();

    rig = await startRig({
      callees: 2,
      config: config((c) => ({ ...c, routing: { optionsInterval: 0, advanceOn: [480] }, routes: [{ prefix: '', trunks: ['callee', 'callee1'] }] })),
    });
    rig.caller.send(rig.caller.invite({ called: '1555' }), rig.tandem);
    rig.callees[0]!.reply(await rig.callees[0]!.request('INVITE'), 480);
    rig.callees[1]!.reply(await rig.callees[1]!.request('INVITE'), 486);
    expect((await rig.caller.final('INVITE')).status).toBe(486);
  });

  it('advances on timeout (Timer B, no answer at all) and on a transport failure (nothing listening)', async () => {
    // A TCP port with nothing listening: the connection is refused, a transport failure (RFC 3261 §18.4).
    const hole = createServer();
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', () => r()));
    const deadPort = (hole.address() as AddressInfo).port;
    await new Promise<void>((r) => hole.close(() => r()));
    rig = await startRig({
      callees: 2,
      config: config((c, trunks) => {
        trunks['dead'] = { to: `sip:127.0.0.1:${String(deadPort)};transport=tcp`, ping: false };
        return { ...c, listen: ['udp://127.0.0.1:0', 'tcp://127.0.0.1:0'], sip: { t1: 50, t2: 500, t4: 500 }, routes: [{ prefix: '', trunks: ['dead', 'callee', 'callee1'] }] };
      }),
    });
    const started = Date.now();
    rig.caller.send(rig.caller.invite({ called: '1555' }), rig.tandem);
    // `callee` swallows the INVITE (never answers): Timer B, then `callee1`.
    await rig.callees[0]!.request('INVITE', 1_000);
    // The refused connection advanced at once, well before any timer.
    expect(Date.now() - started).toBeLessThan(1_000);
    const last = await rig.callees[1]!.request('INVITE', 8_000);
    rig.callees[1]!.reply(last, 200);
    const ok = await rig.caller.final('INVITE', 2_000);
    expect(ok.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(8_000);
    expect(rig.callees[0]!.count((m) => m.kind === 'request' && m.method === 'CANCEL')).toBeLessThanOrEqual(1);
  });
});

/** Answers OPTIONS with 200 while `alive()` holds (a trunk that pings back). */
function answerOptions(peer: SipPeer, alive: () => boolean, stop: () => boolean): Promise<void> {
  return (async () => {
    while (!stop()) {
      const o = await peer.request('OPTIONS', 200).catch(() => undefined);
      if (o !== undefined && alive()) peer.reply(o, 200);
    }
  })();
}

describe('OPTIONS pings toward `to` trunks', () => {
  it('a trunk that stops answering is skipped by routing until it answers again; a trunk with ping: false is never pinged', async () => {
    rig = await startRig({
      callees: 3,
      config: config((c, trunks) => {
        trunks['callee'] = { ...trunks['callee'], ping: true };
        trunks['callee1'] = { ...trunks['callee1'], ping: true };
        return {
          ...c,
          sip: { t1: 50, t2: 500, t4: 500 },
          routing: { optionsInterval: 1, optionsFailures: 1 },
          routes: [{ prefix: '', trunks: ['callee', 'callee1'] }],
        };
      }),
    });
    let isAlive = false;
    let isDone = false;
    const r = rig;
    const loops = [answerOptions(r.callees[0]!, () => isAlive, () => isDone), answerOptions(r.callees[1]!, () => true, () => isDone)];
    try {
      // `callee` does not answer its pings: after one unanswered ping (Timer F, 3.2 s) it is down.
      const up = (trunk: string): string | undefined => new RegExp(`^tandem_trunk_up\\{trunk="${trunk}"\\} (\\d)$`, 'm').exec(r.gw.metrics.render())?.[1];
      await eventually(() => up('callee') === '0' && up('callee1') === '1', 'callee down', 7_000);
      r.callees[0]!.drain();
      expect(await callAndAnswer(r, '1555', 486)).toEqual({ at: 1, final: 486 });
      // It answers again: back in routing after the next ping.
      isAlive = true;
      await eventually(() => up('callee') === '1', 'callee up again', 4_000);
      expect(await callAndAnswer(r, '1555', 486)).toEqual({ at: 0, final: 486 });
      expect(r.callees[2]!.count((m) => m.kind === 'request' && m.method === 'OPTIONS')).toBe(0);
      expect(r.callees[1]!.count((m) => m.kind === 'request' && m.method === 'OPTIONS')).toBeGreaterThan(0);
    } finally {
      isDone = true;
      await Promise.all(loops);
    }
    await sleep(0);
  });
});
