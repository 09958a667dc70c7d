/**
 * Issue 6, media authorization (RFC 3313) through `tandem run` with SIPp on both sides: a trunk in `require` mode
 * refuses INVITEs without a valid P-Media-Authorization token with 403 and a Warning that says which check failed
 * (missing, malformed, forged, expired, other-number), creating no outbound leg; a valid token is accepted, and the
 * callee (a trunk in `issue` mode) gets Tandem's own fresh token, never the caller's.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken, parseKey } from '../../src/policy/media-authorization.js';
import { freePort, runSipp, startSipp } from '../support/sipp.js';
import type { SippProcess } from '../support/sipp.js';
import { startTandem } from '../support/tandem-process.js';
import type { TandemProcess } from '../support/tandem-process.js';

const CALLER_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const CALLEE_KEY = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';
const OTHER_KEY = '0123456789abcdef0123456789abcdef';
const CALLED = '4930123456';

function refusedCaller(tokenLine: string, warning: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="media auth refused">
  <send retrans="500"><![CDATA[

      INVITE sip:${CALLED}@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:4922112345@[local_ip]:[local_port]>;tag=[pid]m[call_number]
      To: <sip:${CALLED}@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:caller@[local_ip]:[local_port]>
      ${tokenLine}
      Content-Length: 0

  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="403">
    <action>
      <ereg regexp="${warning}" search_in="hdr" header="Warning:" check_it="true" assign_to="w"/>
    </action>
  </recv>
  <send><![CDATA[

      ACK sip:${CALLED}@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch-2]
      Max-Forwards: 70
      [last_From:]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Content-Length: 0

  ]]></send>
  <Reference variables="w"/>
</scenario>
`;
}

function acceptedCaller(token: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="media auth accepted">
  <send retrans="500"><![CDATA[

      INVITE sip:${CALLED}@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      From: <sip:4922112345@[local_ip]:[local_port]>;tag=[pid]m[call_number]
      To: <sip:${CALLED}@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:caller@[local_ip]:[local_port]>
      P-Media-Authorization: ${token}
      Content-Length: 0

  ]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      [last_From:]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Content-Length: 0

  ]]></send>
  <send retrans="500"><![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      Max-Forwards: 70
      [last_From:]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Content-Length: 0

  ]]></send>
  <recv response="200"/>
</scenario>
`;
}

function callee(callerToken: string): string {
  return `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="media auth callee">
  <recv request="INVITE">
    <action>
      <ereg regexp="^ *01[0-9a-f]{104}$" search_in="hdr" header="P-Media-Authorization:" check_it="true" assign_to="fresh"/>
      <ereg regexp="${callerToken}" search_in="msg" check_it_inverse="true" assign_to="leak"/>
    </action>
  </recv>
  <send><![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];tag=callee[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:callee@[local_ip]:[local_port]>
      Content-Length: 0

  ]]></send>
  <recv request="ACK"/>
  <recv request="BYE"/>
  <send><![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

  ]]></send>
  <Reference variables="fresh,leak"/>
</scenario>
`;
}

describe('media authorization (RFC 3313) through tandem run', () => {
  let tandem: TandemProcess;
  let calleePort: number;
  let uas: SippProcess;
  const dir = mkdtempSync(join(tmpdir(), 'tandem-mauth-'));
  const now = Date.now();
  const valid = issueToken({ key: parseKey(CALLER_KEY), called: CALLED, ttlSeconds: 300, now });

  beforeAll(async () => {
    calleePort = await freePort();
    writeFileSync(join(dir, 'uas.xml'), callee(valid));
    uas = await startSipp({ scenario: join(dir, 'uas.xml'), localPort: calleePort, calls: 1, timeoutSeconds: 60 });
    tandem = await startTandem(
      [
        'listen: [udp://127.0.0.1:0]',
        'trunks:',
        `  caller: { from: [127.0.0.0/8], mediaAuthorization: { mode: require, key: "${CALLER_KEY}" } }`,
        `  callee: { to: "sip:127.0.0.1:${calleePort};transport=udp", ping: false, mediaAuthorization: { mode: issue, key: "${CALLEE_KEY}", ttl: 60 } }`,
        'routes: [{ prefix: "", trunks: [callee] }]',
        'shutdown: { drainSeconds: 0 }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    uas.kill();
    await tandem.stop();
  });

  const refusals: [string, string, string][] = [
    ['no token', 'X-Nothing: 1', 'missing'],
    ['a malformed token', 'P-Media-Authorization: 01zz', 'malformed'],
    ['a forged token', `P-Media-Authorization: ${issueToken({ key: parseKey(OTHER_KEY), called: CALLED, ttlSeconds: 300, now })}`, 'forged'],
    ['an expired token', `P-Media-Authorization: ${issueToken({ key: parseKey(CALLER_KEY), called: CALLED, ttlSeconds: 1, now: now - 3_600_000 })}`, 'expired'],
    ['a token for another number', `P-Media-Authorization: ${issueToken({ key: parseKey(CALLER_KEY), called: '4940999999', ttlSeconds: 300, now })}`, 'other'],
  ];
  for (const [what, line, warning] of refusals) {
    it(`an INVITE with ${what} is refused with 403 and a Warning saying '${warning}'`, async () => {
      const file = join(dir, `uac-${warning}.xml`);
      writeFileSync(file, refusedCaller(line, warning));
      const r = await runSipp({ scenario: file, target: `127.0.0.1:${tandem.port('udp')}`, calls: 1, timeoutSeconds: 15 });
      expect(r.errors, r.errors).toBe('');
      expect(r.exitCode).toBe(0);
    });
  }

  it("a valid token lets the call through; the callee gets Tandem's fresh token, never the caller's", async () => {
    const file = join(dir, 'uac-valid.xml');
    writeFileSync(file, acceptedCaller(valid));
    const r = await runSipp({ scenario: file, target: `127.0.0.1:${tandem.port('udp')}`, calls: 1, timeoutSeconds: 15 });
    expect(r.errors, r.errors).toBe('');
    expect(r.exitCode).toBe(0);
    const u = await Promise.race([uas.done, new Promise<undefined>((res) => setTimeout(() => res(undefined), 5_000))]);
    if (u !== undefined) expect(u.errors, u.errors).toBe('');
  });
});
