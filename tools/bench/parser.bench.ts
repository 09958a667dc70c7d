/**
 * Parse + serialize of a typical INVITE with SDP (test/golden/sip/invite-sdp.sip), messages per second on one
 * core. Target (issue 2): at least 200,000/s. Each iteration parses the datagram exactly as the receive path does
 * (every typed header checked) and serializes the message back to bytes.
 *
 * Measured on the code as shipped — dist/ under plain Node, in a child process (parser-shipped.mjs): the figure and
 * the verdict — and, for comparison, on the sources under this runner (vite-node transforms every module it loads:
 * a read of an imported binding becomes a getter call, and the runner's own modules share the heap).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseMessage } from '../../src/sip/parser/parse-message.js';
import { serializeMessage } from '../../src/sip/serialize.js';
import { measure } from './measure.mjs';
import type { Throughput } from './measure.mjs';

export interface ParserThroughput {
  /** dist/ under plain Node (`npm run bench` builds first). */
  readonly shipped: Throughput;
  /** src/ under the vite-node runner. */
  readonly sources: Throughput;
}

export function benchParser(seconds = 3): ParserThroughput {
  const script = fileURLToPath(new URL('./parser-shipped.mjs', import.meta.url));
  const child = spawnSync(process.execPath, [script, String(seconds)], { encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`parser-shipped.mjs failed (run \`npm run build\` first?): ${child.stderr.trim()}`);
  const shipped = JSON.parse(child.stdout.trim()) as Throughput;

  const bytes = readFileSync(new URL('../../test/golden/sip/invite-sdp.sip', import.meta.url));
  let sink = 0;
  const sources = measure(
    'parse+serialize INVITE with SDP (src/, vite-node)',
    () => {
      const r = parseMessage(bytes);
      if (!r.ok) throw r.error;
      sink += serializeMessage(r.message).length;
    },
    seconds,
  );
  if (sink === 0) throw new Error('benchmark produced nothing');
  return { shipped, sources };
}
