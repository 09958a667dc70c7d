/**
 * Failure statuses toward the caller carry `Reason: Q.850;cause=N` from the mapping tables (RFC 3398 §8.2.6.1,
 * RFC 6432); the callee's own Q.850 Reason wins; a trunk's `causeProfile` picks the table and
 * `rewriteStatusFromCause` rewrites the status from the cause; CANCEL carries its Reason across (RFC 3326).
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigObject, Rig } from './b2bua-harness.js';
import { baseConfig, q850Cause, startRig } from './b2bua-harness.js';
import { sameBranchAs } from '../../support/builders.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const trunkConfig = (caller: ConfigObject, callee: ConfigObject) => (ports: readonly number[]): ConfigObject => {
  const c = baseConfig(ports);
  const trunks = c['trunks'] as Record<string, Record<string, unknown>>;
  trunks['caller'] = { ...trunks['caller'], ...caller };
  trunks['callee'] = { ...trunks['callee'], ...callee };
  return c;
};

/** One call the callee refuses with `status` (and optional Reason); the caller's final response. */
async function refusedWith(r: Rig, status: number, reason?: string) {
  r.caller.send(r.caller.invite({ called: '1555' }), r.tandem);
  const inv = await r.callee.request('INVITE');
  r.callee.reply(inv, status, reason === undefined ? {} : { headers: [{ name: 'Reason', value: reason }] });
  return r.caller.final('INVITE');
}

describe('Reason: Q.850 on failures toward the caller', () => {
  it('486 without Reason → 486 with Reason: Q.850;cause=17 (rfc3398 table); the callee\'s own Q.850 Reason (cause 34) wins over the table', async () => {
    rig = await startRig();
    const plain = await refusedWith(rig, 486);
    expect(plain.status).toBe(486);
    expect(q850Cause(plain)).toBe(17);
    expect(plain.headers.get('Reason')?.filter((x) => x.protocol.toUpperCase() === 'Q.850')).toHaveLength(1);
    const own = await refusedWith(rig, 486, 'Q.850;cause=34;text="No circuit/channel available"');
    expect(own.status).toBe(486);
    expect(q850Cause(own)).toBe(34);
    expect(own.headers.get('Reason')?.filter((x) => x.protocol.toUpperCase() === 'Q.850')).toHaveLength(1);
  });

  it('per-trunk causeProfile: 480 from a q1912.5 trunk maps to cause 20 (rfc3398 would give 18)', async () => {
    rig = await startRig({ config: trunkConfig({}, { causeProfile: 'q1912.5' }) });
    const res = await refusedWith(rig, 480);
    expect(res.status).toBe(480);
    expect(q850Cause(res)).toBe(20);
    await rig.close();
    rig = await startRig();
    expect(q850Cause(await refusedWith(rig, 480))).toBe(18);
  });

  it('rewriteStatusFromCause on the ingress trunk: 486 carrying Q.850 cause 34 reaches the caller as 503 (34 → 503) with cause 34 and Retry-After', async () => {
    rig = await startRig({ config: trunkConfig({ rewriteStatusFromCause: true }, {}) });
    const res = await refusedWith(rig, 486, 'Q.850;cause=34');
    expect(res.status).toBe(503);
    expect(q850Cause(res)).toBe(34);
    expect(res.headers.has('Retry-After')).toBe(true);
  });
});

describe('RFC 3326: CANCEL carries its Reason across legs', () => {
  it("the caller's CANCEL with Reason: Q.850;cause=31 reaches the callee as a CANCEL with the same Reason; the caller gets 487", async () => {
    rig = await startRig();
    const invite = rig.caller.invite({ called: '1555' });
    rig.caller.send(invite, rig.tandem);
    const ci = await rig.callee.request('INVITE');
    rig.callee.reply(ci, 183);
    await rig.caller.response('INVITE', 183);
    const cancel = sameBranchAs(invite, 'CANCEL');
    cancel.headers.setRaw('Reason', 'Q.850;cause=31;text="Normal, unspecified"');
    rig.caller.send(cancel, rig.tandem);
    expect((await rig.caller.final('CANCEL')).status).toBe(200);
    expect((await rig.caller.final('INVITE')).status).toBe(487);
    const out = await rig.callee.request('CANCEL');
    expect(q850Cause(out)).toBe(31);
    expect(out.branch).toBe(ci.branch);
    rig.callee.reply(out, 200);
    rig.callee.reply(ci, 487);
    await rig.callee.request('ACK');
  });
});
