/**
 * The admin HTTP listener (/healthz, /calls, /metrics, POST /mappings/reload) on an ephemeral loopback port, and
 * the SIGTERM drain that main.ts runs through gateway.drain(ms): new calls refused with 503, calls in progress let
 * end until the deadline, then BYE (with a Q.850 Reason) on both legs of what is left.
 */
import { createSocket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigObject, Rig } from './b2bua-harness.js';
import { baseConfig, connectCall, eventually, q850Cause, startRig } from './b2bua-harness.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const withAdmin = (ports: readonly number[]): ConfigObject => ({ ...baseConfig(ports), admin: { listen: '127.0.0.1:0' } });

async function get(base: string, path: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(3_000) });
  return { status: res.status, text: await res.text() };
}

describe('admin HTTP listener', () => {
  it('/healthz, /calls (calls in progress as JSON), /metrics (calls by state, by trunk and by final status; transaction retransmissions; parse errors), POST /mappings/reload', async () => {
    rig = await startRig({ config: withAdmin });
    const base = rig.admin!;
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse((await get(base, '/healthz')).text)).toEqual({ status: 'ok', calls: 0 });

    const c = await connectCall(rig, { called: '15557654321' });
    const calls = JSON.parse((await get(base, '/calls')).text) as Record<string, unknown>[];
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ state: 'Connected', ingressTrunk: 'caller', egressTrunk: 'callee', called: '15557654321', inboundCallId: c.invite.callId, outboundCallId: c.calleeInvite.callId });
    let metrics = (await get(base, '/metrics')).text;
    expect(metrics).toContain('tandem_calls_by_state{state="Connected"} 1');
    expect(metrics).toContain('tandem_calls_active 1');

    // A datagram that does not parse, and a failed call, then the call ends.
    const junk = createSocket('udp4');
    await new Promise<void>((r) => junk.send(Buffer.from('INVITE this is not SIP\r\n\r\n'), rig!.tandem.port, '127.0.0.1', () => r()));
    junk.close();
    // The caller's BYE, retransmitted once (its Timer E): the retransmission is absorbed and counted.
    const bye = c.callerDialog.request('BYE');
    rig.caller.send(bye, rig.tandem);
    rig.callee.reply(await rig.callee.request('BYE'), 200);
    await rig.caller.final('BYE');
    rig.caller.send(bye, rig.tandem);
    rig.caller.send(rig.caller.invite({ called: '1555' }), rig.tandem);
    rig.callee.reply(await rig.callee.request('INVITE'), 486);
    await rig.caller.final('INVITE');
    await eventually(() => rig!.gw.b2bua.calls.size === 0, 'calls ended');
    await eventually(() => /^tandem_transport_parse_errors_total\{[^}]*\} [1-9]/m.test(rig!.gw.metrics.render()), 'parse error counted');

    metrics = (await get(base, '/metrics')).text;
    expect(metrics).toMatch(/^# TYPE tandem_calls_by_state gauge$/m);
    expect(metrics).toContain('tandem_calls_by_state{state="Connected"} 0');
    expect(metrics).toContain('tandem_calls_total{trunk="caller"} 2');
    expect(metrics).toContain('tandem_calls_ended_total{status="200"} 1');
    expect(metrics).toContain('tandem_calls_ended_total{status="486"} 1');
    expect(metrics).toContain('tandem_calls_by_trunk_total{status="486",trunk="callee"} 1');
    expect(metrics).toMatch(/^tandem_sip_retransmissions_total\{[^}]*\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^tandem_transport_parse_errors_total\{[^}]*\} [1-9]/m);
    expect(metrics).toMatch(/^tandem_transport_messages_in_total\{[^}]*\} [1-9]/m);
    expect(JSON.parse((await get(base, '/calls')).text)).toEqual([]);

    const reload = await fetch(`${base}/mappings/reload`, { method: 'POST', signal: AbortSignal.timeout(3_000) });
    expect(reload.status).toBe(200);
    expect(((await reload.json()) as { ok: boolean }).ok).toBe(true);
    expect((await get(base, '/nothing')).status).toBe(404);
  });
});

describe('SIGTERM drain (gateway.drain, shutdown.drainSeconds)', () => {
  it('refuses new calls with 503 + Retry-After + Q.850 cause 41, and resolves as soon as the last call ends by itself', async () => {
    rig = await startRig({ config: withAdmin });
    const c = await connectCall(rig);
    const started = Date.now();
    let isDrained = false;
    const drained = rig.gw.drain(10_000).then(() => {
      isDrained = true;
    });
    expect(JSON.parse((await get(rig.admin!, '/healthz')).text)).toMatchObject({ status: 'draining', calls: 1 });
    rig.caller.send(rig.caller.invite({ called: '1556' }), rig.tandem);
    const refused = await rig.caller.final('INVITE');
    expect(refused.status).toBe(503);
    expect(refused.headers.has('Retry-After')).toBe(true);
    expect(q850Cause(refused)).toBe(41);
    await rig.callee.quiet((m) => m.kind === 'request' && m.method === 'INVITE', 100, 'a new call while draining');
    expect(isDrained).toBe(false);
    // The call in progress still works, and ends normally.
    rig.caller.send(c.callerDialog.request('BYE'), rig.tandem);
    rig.callee.reply(await rig.callee.request('BYE'), 200);
    await rig.caller.final('BYE');
    await drained;
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('at the deadline, BYEs both legs of every call left, with Reason: Q.850;cause=16, and resolves', async () => {
    rig = await startRig();
    const c = await connectCall(rig);
    const started = Date.now();
    const drained = rig.gw.drain(300);
    const [toCaller, toCallee] = await Promise.all([rig.caller.request('BYE', 2_000), rig.callee.request('BYE', 2_000)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(toCaller.callId).toBe(c.invite.callId);
    expect(toCallee.callId).toBe(c.calleeInvite.callId);
    expect(q850Cause(toCaller)).toBe(16);
    expect(q850Cause(toCallee)).toBe(16);
    rig.caller.reply(toCaller, 200);
    rig.callee.reply(toCallee, 200);
    await drained;
    expect(rig.gw.b2bua.calls.size).toBe(0);
  });

  it('at the deadline, a call still ringing is CANCELled toward the callee and refused toward the caller with 503', async () => {
    rig = await startRig();
    rig.caller.send(rig.caller.invite({ called: '1555' }), rig.tandem);
    const ci = await rig.callee.request('INVITE');
    rig.callee.reply(ci, 180);
    await rig.caller.response('INVITE', 180);
    const drained = rig.gw.drain(200);
    const res = await rig.caller.final('INVITE', 2_000);
    expect(res.status).toBe(503);
    expect(q850Cause(res)).toBe(41);
    const cancel = await rig.callee.request('CANCEL', 2_000);
    rig.callee.reply(cancel, 200);
    rig.callee.reply(ci, 487);
    await drained;
    expect(rig.gw.b2bua.calls.size).toBe(0);
  });
});
