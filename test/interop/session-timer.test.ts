/**
 * Issue 6, session timers (RFC 4028) through `tandem run` with SIPp on both sides: 422 and the retry on each leg, a
 * caller that promises to refresh and never does (BYE on both legs with Reason: Q.850;cause=102), a callee that knows
 * nothing of timers (refreshed by re-INVITE with the same SDP), refresh by UPDATE without a body, and glare between
 * Tandem's refresh re-INVITE and the callee's re-INVITE (491 both ways, retry after 2.1–4 s). The checks are in the
 * scenarios (test/interop/sipp/uac-st-*.xml and uas-st-*.xml, listed in the README there), timing included.
 *
 * Intervals are 90 s (the RFC 4028 minimum), so refreshes come at 45 s and expiries at 60 s. To keep the file near a
 * minute the five scenarios run concurrently against one Tandem: each caller SIPp binds its own loopback address
 * (127.0.0.2 … 127.0.0.6), which selects its own ingress trunk (`from: [127.0.0.N/32]`) with its own sessionTimer;
 * each calls its own number prefix (40281 … 40285), which routes to its own egress trunk toward its own callee SIPp.
 * Scenarios about the callee leg give the ingress trunk `expires: 3600`, so no refresh on the caller leg (at 1800 s)
 * interferes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLER_CALL_ID, describeRun, scenarioPath, significantErrors } from '../support/sipp-scenarios.js';
import { freePort, startSipp } from '../support/sipp.js';
import type { SippProcess, SippResult } from '../support/sipp.js';
import { startTandem } from '../support/tandem-process.js';
import type { TandemProcess } from '../support/tandem-process.js';

interface Scenario {
  /** Pair name: uac-st-<pair>.xml / uas-st-<pair>.xml. */
  readonly pair: string;
  /** Loopback address the caller SIPp binds: selects the ingress trunk. */
  readonly callerAddress: string;
  /** Called-number prefix the caller dials (the scenario's Request-URI): selects the egress trunk. */
  readonly prefix: string;
  /** `sessionTimer` of the ingress (caller) trunk, YAML flow style. */
  readonly ingressTimer: string;
  /** `sessionTimer` of the egress (callee) trunk, YAML flow style. */
  readonly egressTimer: string;
  /** The caller's whole run, seconds (SIPp -timeout). */
  readonly callerSeconds: number;
}

const SCENARIOS = {
  retry422: {
    pair: '422',
    callerAddress: '127.0.0.2',
    prefix: '40281',
    ingressTimer: '{ expires: 1800, minSE: 90 }',
    egressTimer: '{ expires: 90 }',
    callerSeconds: 20,
  },
  expiry: {
    pair: 'expiry',
    callerAddress: '127.0.0.3',
    prefix: '40282',
    ingressTimer: '{ expires: 1800, minSE: 90 }',
    egressTimer: '{ expires: 1800 }',
    callerSeconds: 85,
  },
  reinvite: {
    pair: 'reinvite',
    callerAddress: '127.0.0.4',
    prefix: '40283',
    ingressTimer: '{ expires: 3600 }',
    egressTimer: '{ expires: 90 }',
    callerSeconds: 85,
  },
  update: {
    pair: 'update',
    callerAddress: '127.0.0.5',
    prefix: '40284',
    ingressTimer: '{ expires: 3600 }',
    egressTimer: '{ expires: 90 }',
    callerSeconds: 85,
  },
  glare: {
    pair: 'glare',
    callerAddress: '127.0.0.6',
    prefix: '40285',
    ingressTimer: '{ expires: 3600 }',
    egressTimer: '{ expires: 90, refresh: invite }',
    callerSeconds: 85,
  },
} as const satisfies Record<string, Scenario>;

type ScenarioName = keyof typeof SCENARIOS;

/** One ingress trunk per caller address, one egress trunk (and route) per callee; no OPTIONS pings, no admin port. */
function tandemConfig(calleePorts: ReadonlyMap<ScenarioName, number>): string {
  const lines = ['listen: [udp://127.0.0.1:0]', 'trunks:'];
  const routes: string[] = [];
  for (const [name, s] of Object.entries(SCENARIOS) as [ScenarioName, Scenario][]) {
    lines.push(`  ${name}-in: { from: [${s.callerAddress}/32], sessionTimer: ${s.ingressTimer} }`);
    const to = `sip:127.0.0.1:${String(calleePorts.get(name))};transport=udp`;
    lines.push(`  ${name}-out: { to: "${to}", ping: false, sessionTimer: ${s.egressTimer} }`);
    routes.push(`  - { prefix: "${s.prefix}", trunks: [${name}-out] }`);
  }
  return [...lines, 'routes:', ...routes, 'admin: { listen: "off" }', 'shutdown: { drainSeconds: 0 }', ''].join('\n');
}

/** The callee's result once it has ended by itself (it should, shortly after the caller), else after a kill. */
async function calleeOutcome(callee: SippProcess, callerPassed: boolean): Promise<SippResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), callerPassed ? 10_000 : 3_000);
  });
  const first = await Promise.race([callee.done, late]);
  clearTimeout(timer);
  if (first === 'late') callee.kill();
  return callee.done;
}

/**
 * The cumulative "Successful call" count of SIPp's final statistics screen. Exit status 0 alone is not enough: SIPp
 * stopped by SIGINT also exits 0, with no call completed.
 */
function successfulCalls(stdout: string): number | undefined {
  const counts = [...stdout.matchAll(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/g)];
  const last = counts.at(-1)?.[1];
  return last === undefined ? undefined : Number(last);
}

function expectPassed(name: string, result: SippResult, tandem: TandemProcess): void {
  const why = describeRun(name, result, tandem);
  expect(significantErrors(result.errors), why).toBe('');
  expect(result.exitCode, why).toBe(0);
  expect(successfulCalls(result.stdout), `${why}\n(no completed call: SIPp was stopped before its call ended)`).toBe(1);
}

describe.concurrent('session timers through tandem run (RFC 4028), five SIPp pairs at once', () => {
  let tandem: TandemProcess | undefined;
  const callees = new Map<ScenarioName, SippProcess>();

  beforeAll(async () => {
    const ports = new Map<ScenarioName, number>();
    for (const name of Object.keys(SCENARIOS) as ScenarioName[]) {
      const port = await freePort();
      ports.set(name, port);
      callees.set(
        name,
        await startSipp({
          scenario: scenarioPath(`uas-st-${SCENARIOS[name].pair}.xml`),
          localPort: port,
          calls: 1,
          timeoutSeconds: 100,
          extraArgs: ['-d', '1000'],
        }),
      );
    }
    tandem = await startTandem(tandemConfig(ports));
  });

  afterAll(async () => {
    for (const callee of callees.values()) callee.kill();
    await Promise.all([...callees.values()].map((c) => c.done));
    if (tandem !== undefined) expect(await tandem.stop(), 'tandem exit code').toBe(0);
  });

  /** Runs the scenario's caller from its own address through Tandem, then collects its callee; asserts both passed. */
  async function run(name: ScenarioName): Promise<void> {
    const t = tandem;
    const callee = callees.get(name);
    if (t === undefined || callee === undefined) throw new Error('Tandem and the callee SIPps did not start');
    const s: Scenario = SCENARIOS[name];
    const caller = await startSipp({
      scenario: scenarioPath(`uac-st-${s.pair}.xml`),
      target: `127.0.0.1:${String(t.port('udp'))}`,
      calls: 1,
      timeoutSeconds: s.callerSeconds,
      // startSipp binds 127.0.0.1 (-i); SIPp takes the last -i, and the address is what selects the ingress trunk.
      extraArgs: ['-i', s.callerAddress, '-d', '500', '-cid_str', CALLER_CALL_ID],
    });
    const callerResult = await caller.done;
    const calleeResult = await calleeOutcome(callee, callerResult.exitCode === 0);
    expectPassed(`caller uac-st-${s.pair}`, callerResult, t);
    expectPassed(`callee uas-st-${s.pair}`, calleeResult, t);
  }

  it('422: the caller offering Session-Expires 60 gets 422 Min-SE 90 and retries with 90 and a new CSeq; the callee answering 422 Min-SE 120 gets the INVITE again with a higher CSeq and Session-Expires and Min-SE >= 120; the caller never sees that 422 (RFC 4028 §6, §7.3, §9)', async () => {
    await run('retry422');
  }, 60_000);

  it('a caller that promised to refresh (refresher=uac, echoed with Require: timer) and never does: 60 s after the 200 both legs get BYE with Reason: Q.850;cause=102, and the call record says session-timer (RFC 4028 §9, §10)', async () => {
    await run('expiry');
    const ended = tandem
      ?.logs()
      .map((r) => r['call'] as { called?: string; releaseReason?: string; q850Cause?: number } | undefined)
      .find((c) => c?.called?.startsWith(SCENARIOS.expiry.prefix) === true && c.releaseReason !== undefined);
    expect(ended, 'the "call ended" record of the expiry call').toMatchObject({ releaseReason: 'session-timer', q850Cause: 102 });
  }, 110_000);

  it('a callee that knows nothing of timers (200 without Session-Expires, no UPDATE in Allow) is refreshed at 45 s by re-INVITE with Session-Expires: 90;refresher=uac and the same SDP; the caller sees nothing of it (RFC 4028 §7.2, §7.4)', async () => {
    await run('reinvite');
  }, 110_000);

  it('a callee whose Allow lists UPDATE is refreshed at 45 s by UPDATE without a body, Session-Expires: 90;refresher=uac (RFC 4028 §7.4, RFC 3311)', async () => {
    await run('update');
  }, 110_000);

  it("glare: the callee's re-INVITE crossing Tandem's refresh gets 491; the callee's 491 to the refresh makes Tandem retry after 2.1–4 s with a higher CSeq; then the callee's own retry reaches the caller (RFC 3261 §14.1, RFC 4028 §7.4)", async () => {
    await run('glare');
  }, 110_000);
});
