/**
 * Issue 6, media authorization inside the dialog (RFC 3313 §5): on a trunk in `require` mode not only the INVITE but
 * every offer the trunk sends later — in a re-INVITE, UPDATE or PRACK — needs a valid token; a refused one gets 403
 * with a Warning saying why and never reaches the other leg. Tokens never cross legs.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { issueToken, parseKey } from '../../../src/policy/media-authorization.js';
import { sdp } from '../../support/sip-peer.js';
import type { Rig } from './b2bua-harness.js';
import { baseConfig, connectCall, sleep, startRig } from './b2bua-harness.js';

const KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const CALLED = '15557654321';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const token = (): string => issueToken({ key: parseKey(KEY), called: CALLED, ttlSeconds: 300, now: Date.now() });

describe('media authorization on offers inside the dialog (RFC 3313 §5)', () => {
  it('a re-INVITE or UPDATE with an offer and no valid token from a require trunk gets 403 + Warning; with a token it is relayed without it', async () => {
    rig = await startRig({
      config: (ports) => {
        const c = baseConfig(ports) as { trunks: Record<string, object> };
        c.trunks['caller'] = { ...c.trunks['caller'], mediaAuthorization: { mode: 'require', key: KEY } };
        return c;
      },
    });
    const c = await connectCall(rig, { called: CALLED, headers: [{ name: 'P-Media-Authorization', value: token() }] });
    expect(c.calleeInvite.headers.getRaw('P-Media-Authorization')).toBeUndefined();

    const bare = c.callerDialog.request('INVITE', { body: sdp('caller', 40_010) });
    rig.caller.send(bare, rig.tandem);
    const refused = await rig.caller.final('INVITE');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('Warning')?.[0]?.text).toMatch(/missing/i);
    rig.caller.send(c.callerDialog.ack(bare.cseq.seq), rig.tandem);

    const forged = c.callerDialog.request('UPDATE', {
      body: sdp('caller', 40_012),
      headers: [{ name: 'P-Media-Authorization', value: issueToken({ key: parseKey('0123456789abcdef0123456789abcdef'), called: CALLED, ttlSeconds: 300, now: Date.now() }) }],
    });
    rig.caller.send(forged, rig.tandem);
    const r403 = await rig.caller.response('UPDATE', 403);
    expect(r403.headers.get('Warning')?.[0]?.text).toMatch(/forged/i);
    await sleep(100);
    expect(rig.callee.count((m) => m.kind === 'request' && (m.method === 'INVITE' || m.method === 'UPDATE'))).toBe(1);

    const good = c.callerDialog.request('UPDATE', { body: sdp('caller', 40_014), headers: [{ name: 'P-Media-Authorization', value: token() }] });
    rig.caller.send(good, rig.tandem);
    const relayed = await rig.callee.request('UPDATE');
    expect(relayed.headers.getRaw('P-Media-Authorization')).toBeUndefined();
    rig.callee.reply(relayed, 200, { body: sdp('callee') });
    await rig.caller.response('UPDATE', 200);

    // An UPDATE without an offer (a session refresh) needs no token.
    rig.caller.send(c.callerDialog.request('UPDATE'), rig.tandem);
    await rig.caller.response('UPDATE', 200);
  });
});
