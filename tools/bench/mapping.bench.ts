// Benchmark of the cause-mapping tables: lookup throughput (target >= 5,000,000/s) and the time to reload a set
// holding a custom profile of 1,000 rows (generated in a temp dir). Run through tools/bench/run.mjs or any TS runner.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMappingSet, SHIPPED_MAPPINGS_DIR } from '../../src/interworking/mapping-tables.js';
import { MappingStore } from '../../src/interworking/mapping-store.js';

/** A profile with exactly 1,000 rows: 400 status rows, 127 cause rows, 400 hunt-stop statuses, 73 hunt-stop causes. */
function thousandRowProfile(): string {
  const lines = ['profile:', '  name: bench-1000', '  base: rfc3398', '  description: "benchmark profile with 1000 rows"', 'sip-to-q850:', '  rows:'];
  for (let s = 300; s < 700; s++) lines.push(`    - { status: ${s}, cause: ${(s % 127) + 1}, location: BI, source: "bench row ${s}" }`);
  lines.push('q850-to-sip:', '  rows:');
  for (let c = 1; c <= 127; c++) lines.push(`    - { cause: ${c}, status: ${400 + (c % 200)}, source: "bench row ${c}" }`);
  lines.push('hunt-stop:', '  statuses:');
  for (let s = 300; s < 700; s++) lines.push(`    - { status: ${s}, source: "bench" }`);
  lines.push('  causes:');
  for (let c = 1; c <= 73; c++) lines.push(`    - { cause: ${c}, source: "bench" }`);
  return `${lines.join('\n')}\n`;
}

/** Measures lookups per second and the reload time of a 1,000-row profile (median of several runs). */
export async function benchMapping(): Promise<{ lookupsPerSec: number; reload1000RowsMs: number }> {
  const set = await loadMappingSet();
  const statuses = [400, 404, 408, 480, 486, 487, 488, 499, 503, 603];
  const causes = [1, 16, 17, 18, 21, 31, 34, 44, 102, 127];
  const n = 2_000_000;
  let sink = 0;
  for (let i = 0; i < 200_000; i++) sink += set.sipToQ850(statuses[i % 10]!, 'rfc3398').isDefault ? 1 : 0; // warm-up
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const j = i % 10;
    sink += set.sipToQ850(statuses[j]!, 'rfc3398').cause ?? 0;
    sink += set.q850ToSip(causes[j]!, 'q1912.5').status ?? 0;
  }
  const lookupMs = performance.now() - t0;
  if (sink === -1) throw new Error('unreachable');

  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-mappings-'));
  try {
    mkdirSync(join(dir, 'profiles'));
    copyFileSync(join(SHIPPED_MAPPINGS_DIR, 'q850-causes.yaml'), join(dir, 'q850-causes.yaml'));
    copyFileSync(join(SHIPPED_MAPPINGS_DIR, 'profiles', 'rfc3398.yaml'), join(dir, 'profiles', 'rfc3398.yaml'));
    copyFileSync(join(SHIPPED_MAPPINGS_DIR, 'profiles', 'q1912-5.yaml'), join(dir, 'profiles', 'q1912-5.yaml'));
    writeFileSync(join(dir, 'profiles', 'bench-1000.yaml'), thousandRowProfile());
    const store = await MappingStore.open({ dir });
    const times: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const outcome = await store.reload();
      times.push(performance.now() - t);
      if (!outcome.ok) throw new Error(outcome.message);
    }
    times.sort((a, b) => a - b);
    return { lookupsPerSec: Math.round((2 * n) / (lookupMs / 1000)), reload1000RowsMs: Math.round(times[3]! * 10) / 10 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
