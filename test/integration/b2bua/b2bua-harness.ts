/**
 * The in-process B2BUA rig: a gateway built by createGateway on 127.0.0.1 (ephemeral UDP port, short SIP timers)
 * with scripted peers (test/support/sip-peer.ts) as caller and callees. Configurations are plain objects written
 * as JSON (valid YAML) and loaded through the real loader, so every default and check of src/config applies.
 */
import { loadConfigText } from '../../../src/config/load.js';
import type { CallSummary } from '../../../src/b2bua/call-state.js';
import type { Gateway } from '../../../src/gateway.js';
import { createGateway } from '../../../src/gateway.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { Clock } from '../../../src/util/clock.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import type { Address } from '../../support/sip-peer.js';
import { PeerDialog, SipPeer, sdp } from '../../support/sip-peer.js';

export type ConfigObject = Record<string, unknown>;

export interface Rig {
  readonly gw: Gateway;
  readonly caller: SipPeer;
  /** callees[i] is trunk `callee` (i = 0) or `callee<i>` (i ≥ 1). */
  readonly callees: readonly SipPeer[];
  readonly callee: SipPeer;
  /** Tandem's UDP listening point. */
  readonly tandem: Address;
  /** Base URL of the admin listener when on. */
  readonly admin: string | undefined;
  close(): Promise<void>;
}

export interface RigOptions {
  readonly callees?: number;
  /** Builds the configuration from the callee peers' ports; default {@link baseConfig}. */
  readonly config?: (calleePorts: readonly number[]) => ConfigObject;
  /** Every ended call's summary (what the CDR is built from). */
  readonly onCallEnded?: (summary: CallSummary) => void;
  /** The gateway's clock (default the system clock): a FakeClock drives session timers in tests. */
  readonly clock?: Clock;
}

/** Short timers (T1 100 ms: Timer B/F/H = 6.4 s), caller trunk 127.0.0.1/32, every number to trunk `callee`. */
export function baseConfig(calleePorts: readonly number[]): ConfigObject {
  const trunks: Record<string, unknown> = { caller: { from: ['127.0.0.1/32'] } };
  calleePorts.forEach((p, i) => {
    trunks[i === 0 ? 'callee' : `callee${String(i)}`] = { to: `sip:127.0.0.1:${String(p)}`, ping: false };
  });
  return {
    listen: ['udp://127.0.0.1:0'],
    sip: { t1: 100, t2: 500, t4: 500 },
    trunks,
    routes: [{ prefix: '', trunks: ['callee'] }],
    routing: { optionsInterval: 0 },
    admin: { listen: 'off' },
    log: { level: 'silent' },
  };
}

export async function startRig(opts: RigOptions = {}): Promise<Rig> {
  const caller = await SipPeer.open();
  const callees: SipPeer[] = [];
  for (let i = 0; i < (opts.callees ?? 1); i++) callees.push(await SipPeer.open());
  const cfg = (opts.config ?? baseConfig)(callees.map((c) => c.port));
  const gw = await createGateway({
    config: loadConfigText(JSON.stringify(cfg), 'b2bua-test'),
    logger: silentLogger(),
    ...(opts.clock === undefined ? {} : { clock: opts.clock }),
    ...(opts.onCallEnded === undefined ? {} : { onCallEnded: opts.onCallEnded }),
  });
  const lp = gw.listeningPoints.find((p) => p.protocol === 'udp')!;
  let closing: Promise<void> | undefined;
  return {
    gw,
    caller,
    callees,
    callee: callees[0]!,
    tandem: { address: lp.address, port: lp.port },
    admin: gw.admin === undefined ? undefined : `http://${gw.admin.host}:${String(gw.admin.port)}`,
    close() {
      closing ??= (async () => {
        await gw.close();
        await Promise.all([caller.close(), ...callees.map((c) => c.close())]);
      })();
      return closing;
    },
  };
}

/** A connected call as both peers see it. */
export interface Connected {
  /** The caller's INVITE and the callee's copy of it. */
  readonly invite: SipRequest;
  readonly calleeInvite: SipRequest;
  /** The 200 the caller got. */
  readonly ok: SipResponse;
  readonly callerDialog: PeerDialog;
  readonly calleeDialog: PeerDialog;
}

/**
 * INVITE (with an offer) → 180 → 200 (answer) → ACK on both legs. `headers` go on the caller's INVITE; `callee`
 * picks the callee peer (default the first).
 */
export async function connectCall(rig: Rig, opts: { called?: string; headers?: readonly { name: string; value: string }[]; callee?: SipPeer } = {}): Promise<Connected> {
  const callee = opts.callee ?? rig.callee;
  const invite = rig.caller.invite({ called: opts.called ?? '15557654321', body: sdp('caller'), ...(opts.headers === undefined ? {} : { headers: opts.headers }) });
  rig.caller.send(invite, rig.tandem);
  const calleeInvite = await callee.request('INVITE');
  callee.reply(calleeInvite, 180);
  await rig.caller.response('INVITE', 180);
  callee.reply(calleeInvite, 200, { body: sdp('callee') });
  const ok = await rig.caller.response('INVITE', 200);
  const callerDialog = PeerDialog.asCaller(rig.caller, invite, ok);
  rig.caller.send(callerDialog.ack(invite.cseq.seq), rig.tandem);
  await callee.request('ACK');
  return { invite, calleeInvite, ok, callerDialog, calleeDialog: PeerDialog.asCallee(callee, calleeInvite) };
}

/** Polls `predicate` every 10 ms until it holds, or rejects after `ms`. */
export async function eventually(predicate: () => boolean, what: string, ms = 3_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`not within ${String(ms)} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** The Q.850 cause of a message's Reason header, if any. */
export function q850Cause(m: SipRequest | SipResponse): number | undefined {
  return m.headers.get('Reason')?.find((r) => r.protocol.toUpperCase() === 'Q.850')?.cause;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
