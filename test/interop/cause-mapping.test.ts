/**
 * Issue 4 on calls, with SIPp callees that refuse with various statuses, with and without a Q.850 Reason: the
 * caller gets the same status with `Reason: Q.850;cause=N` — the callee's own Q.850 cause when it sent one
 * (RFC 6432 precedence), else the rfc3398 profile's row (RFC 3398 §8.2.6.1) — and the callee's SIP Reason kept
 * beside it. Scenarios are generated per case from one template (SIPp substitutes no attribute values).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, runSipp, startSipp } from '../support/sipp.js';
import type { SippProcess } from '../support/sipp.js';
import { startTandem } from '../support/tandem-process.js';
import type { TandemProcess } from '../support/tandem-process.js';

interface Case {
  readonly status: number;
  readonly phrase: string;
  /** Reason header lines the callee sends ('' for none). */
  readonly calleeReason: string;
  /** The Q.850 cause the caller must get. */
  readonly cause: number;
  /** A regexp (POSIX ERE) that must also match the caller's response, e.g. the callee's SIP Reason kept. */
  readonly alsoMatches?: string;
}

const CASES: readonly Case[] = [
  { status: 404, phrase: 'Not Found', calleeReason: '', cause: 1 },
  { status: 486, phrase: 'Busy Here', calleeReason: '', cause: 17 },
  { status: 480, phrase: 'Temporarily Unavailable', calleeReason: '', cause: 18 },
  { status: 603, phrase: 'Decline', calleeReason: '', cause: 21 },
  { status: 503, phrase: 'Service Unavailable', calleeReason: '', cause: 41 },
  { status: 484, phrase: 'Address Incomplete', calleeReason: '', cause: 28 },
  // The callee's own Q.850 cause wins over the table (RFC 6432; standards.md §1.5 precedence).
  { status: 486, phrase: 'Busy Here', calleeReason: 'Reason: Q.850;cause=34;text="No circuit available"', cause: 34 },
  { status: 404, phrase: 'Not Found', calleeReason: 'Reason: Q.850;cause=3', cause: 3 },
  // A SIP Reason from the callee is kept beside the Q.850 one.
  { status: 480, phrase: 'Temporarily Unavailable', calleeReason: 'Reason: SIP;cause=480;text="Out of office"', cause: 18, alsoMatches: 'SIP *;cause=480' },
  // A malformed Reason never fails the call: ignored for mapping, the table decides.
  { status: 486, phrase: 'Busy Here', calleeReason: 'Reason: Q.850;cause=notanumber', cause: 17 },
];

function callee(c: Case): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="refuse ${c.status}">
  <recv request="INVITE"/>
  <send retrans="500"><![CDATA[

      SIP/2.0 ${c.status} ${c.phrase}
      [last_Via:]
      [last_From:]
      [last_To:];tag=callee[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      ${c.calleeReason === '' ? 'X-No-Reason: 1' : c.calleeReason}
      Content-Length: 0

  ]]></send>
  <recv request="ACK"/>
</scenario>
`;
}

function caller(c: Case): string {
  const also = c.alsoMatches === undefined ? '' : `<ereg regexp="${c.alsoMatches}" search_in="hdr" header="Reason:" check_it="true" assign_to="also"/>`;
  const refs = c.alsoMatches === undefined ? 'q850' : 'q850,also';
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="refused ${c.status}">
  <send retrans="500"><![CDATA[

      INVITE sip:4930123456@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:4922112345@[local_ip]:[local_port]>;tag=[pid]c[call_number]
      To: <sip:4930123456@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:caller@[local_ip]:[local_port]>
      Content-Length: 0

  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="${c.status}">
    <action>
      <ereg regexp="Q\\.850 *;(.*;)? *cause *= *${c.cause}([^0-9]|$)" search_in="msg" check_it="true" assign_to="q850"/>
      ${also}
    </action>
  </recv>
  <send><![CDATA[

      ACK sip:4930123456@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-2]
      Max-Forwards: 70
      [last_From:]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Content-Length: 0

  ]]></send>
  <Reference variables="${refs}"/>
</scenario>
`;
}

describe('failure statuses toward the caller carry the mapped Q.850 cause (issue 4, RFC 3398 §8.2.6.1, RFC 6432)', () => {
  const procs: SippProcess[] = [];
  const tandems: TandemProcess[] = [];
  afterAll(async () => {
    for (const p of procs) p.kill();
    for (const t of tandems) await t.stop('SIGKILL');
  });

  for (const c of CASES) {
    it(`${c.status}${c.calleeReason === '' ? ' without Reason' : ` with ${c.calleeReason}`} → Reason: Q.850;cause=${c.cause}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tandem-cause-'));
      writeFileSync(join(dir, 'uas.xml'), callee(c));
      writeFileSync(join(dir, 'uac.xml'), caller(c));
      const port = await freePort();
      const uas = await startSipp({ scenario: join(dir, 'uas.xml'), localPort: port, calls: 2, timeoutSeconds: 30 });
      procs.push(uas);
      const tandem = await startTandem(
        [
          'listen: [udp://127.0.0.1:0]',
          'trunks:',
          '  caller: { from: [127.0.0.0/8] }',
          `  callee: { to: "sip:127.0.0.1:${port};transport=udp", ping: false }`,
          'routes: [{ prefix: "", trunks: [callee] }]',
          'routing: { advanceOn: [] }',
          'shutdown: { drainSeconds: 0 }',
          '',
        ].join('\n'),
      );
      tandems.push(tandem);
      const r = await runSipp({ scenario: join(dir, 'uac.xml'), target: `127.0.0.1:${tandem.port('udp')}`, calls: 2, rate: 10, timeoutSeconds: 20 });
      uas.kill();
      expect(r.errors, r.errors).toBe('');
      expect(r.exitCode).toBe(0);
    });
  }
});
