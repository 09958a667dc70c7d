/**
 * Interop (B2BUA): transports and loss. A caller over TCP is bridged to a callee over UDP; and with SIPp dropping 5 %
 * of what it sends and receives on both sides, only correct retransmission (INVITE, 2xx until ACK, ACK per 2xx, BYE;
 * RFC 3261 §13.3.1.4, §17) completes all 20 calls. Scenarios: test/interop/sipp/uac-basic.xml, uas-basic.xml.
 */
import { describe, it } from 'vitest';
import { expectScenarioPassed, runScenario, useB2buaPair } from '../support/sipp-scenarios.js';

describe('B2BUA caller over TCP, callee over UDP (RFC 3261 §18)', () => {
  const pair = useB2buaPair({ pair: 'basic', calls: 3 });
  it('a call from one TCP connection to Tandem is bridged to the UDP callee and hung up (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'basic', calls: 3, transport: 't1' }));
  });
});

describe('B2BUA under 5 % packet loss on both legs (RFC 3261 §17 timers)', () => {
  const pair = useB2buaPair({ pair: 'basic', calls: 20, tailMs: 4_000, timeoutSeconds: 90, extraArgs: ['-lost', '5'] });
  it('20 calls complete through retransmissions alone', async () => {
    const outcome = await runScenario(
      pair(),
      { pair: 'basic', calls: 20, durationMs: 4_000, timeoutSeconds: 60, extraArgs: ['-lost', '5'] },
      30_000,
    );
    expectScenarioPassed(pair(), outcome);
  });
});
