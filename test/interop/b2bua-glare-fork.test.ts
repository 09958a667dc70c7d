/**
 * Interop (B2BUA): races. re-INVITE glare (both sides re-INVITE at once: 491, back-off, retry; RFC 3261 §14.1) and a
 * forked answer (two early dialogs, the 200 from one of them; RFC 3261 §13.2.2.4), simulated by one SIPp UAS.
 * Scenarios: test/interop/sipp/.
 */
import { describe, it } from 'vitest';
import { expectScenarioPassed, runScenario, useB2buaPair } from '../support/sipp-scenarios.js';

describe('B2BUA re-INVITE glare (RFC 3261 §14.1, §14.2)', () => {
  const pair = useB2buaPair({ pair: 'glare', calls: 2 });
  it('re-INVITEs from both sides cross: 491s, back-off and retry until each side has had its re-INVITE answered 200 and answered the other (2 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'glare', calls: 2, timeoutSeconds: 45 }, 20_000));
  });
});

describe('B2BUA forked answer (RFC 3261 §12.1.2, §13.2.2.4)', () => {
  const pair = useB2buaPair({ pair: 'fork', calls: 3 });
  it('183 from early dialogs A and B, 200 from B: the caller gets one answered call; ACK and BYE go to dialog B (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'fork', calls: 3 }));
  });
});
