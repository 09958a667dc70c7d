/**
 * Interop (B2BUA): SIPp caller → `tandem run` → SIPp callee, basic dialogs. Tandem must terminate the caller's dialog
 * and originate its own toward the callee, and let nothing of one leg's Call-ID, tags, Contact, Via, Record-Route or
 * User-Agent/Server reach the other (checked inside the scenarios, `-key b2bua 1`). Scenarios: test/interop/sipp/.
 */
import { describe, it } from 'vitest';
import { expectScenarioPassed, runScenario, useB2buaPair } from '../support/sipp-scenarios.js';

describe('B2BUA basic call, caller hangs up (RFC 3261 §13, §15.1)', () => {
  const pair = useB2buaPair({ pair: 'basic', calls: 3 });
  it('INVITE/100/180/200/ACK, BYE/200 on both legs, dialled number kept, callee Record-Route used and hidden (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'basic', calls: 3 }));
  });
});

describe('B2BUA basic call, callee hangs up (RFC 3261 §15.1)', () => {
  const pair = useB2buaPair({ pair: 'callee-bye', calls: 3 });
  it('a BYE from the callee reaches the caller in the caller dialog (its Contact, its tags) and 200 goes back (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'callee-bye', calls: 3 }));
  });
});

describe('B2BUA in-dialog OPTIONS (RFC 3261 §11)', () => {
  const pair = useB2buaPair({ pair: 'options-indialog', calls: 3 });
  it('OPTIONS inside a confirmed dialog gets 200, answered by Tandem or relayed to the callee (3 calls)', async () => {
    expectScenarioPassed(pair(), await runScenario(pair(), { pair: 'options-indialog', calls: 3 }));
  });
});
