/**
 * The UA core's answers above the syntax (RFC 3261 §8.2), checked on the RFC 4475 messages whose expectation names
 * an application-layer outcome (`app` in expectations.json), and on OPTIONS (§11.2).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UaCore } from '../../../src/dialog/ua-core.js';
import { silentLogger } from '../../../src/observability/logger.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import { parseMessage } from '../../../src/sip/parser/parse-message.js';
import type { ServerTransaction } from '../../../src/transaction/transaction-user.js';
import type { Source } from '../../../src/transport/transport.js';

const dir = new URL('../../conformance/rfc4475/', import.meta.url);
const { files } = JSON.parse(readFileSync(new URL('expectations.json', dir), 'utf8')) as {
  files: Record<string, { section: string; outcome: string; app?: number }>;
};
const source: Source = { protocol: 'udp', remote: { address: '192.0.2.1', port: 5060 }, local: { address: '127.0.0.1', port: 5060 } };

/** Runs one request through the core and returns what it answered. */
function answer(request: SipRequest): SipResponse {
  const sent: SipResponse[] = [];
  const tx = { respond: (r: SipResponse) => sent.push(r), request } as unknown as ServerTransaction;
  new UaCore({ logger: silentLogger(), serverName: 'Tandem' }).onRequest(tx, request, source);
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

describe('UA core (RFC 3261 §8.2) on RFC 4475 messages', () => {
  for (const [file, exp] of Object.entries(files)) {
    if (exp.app === undefined) continue;
    it(`§${exp.section} ${file} → ${exp.app}`, () => {
      const r = parseMessage(readFileSync(new URL(file, dir)));
      if (!r.ok || r.message.kind !== 'request') throw new Error(`${file} should parse as a request`);
      const res = answer(r.message);
      expect(res.status).toBe(exp.app);
      // Every answer carries a To tag (§8.2.6.2) and echoes Call-ID and CSeq.
      expect(res.to.tag).toBeDefined();
      expect(res.callId).toBe(r.message.callId);
      if (exp.app === 420) expect(res.headers.get('Unsupported')).toEqual(['nothingSupportsThis', 'nothingSupportsThisEither']);
      if (exp.app === 405 || exp.app === 501) expect(res.headers.get('Allow')).toContain('OPTIONS');
      if (exp.app === 200) {
        // §11.2: Allow, Accept and Supported in the answer to OPTIONS.
        expect(res.headers.get('Allow')).toContain('OPTIONS');
        expect(res.headers.has('Accept')).toBe(true);
        expect(res.headers.has('Supported')).toBe(true);
      }
    });
  }
});
