/**
 * B2BUA interop harness: a callee SIPp (a `uas-*.xml` scenario) on a known UDP port, a `tandem run` whose callee
 * trunk points at it, and a caller SIPp (the matching `uac-*.xml`) sent through Tandem. The scenarios live in
 * test/interop/sipp/ (README.md there lists them); here they always run with `-key b2bua 1`, which turns on the checks
 * that need a B2BUA in the middle (topology hiding, the Reason header Tandem adds to failure responses).
 *
 * Contract with Tandem (the configuration below): requests from 127.0.0.0/8 arrive on trunk `caller`; every route
 * (prefix "") goes to trunk `callee`, i.e. to `sip:127.0.0.1:<callee port>;transport=udp`. Tandem listens on UDP
 * and TCP on ephemeral loopback ports, reported by its `listening` log line.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { freePort, startSipp } from './sipp.js';
import type { SippProcess, SippResult } from './sipp.js';
import { startTandem } from './tandem-process.js';
import type { TandemProcess } from './tandem-process.js';

/** Call-ID shape of every caller: recognisable, so the callee can check it never arrives (topology hiding). */
export const CALLER_CALL_ID = 'caller-%u-%p@uac.invalid';

/** Absolute path of a scenario file in test/interop/sipp/. */
export function scenarioPath(file: string): string {
  return new URL(`../interop/sipp/${file}`, import.meta.url).pathname;
}

/**
 * The Tandem configuration the B2BUA interop tests assume (YAML). Besides the trunks and the route: no OPTIONS pings
 * toward the callee (a SIPp UAS scenario cannot answer an out-of-dialog OPTIONS it does not expect), and no admin
 * listener (its fixed default port, 8060, may be taken by a running `npm start`, and Tandem stops when it cannot
 * bind it).
 */
export function b2buaConfig(calleePort: number): string {
  return [
    'listen: [udp://127.0.0.1:0, tcp://127.0.0.1:0]',
    'trunks:',
    '  caller: { from: [127.0.0.0/8] }',
    `  callee: { to: "sip:127.0.0.1:${String(calleePort)};transport=udp", ping: false }`,
    'routes:',
    '  - { prefix: "", trunks: [callee] }',
    'admin: { listen: "off" }',
    '',
  ].join('\n');
}

export interface CalleeOptions {
  /** Scenario pair name: `basic` runs test/interop/sipp/uas-basic.xml. */
  readonly pair: string;
  /** Calls the callee takes before it exits (`-m`): the caller's call count. */
  readonly calls: number;
  /** `-d`: how long each call stays in its final `<timewait/>` to absorb retransmissions, ms. Default 1000. */
  readonly tailMs?: number;
  /** Hard limit for the callee's whole run, seconds (`-timeout`). Default 60. */
  readonly timeoutSeconds?: number;
  readonly extraArgs?: readonly string[];
}

export interface CallerOptions {
  /** Scenario pair name: `basic` runs test/interop/sipp/uac-basic.xml. */
  readonly pair: string;
  readonly calls: number;
  /** Calls per second. Default 10. */
  readonly rate?: number;
  /** `u1` sends to Tandem's UDP socket, `t1` to its TCP socket. Default `u1`. */
  readonly transport?: 'u1' | 't1';
  /** `-d`: the `<pause/>` length inside the call (call duration), ms. Default 500. */
  readonly durationMs?: number;
  /** Hard limit for the caller's run, seconds (`-timeout`). Default 30. */
  readonly timeoutSeconds?: number;
  readonly extraArgs?: readonly string[];
}

/** A callee SIPp with a Tandem in front of it. */
export interface B2buaPair {
  readonly tandem: TandemProcess;
  readonly callee: SippProcess;
  readonly calleePort: number;
  /** Stops Tandem (SIGTERM) and the callee if it is still running; resolves with Tandem's exit code. */
  close(): Promise<number | null>;
}

/** Starts the callee SIPp on a free UDP port, then Tandem configured to send every call to it. */
export async function startB2buaPair(opts: CalleeOptions): Promise<B2buaPair> {
  const calleePort = await freePort();
  const callee = await startSipp({
    scenario: scenarioPath(`uas-${opts.pair}.xml`),
    localPort: calleePort,
    transport: 'u1',
    calls: opts.calls,
    timeoutSeconds: opts.timeoutSeconds ?? 60,
    extraArgs: ['-d', String(opts.tailMs ?? 1_000), '-key', 'b2bua', '1', ...(opts.extraArgs ?? [])],
  });
  let tandem: TandemProcess;
  try {
    tandem = await startTandem(b2buaConfig(calleePort));
  } catch (err) {
    callee.kill();
    await callee.done;
    throw err;
  }
  let closing: Promise<number | null> | undefined;
  return {
    tandem,
    callee,
    calleePort,
    close() {
      closing ??= (async () => {
        callee.kill();
        const [code] = await Promise.all([tandem.stop(), callee.done]);
        return code;
      })();
      return closing;
    },
  };
}

/** Runs the caller SIPp against Tandem (UDP or TCP socket) and resolves when it exits. */
export async function runCaller(pair: B2buaPair, opts: CallerOptions): Promise<SippResult> {
  const transport = opts.transport ?? 'u1';
  const target = `127.0.0.1:${String(pair.tandem.port(transport === 't1' ? 'tcp' : 'udp'))}`;
  const caller = await startSipp({
    scenario: scenarioPath(`uac-${opts.pair}.xml`),
    target,
    transport,
    calls: opts.calls,
    rate: opts.rate ?? 10,
    timeoutSeconds: opts.timeoutSeconds ?? 30,
    extraArgs: [
      '-d', String(opts.durationMs ?? 500),
      '-cid_str', CALLER_CALL_ID,
      '-key', 'b2bua', '1',
      ...(opts.extraArgs ?? []),
    ],
  });
  return caller.done;
}

/** Start of one event in SIPp's error file: date, time and epoch, tab-separated (events are not newline-ended). */
const SIPP_EVENT = /(?=\d{4}-\d{2}-\d{2}\t\d{2}:\d{2}:\d{2}\.\d+\t\d+\.\d+: )/;

/**
 * What SIPp wrote to its error file, minus events that are not failures: the glare scenarios use receive timeouts as
 * timers, and SIPp logs each one ("receive timeout on message …, jumping to label N").
 */
export function significantErrors(errors: string): string {
  return errors
    .replaceAll('The following events occurred:', '')
    .split(SIPP_EVENT)
    .map((event) => event.trim())
    .filter((event) => event !== '' && !/receive timeout on message .*jumping to label \d+$/.test(event))
    .join('\n');
}

/**
 * Waits for the callee to finish its calls (and its timewait tail), at most `graceMs` more: it should end soon after
 * the caller, and if the caller failed it may never get the messages it waits for. A callee still running is killed
 * and reported by its null exit code.
 */
export async function calleeResult(pair: B2buaPair, caller: SippResult, graceMs: number): Promise<SippResult> {
  const wait = caller.exitCode === 0 ? graceMs : Math.min(graceMs, 3_000);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), wait);
  });
  const first = await Promise.race([pair.callee.done, late]);
  clearTimeout(timer);
  if (first === 'late') pair.callee.kill();
  return pair.callee.done;
}

/** Failure text for an assertion: why SIPp failed, its final statistics screen, and Tandem's last log lines. */
export function describeRun(name: string, result: SippResult, tandem?: TandemProcess): string {
  const screen = result.stdout.split('\n').slice(-45).join('\n');
  const logs =
    tandem === undefined
      ? ''
      : `\n--- tandem (last 30 log records)\n${tandem
          .logs()
          .slice(-30)
          .map((r) => JSON.stringify(r))
          .join('\n')}`;
  return `${name}: exit ${String(result.exitCode)}\n--- errors\n${result.errors}\n--- stderr\n${result.stderr}\n--- screen\n${screen}${logs}`;
}

/** The outcome of one scenario run: caller and callee, each with exit code and significant errors. */
export interface ScenarioOutcome {
  readonly caller: SippResult;
  readonly callee: SippResult;
}

/**
 * Runs the caller through Tandem, then collects the callee (see {@link calleeResult}); the test asserts the outcome
 * with {@link expectScenarioPassed}.
 */
export async function runScenario(
  pair: B2buaPair,
  caller: CallerOptions,
  calleeGraceMs = 15_000,
): Promise<ScenarioOutcome> {
  const callerResult = await runCaller(pair, caller);
  const calleeRes = await calleeResult(pair, callerResult, calleeGraceMs);
  return { caller: callerResult, callee: calleeRes };
}

/** Asserts that caller and callee both exited 0 with no significant errors; the message carries the diagnostics. */
export function expectScenarioPassed(pair: B2buaPair, outcome: ScenarioOutcome): void {
  for (const [name, result] of [
    ['caller', outcome.caller],
    ['callee', outcome.callee],
  ] as const) {
    const why = describeRun(name, result, pair.tandem);
    expect(significantErrors(result.errors), why).toBe('');
    expect(result.exitCode, why).toBe(0);
  }
}

/**
 * Registers hooks in the current `describe`: beforeAll starts the callee SIPp and Tandem, afterAll stops both (and
 * checks Tandem exits 0). Returns a getter for the running pair.
 */
export function useB2buaPair(opts: CalleeOptions): () => B2buaPair {
  let pair: B2buaPair | undefined;
  beforeAll(async () => {
    pair = await startB2buaPair(opts);
  });
  afterAll(async () => {
    if (pair !== undefined) expect(await pair.close(), 'tandem exit code').toBe(0);
  });
  return () => {
    if (pair === undefined) throw new Error('the callee SIPp and Tandem did not start');
    return pair;
  };
}
