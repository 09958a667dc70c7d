/**
 * Issue 4 — reload under load: SIPp calls run through Tandem (the callee refuses every call with 486) while the
 * cause tables are swapped through POST /mappings/reload, good and bad edits alternating. No call fails; a bad edit
 * is refused (422) and the tables in force stay; every call's CDR names one table version and carries the cause
 * that version maps 486 to — no call mapped with two versions.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readSpoolRecords } from '../../src/cdr/spool.js';
import { decodeCdr } from '../../src/cdr/encode.js';
import { freePort, runSipp, startSipp } from '../support/sipp.js';
import type { SippProcess } from '../support/sipp.js';
import { scenarioPath } from '../support/sipp-scenarios.js';
import { startTandem } from '../support/tandem-process.js';
import type { TandemProcess } from '../support/tandem-process.js';

const profile = (cause: number): string =>
  [
    'profile:',
    '  name: reload-test',
    '  base: rfc3398',
    '  description: "reload under load test profile"',
    'sip-to-q850:',
    '  rows:',
    `    - { status: 486, cause: ${cause}, source: "test: version with 486 -> ${cause}" }`,
    '',
  ].join('\n');

describe('cause tables reloaded while calls run (issue 4)', () => {
  let tandem: TandemProcess | undefined;
  let callee: SippProcess | undefined;
  afterAll(async () => {
    callee?.kill();
    await tandem?.stop();
  });

  it('alternating good and bad edits: no failed call, one version per call, the cause of that version', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tandem-reload-'));
    const file = join(dir, 'reload-test.yaml');
    const spool = join(dir, 'spool');
    writeFileSync(file, profile(17));
    const calleePort = await freePort();
    const calls = 120;
    callee = await startSipp({
      scenario: scenarioPath('uas-busy.xml'),
      localPort: calleePort,
      calls,
      timeoutSeconds: 60,
      extraArgs: ['-key', 'b2bua', '0'],
    });
    tandem = await startTandem(
      [
        'listen: [udp://127.0.0.1:0]',
        'trunks:',
        '  caller: { from: [127.0.0.0/8] }',
        `  callee: { to: "sip:127.0.0.1:${calleePort};transport=udp", ping: false, causeProfile: reload-test }`,
        'routes: [{ prefix: "", trunks: [callee] }]',
        `mappings: { files: ["${file}"] }`,
        `cdr: { spool: "${spool}", dir: "${join(dir, 'cdr')}" }`,
        'admin: { listen: "127.0.0.1:0" }',
        '',
      ].join('\n'),
    );
    const listening = tandem.logs().find((r) => r['msg'] === 'listening') as { admin: { port: number }; mappingVersion: string };
    const admin = `http://127.0.0.1:${listening.admin.port}`;
    const causeOf = new Map<string, number>([[listening.mappingVersion, 17]]);

    const caller = runSipp({
      scenario: scenarioPath('uac-busy.xml'),
      target: `127.0.0.1:${tandem.port('udp')}`,
      calls,
      rate: 40,
      timeoutSeconds: 60,
      extraArgs: ['-key', 'b2bua', '0', '-cid_str', 'caller-%u-%p@uac.invalid'],
    });
    // Edits while the calls run: 21, broken, 17, broken, 21 … every 250 ms.
    let refused = 0;
    let accepted = 0;
    let done = false;
    void caller.then(() => (done = true));
    for (let i = 0; i < 40 && !done; i++) {
      const kind = i % 4;
      const cause = kind === 0 ? 21 : kind === 2 ? 17 : undefined;
      writeFileSync(file, cause === undefined ? 'profile: [this is: not valid' : profile(cause));
      const res = await fetch(`${admin}/mappings/reload`, { method: 'POST' });
      const body = (await res.json()) as { ok: boolean; version: string; message: string };
      if (cause === undefined) {
        expect(res.status).toBe(422);
        expect(body.ok).toBe(false);
        expect(body.message).toMatch(/reload-test\.yaml:1/);
        refused++;
      } else {
        expect(res.status).toBe(200);
        expect(body.ok).toBe(true);
        causeOf.set(body.version, cause);
        accepted++;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = await caller;
    expect(result.exitCode).toBe(0);
    expect(refused).toBeGreaterThan(0);
    expect(accepted).toBeGreaterThan(1);

    // Stop Tandem (SIGTERM: drain, spool fsynced), then read every CDR it spooled.
    expect(await tandem.stop()).toBe(0);
    tandem = undefined;
    const cdrs = [];
    for await (const bytes of readSpoolRecords(spool)) cdrs.push(decodeCdr(bytes));
    expect(cdrs).toHaveLength(calls);
    const versions = new Set<string>();
    for (const c of cdrs) {
      expect(c.finalStatus).toBe(486);
      const expected = causeOf.get(c.mappingVersion);
      expect(expected, `version ${c.mappingVersion} was never in force`).toBeDefined();
      expect(c.q850Cause).toBe(expected);
      versions.add(c.mappingVersion);
    }
    expect(versions.size).toBeGreaterThan(1);
  });
});
