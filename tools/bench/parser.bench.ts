/**
 * Parse + serialize of a typical INVITE with SDP (test/golden/sip/invite-sdp.sip), messages per second on one
 * core. Target (issue 2): at least 200,000/s. Each iteration parses the datagram exactly as the receive path does
 * (every typed header checked) and serializes the message back to bytes.
 */
import { readFileSync } from 'node:fs';
import { parseMessage } from '../../src/sip/parser/parse-message.js';
import { serializeMessage } from '../../src/sip/serialize.js';
import { measure } from './measure.js';
import type { Throughput } from './measure.js';

export function benchParser(seconds = 3): Throughput {
  const bytes = readFileSync(new URL('../../test/golden/sip/invite-sdp.sip', import.meta.url));
  let sink = 0;
  const t = measure(
    'parse+serialize INVITE with SDP',
    () => {
      const r = parseMessage(bytes);
      if (!r.ok) throw r.error;
      sink += serializeMessage(r.message).length;
    },
    seconds,
  );
  if (sink === 0) throw new Error('benchmark produced nothing');
  return t;
}
