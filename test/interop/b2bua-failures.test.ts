/**
 * Interop (B2BUA): calls that do not connect. CANCEL while ringing travels leg by leg (200 and 487 on each), and a
 * failure status from the callee reaches the caller with `Reason: Q.850;cause=N` added (RFC 3326, RFC 3398).
 * Scenarios: test/interop/sipp/.
 */
import { describe, it } from 'vitest';
import { expectScenarioPassed, runScenario, useB2buaPair } from '../support/sipp-scenarios.js';

describe('B2BUA CANCEL while ringing (RFC 3261 §9, §17.1.1.3)', () => {
  const pair = useB2buaPair({ pair: 'cancel', calls: 3 });
  it('caller CANCEL after 180: 200 + 487 to the caller, ACKed; callee gets CANCEL with the INVITE branch, answers 200 + 487, gets ACK (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'cancel', calls: 3 }));
  });
});

describe('B2BUA busy (RFC 3398 §8.2.6.1, RFC 3326)', () => {
  const pair = useB2buaPair({ pair: 'busy', calls: 3 });
  it('callee 486 without Reason reaches the caller as 486 with Reason: Q.850;cause=17; both 486s ACKed with the INVITE branch (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'busy', calls: 3 }));
  });
});
