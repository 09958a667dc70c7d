// Tandem's side of the CDR path in its own process, for the kill -9 test: submits CDR_COUNT CDRs through the
// pipeline (spool + Redis) and prints "durable N" each time the first N submissions are all durable.
// Environment: REDIS_URL (optional), CDR_QUEUE, CDR_SPOOL, CDR_COUNT, CDR_PREFIX.
import { CdrPipeline } from '../../../src/cdr/cdr-pipeline.js';
import { resolveCdrConfig } from '../../../src/cdr/cdr-config.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { seriesCdr } from '../../unit/cdr/cdr-fixtures.js';

const count = Number(process.env['CDR_COUNT'] ?? '1000');
const prefix = process.env['CDR_PREFIX'] ?? 'p';
const cdr = resolveCdrConfig({ spool: process.env['CDR_SPOOL'], queue: process.env['CDR_QUEUE'], jobSize: 50 });
const pipeline = await CdrPipeline.open(cdr, { logger: silentLogger() });
process.stdout.write('ready\n');
const durable = new Array<boolean>(count).fill(false);
let reported = 0;
for (let i = 0; i < count; i++) {
  void pipeline.submit(seriesCdr(i, undefined, prefix)).then(() => {
    durable[i] = true;
    let n = reported;
    while (n < count && durable[n]) n++;
    if (n > reported) {
      reported = n;
      process.stdout.write(`durable ${n}\n`);
    }
  });
  if (i % 50 === 49) await new Promise((r) => setTimeout(r, 2)); // calls end over time, not all at once
}
