/**
 * Interop: SIPp, a peer we did not write, pings `tandem run` with OPTIONS over UDP and over TCP and must get 200
 * (with Allow, Supported and Accept — checked inside the scenario).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSipp } from '../support/sipp.js';
import { startTandem } from '../support/tandem-process.js';
import type { TandemProcess } from '../support/tandem-process.js';

const scenario = new URL('./sipp/options-ping.xml', import.meta.url).pathname;

describe('SIPp pings tandem run with OPTIONS', () => {
  let tandem: TandemProcess;
  beforeAll(async () => {
    tandem = await startTandem(`listen: [udp://127.0.0.1:0, tcp://127.0.0.1:0]\ntrunks: {}\nroutes: []\n`);
  });
  afterAll(async () => {
    expect(await tandem.stop()).toBe(0);
  });

  for (const [name, transport, proto] of [
    ['UDP', 'u1', 'udp'],
    ['TCP', 't1', 'tcp'],
  ] as const) {
    it(`gets 200 over ${name} (20 pings)`, async () => {
      const r = await runSipp({
        scenario,
        target: `127.0.0.1:${tandem.port(proto)}`,
        transport,
        calls: 20,
        rate: 50,
        timeoutSeconds: 20,
      });
      expect(r.errors).toBe('');
      expect(r.exitCode).toBe(0);
    });
  }
});
