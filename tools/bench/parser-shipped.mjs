/**
 * The parser benchmark on the code as shipped: plain Node running dist/ (what `npm start` runs), started by
 * parser.bench.ts as a child process. Prints the Throughput as one JSON line.
 * Usage: node tools/bench/parser-shipped.mjs SECONDS
 */
import { readFileSync } from 'node:fs';
import { parseMessage } from '../../dist/sip/parser/parse-message.js';
import { serializeMessage } from '../../dist/sip/serialize.js';
import { measure } from './measure.mjs';

const bytes = readFileSync(new URL('../../test/golden/sip/invite-sdp.sip', import.meta.url));
let sink = 0;
const t = measure(
  'parse+serialize INVITE with SDP (dist/, node)',
  () => {
    const r = parseMessage(bytes);
    if (!r.ok) throw r.error;
    sink += serializeMessage(r.message).length;
  },
  Number(process.argv[2] ?? 3),
);
if (sink === 0) throw new Error('benchmark produced nothing');
console.log(JSON.stringify(t));
