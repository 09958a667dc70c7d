/**
 * `npm run bench [-- NAME…]`: the micro-benchmarks, run in sequence, one core each. Names: parser, isup, mapping,
 * cdr (default: all). Each prints its figure, per wall-clock second and (where it matters on a shared machine) per
 * CPU second, and whether it meets the target. Figures go into README.md ("Figures").
 * Call benchmarks (SIPp ramps) have their own script: `npm run bench:calls`.
 */
import { benchCdr } from './cdr.bench.js';
import { benchIsup } from './isup.bench.js';
import { benchMapping } from './mapping.bench.js';
import { report } from './measure.mjs';
import { benchParser } from './parser.bench.js';

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const verdict = (ok: boolean): string => (ok ? 'meets' : 'MISSES');

const BENCHES: Record<string, () => Promise<string>> = {
  parser: () => {
    const r = benchParser();
    return Promise.resolve(`${report(r.shipped, 200_000)}\n${report(r.sources)}`);
  },
  isup: async () => {
    const r = await benchIsup();
    return `ISUP IAM decode+encode: ${fmt(r.opsPerSec)}/s wall, ${fmt(r.opsPerCpuSec)}/s per CPU-second (${verdict(r.opsPerCpuSec >= 500_000)} the target of 500,000/s)`;
  },
  mapping: async () => {
    const r = await benchMapping();
    return `cause-mapping lookups: ${fmt(r.lookupsPerSec)}/s (${verdict(r.lookupsPerSec >= 5_000_000)} the target of 5,000,000/s); reload of a 1,000-row profile: ${r.reload1000RowsMs.toFixed(0)} ms`;
  },
  cdr: async () => {
    const r = await benchCdr();
    return `CDRs call end → exported files, one worker: ${fmt(r.cdrsPerSec)}/s (${verdict(r.cdrsPerSec >= 10_000)} the target of 10,000/s); spool cost on the call path: ${r.spoolMicrosPerCall.toFixed(1)} µs per call (${verdict(r.spoolMicrosPerCall < 50)} the target of 50 µs)`;
  },
};

const wanted = process.argv.slice(2).filter((a) => a !== '--');
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
console.log(`node ${process.version}, ${new Date().toISOString()}`);
for (const n of names) {
  const b = BENCHES[n];
  if (b === undefined) {
    console.error(`unknown benchmark '${n}' (have: ${Object.keys(BENCHES).join(', ')})`);
    process.exitCode = 2;
    continue;
  }
  console.log(await b());
}
process.exit(process.exitCode ?? 0);
