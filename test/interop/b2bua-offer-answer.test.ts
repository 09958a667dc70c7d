/**
 * Interop (B2BUA): SDP offer/answer relayed end to end through Tandem (RFC 3264): re-INVITE hold and resume, late
 * offer, reliable provisional responses with PRACK (RFC 3262) and UPDATE (RFC 3311). Scenarios: test/interop/sipp/.
 */
import { describe, it } from 'vitest';
import { expectScenarioPassed, runScenario, useB2buaPair } from '../support/sipp-scenarios.js';

describe('B2BUA re-INVITE hold and resume (RFC 3261 §14, RFC 3264 §8.4)', () => {
  const pair = useB2buaPair({ pair: 'hold', calls: 2 });
  it('a=sendonly offer reaches the callee and its a=recvonly answer the caller, then a=sendrecv both ways (2 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'hold', calls: 2 }));
  });
});

describe('B2BUA late offer (RFC 3261 §13.2.1, RFC 3264)', () => {
  const pair = useB2buaPair({ pair: 'late-offer', calls: 3 });
  it('INVITE without SDP reaches the callee without SDP; its offer in 200 reaches the caller; the answer in ACK reaches the callee (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'late-offer', calls: 3 }));
  });
});

describe('B2BUA 100rel and PRACK (RFC 3262)', () => {
  const pair = useB2buaPair({ pair: 'prack', calls: 3 });
  it('callee 183 with Require: 100rel and SDP reaches the caller reliably (RSeq); PRACK/RAck on both legs; then 200/ACK (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'prack', calls: 3 }));
  });
});

describe('B2BUA UPDATE in a confirmed dialog (RFC 3311)', () => {
  const pair = useB2buaPair({ pair: 'update', calls: 3 });
  it('UPDATE with an SDP offer from the caller reaches the callee; its 200 with SDP answer reaches the caller (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'update', calls: 3 }));
  });
});
