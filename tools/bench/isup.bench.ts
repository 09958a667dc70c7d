// ISUP codec throughput: decode + encode of the standards.md §6.8 outbound IAM (27 octets, no CIC), measured for
// about 2 s after a warm-up. Target (issue): at least 500,000 decode+encode per second.
import { decodeIsup, encodeIsup } from '../../src/codecs/isup/index.js';

/** The §6.8 IAM: CdPN international 493012345678, CgPN 4989123456 (SIP-I body form). */
const TYPICAL_IAM = Buffer.from('010048000a03020a0804909403214365870a070413949821436500', 'hex');

/**
 * Measures decode+encode round trips per second of a typical IAM: `opsPerSec` over wall time, and `opsPerCpuSec`
 * over this process's CPU time (user + system), which stays meaningful on a loaded, shared machine.
 */
export async function benchIsup(durationMs = 2000): Promise<{ opsPerSec: number; opsPerCpuSec: number }> {
  const round = (): number => encodeIsup(decodeIsup(TYPICAL_IAM)).length;
  let sink = 0;
  for (let i = 0; i < 50_000; i++) sink += round();
  await new Promise((resolve) => setImmediate(resolve));
  const batch = 10_000;
  let ops = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < batch; i++) sink += round();
    ops += batch;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  if (sink === 0) throw new Error('benchmark produced nothing');
  const cpuMs = (cpu.user + cpu.system) / 1000;
  return { opsPerSec: Math.round((ops * 1000) / elapsed), opsPerCpuSec: Math.round((ops * 1000) / cpuMs) };
}
