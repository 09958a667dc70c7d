/**
 * `npm run bench [-- NAME…]`: the micro-benchmarks, one core each, run in sequence. Names: parser (default: all).
 * Figures go into README.md ("Figures"). Call benchmarks (SIPp ramps) have their own script: npm run bench:calls.
 */
import { benchParser } from './parser.bench.js';
import { report } from './measure.js';

const BENCHES: Record<string, () => string> = {
  parser: () => report(benchParser(), 200_000),
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
  console.log(b());
}
