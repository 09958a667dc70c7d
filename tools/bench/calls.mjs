#!/usr/bin/env node
/**
 * `npm run bench:calls`: calls per second through Tandem, measured with SIPp on loopback (issue 3).
 *
 * 1. Baseline: SIPp caller → SIPp callee directly, ramping the rate: the ceiling of the harness on this machine.
 * 2. Floor: SIPp caller → a bare Node UDP relay (tools/bench/udp-relay.mjs: no parsing, no state) → SIPp callee,
 *    the same ramp: what any Node process pays on this machine to move the same datagrams.
 * 3. Tandem: SIPp caller → Tandem (built dist/, one Node process) → SIPp callee, the same ramp.
 *    A step passes when every call (INVITE/100/180/200/ACK/BYE/200, SIPp's built-in uac/uas) succeeds; the figure is
 *    the highest passing rate. The middle process's CPU (share of one core over the step, and CPU time per call) and
 *    resident memory are sampled, for the relay and for Tandem alike.
 * 4. Memory per established call: N long calls (-d) held at once; (RSS − RSS idle) / N, read 5 s after the last
 *    call was set up, 40 s later (every transaction ended), and once more after a full GC (V8 starts no major GC in
 *    an idle process, so the second reading still holds what the setup left: tools/bench/gc-on-signal.cjs).
 *
 * A ramp stops at its first failing step. The default rates go on past the target until every ramp has failed once
 * (or passed the highest rate, printed as such), so each figure is a ceiling rather than the top of the list.
 * BENCH_RUNS=N runs the Tandem ramp N times (a fresh, warmed process each time) and reports, per rate, in how many
 * runs it passed: the target is a rate passed every time, not once.
 *
 * Knobs: BENCH_RATES (comma list), BENCH_RUNS (default 1), BENCH_STEP_SECONDS (default 5), BENCH_CONCURRENT (default 20000),
 * BENCH_HOLD_RATE (calls/s used to fill the concurrent calls, default 1000), BENCH_SKIP_MEMORY=1,
 * BENCH_PARTS (comma list of the ramps to run: sipp, relay, tandem; default all three), BENCH_WARMUP_CALLS (calls at
 * 500/s before the first step, not counted; default 3000), BENCH_FRESH=1 (a fresh relay or Tandem for every step,
 * cold JIT included, as in the passes before the sixth).
 */
import { spawn } from 'node:child_process';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const RATES = (process.env.BENCH_RATES ?? '250,500,1000,1500,2000,2500,3000,4000,5000,6000,8000,10000,12000,16000').split(',').map(Number);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
const STEP = Number(process.env.BENCH_STEP_SECONDS ?? 5);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 20000);
const HOLD_RATE = Number(process.env.BENCH_HOLD_RATE ?? 1000);
const CLK = 100; // USER_HZ
const PARTS = new Set((process.env.BENCH_PARTS ?? 'sipp,relay,tandem').split(',').map((x) => x.trim()));
const skipped = { best: undefined, results: [] };
const FRESH = process.env.BENCH_FRESH === '1';
const WARMUP_CALLS = Number(process.env.BENCH_WARMUP_CALLS ?? 3000);
const WARMUP_RATE = 500;

function sipp(args) {
  return new Promise((resolve) => {
    const p = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => {
      out += d;
      if (out.length > 400_000) out = out.slice(-200_000);
    });
    p.stderr.on('data', (d) => (out += d));
    const kill = setTimeout(() => p.kill('SIGKILL'), (STEP + 60) * 1000);
    resolve({
      proc: p,
      done: new Promise((r) => p.on('close', (code) => (clearTimeout(kill), r({ code, out })))),
    });
  });
}
const count = (out, what) => {
  const all = [...out.matchAll(new RegExp(`${what}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`, 'g'))];
  return all.length ? Number(all[all.length - 1][1]) : undefined;
};
/** User + system CPU ticks of a process, or of one of its threads (the main thread's id is the process id). */
const cpuTicks = (pid, tid) => {
  const path = tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`;
  const f = readFileSync(path, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
};
/** Datagrams the kernel dropped for full UDP receive buffers, machine-wide (/proc/net/snmp, Udp RcvbufErrors). */
const udpDrops = () => {
  const lines = readFileSync('/proc/net/snmp', 'utf8').split('\n').filter((l) => l.startsWith('Udp:'));
  const names = lines[0].split(/\s+/);
  return Number(lines[1].split(/\s+/)[names.indexOf('RcvbufErrors')]);
};
/** The same for the socket bound to `port` on 127.0.0.1 (/proc/net/udp, last column), while it is open. */
const socketDrops = (port) => {
  const hex = `0100007F:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const line = readFileSync('/proc/net/udp', 'utf8').split('\n').find((l) => l.trim().split(/\s+/)[1] === hex);
  return line === undefined ? 0 : Number(line.trim().split(/\s+/).pop());
};
const rssKb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

async function startRelay(calleePort) {
  const p = spawn(process.execPath, [join(ROOT, 'tools/bench/udp-relay.mjs'), '0', String(calleePort)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('relay did not start')), 15000);
    p.stdout.on('data', (d) => {
      buf += d;
      const m = /listening (\d+)/.exec(buf);
      if (m) {
        clearTimeout(t);
        resolve(Number(m[1]));
      }
    });
  });
  return { proc: p, port };
}

async function startTandem(calleePort, extra = '', nodeFlags = []) {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  const cfg = join(dir, 'bench.yaml');
  writeFileSync(
    cfg,
    `listen: [udp://127.0.0.1:0]
trunks:
  caller: { from: [127.0.0.0/8] }
  callee: { to: "sip:127.0.0.1:${calleePort};transport=udp", ping: false }
routes: [{ prefix: "", trunks: [callee] }]
limits: { maxCalls: 1000000, callsPerSecond: 1000000 }
admin: { listen: off }
log: { level: warn }
${extra}`,
  );
  const p = spawn(process.execPath, [...nodeFlags, join(ROOT, 'dist/cli/main.js'), 'run', '--config', cfg, '--log-level', 'info'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error('tandem did not start')), 15000);
    p.stdout.on('data', (d) => {
      buf += d;
      const m = /"sockets":\[\{"protocol":"udp","host":"127.0.0.1","port":(\d+)/.exec(buf);
      if (m) {
        clearTimeout(t);
        p.stdout.resume();
        resolve(Number(m[1]));
      }
    });
  });
  p.stdout.on('data', () => {});
  return { proc: p, port };
}

let portSeq = 17000 + Math.floor(Math.random() * 20000);

/** One step: a SIPp callee on `uasPort` and a SIPp caller at `rate` toward `target`, `calls` calls. */
async function runStep(rate, calls, uasPort, target) {
  const uas = await sipp(['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-m', String(calls), '-timeout', `${STEP + 30}s`]);
  await new Promise((r) => setTimeout(r, 300));
  const uac = await sipp(['-sn', 'uac', '-i', '127.0.0.1', '-p', String(++portSeq), '-nostdin', '-m', String(calls), '-r', String(rate), '-rp', '1000', '-l', String(rate * 40), '-timeout', `${STEP + 25}s`, '-timeout_error', '-max_recv_loops', '10000', target]);
  return { uas, uac };
}

/**
 * Ramps the rate through one middle process (relay or Tandem), started once and warmed up first, as a gateway in
 * service is: the JIT has compiled the call path before the first measured step. BENCH_FRESH=1 starts a fresh
 * process for every step instead (the method of the earlier passes: each step then includes the JIT's warm-up).
 */
async function ramp(label, makeTarget) {
  const results = [];
  const uasPort = ++portSeq;
  const shared = FRESH ? undefined : await makeTarget(uasPort);
  if (shared?.pid !== undefined && WARMUP_CALLS > 0) {
    const { uas, uac } = await runStep(WARMUP_RATE, WARMUP_CALLS, uasPort, shared.target);
    const r = await uac.done;
    uas.proc.kill('SIGINT');
    await uas.done;
    console.log(`${label}: warm-up, ${count(r.out, 'Successful call') ?? 0}/${WARMUP_CALLS} calls at ${WARMUP_RATE} calls/s (not counted)`);
    await new Promise((r2) => setTimeout(r2, 2000));
  }
  for (const rate of RATES) {
    const calls = Math.max(50, Math.round(rate * STEP));
    const { target, pid, stop } = shared ?? (await makeTarget(uasPort));
    const t0 = pid ? cpuTicks(pid) : 0;
    const m0 = pid ? cpuTicks(pid, pid) : 0;
    const w0 = Date.now();
    const middlePort = Number(target.split(':')[1]);
    const drops0 = udpDrops();
    const middleDrops0 = pid ? socketDrops(middlePort) : 0;
    const { uas, uac } = await runStep(rate, calls, uasPort, target);
    let peakRss = 0;
    const sampler = pid ? setInterval(() => (peakRss = Math.max(peakRss, rssKb(pid))), 200) : undefined;
    const r = await uac.done;
    clearInterval(sampler);
    const wall = (Date.now() - w0) / 1000;
    const cpuSeconds = pid ? (cpuTicks(pid) - t0) / CLK : undefined;
    const cpu = cpuSeconds !== undefined ? cpuSeconds / wall : undefined;
    const cpuPerCallUs = cpuSeconds !== undefined ? (cpuSeconds * 1e6) / calls : undefined;
    // JavaScript runs on the main thread alone (GC and JIT helpers take the rest): the thread that limits the rate.
    const mainPerCallUs = pid ? ((cpuTicks(pid, pid) - m0) / CLK) * (1e6 / calls) : undefined;
    // Read while the callee SIPp and the middle process still hold their sockets.
    const drops = udpDrops() - drops0;
    const middleDrops = pid ? socketDrops(middlePort) - middleDrops0 : 0;
    uas.proc.kill('SIGINT');
    await uas.done;
    if (shared === undefined) await stop();
    const ok = count(r.out, 'Successful call') ?? 0;
    const failed = count(r.out, 'Failed call') ?? 0;
    const pass = r.code === 0 && failed === 0 && ok === calls;
    results.push({ rate, calls, ok, failed, pass, cpu, cpuPerCallUs, mainPerCallUs, rssMb: peakRss ? peakRss / 1024 : undefined });
    const usage =
      cpu !== undefined
        ? `, CPU ${(cpu * 100).toFixed(0)}% of a core (${cpuPerCallUs.toFixed(0)} µs per call, ${mainPerCallUs.toFixed(0)} µs on the main thread), RSS ${(peakRss / 1024).toFixed(0)} MB`
        : '';
    // A datagram dropped where SIPp's built-in scenarios cannot recover it leaves a call unfinished: said so.
    const dropped = drops > 0 ? `, ${drops} datagrams dropped by the kernel (full receive buffers${pid ? `; ${middleDrops} at the middle process` : ''})` : '';
    console.log(`${label}: ${rate} calls/s × ${STEP}s → ${ok}/${calls} ok, ${failed} failed${usage}${dropped} ${pass ? 'PASS' : 'FAIL'}`);
    if (!pass) break;
    // The calls of a step linger in the transactions for 32 s; the next step starts on top of them, as in service.
    if (shared !== undefined) await new Promise((r2) => setTimeout(r2, 1000));
  }
  if (shared !== undefined) await shared.stop();
  const best = results.filter((x) => x.pass).pop();
  return { best, results };
}

console.log(
  `node ${process.version}; ${new Date().toISOString()}; ramp ${RATES.join(', ')} calls/s, ${STEP}s per step; ${FRESH ? 'a fresh process per step' : `one process per ramp, warmed up with ${WARMUP_CALLS} calls at ${WARMUP_RATE}/s`}`,
);
const baseline = !PARTS.has('sipp') ? skipped : await ramp('SIPp → SIPp', async (uasPort) => ({ target: `127.0.0.1:${uasPort}`, pid: undefined, stop: async () => {} }));
const stopProc = (proc) => async () => {
  proc.kill('SIGKILL');
  await new Promise((r) => proc.on('close', r));
};
const relay = !PARTS.has('relay') ? skipped : await ramp('SIPp → Node UDP relay → SIPp', async (uasPort) => {
  const r = await startRelay(uasPort);
  return { target: `127.0.0.1:${r.port}`, pid: r.proc.pid, stop: stopProc(r.proc) };
});
/** Every Tandem ramp of this invocation (BENCH_RUNS); the figures below are those of the first. */
const tandemRuns = [];
for (let run = 1; PARTS.has('tandem') && run <= RUNS; run++) {
  const label = RUNS > 1 ? `SIPp → Tandem → SIPp (run ${run}/${RUNS})` : 'SIPp → Tandem → SIPp';
  tandemRuns.push(
    await ramp(label, async (uasPort) => {
      const t = await startTandem(uasPort);
      return { target: `127.0.0.1:${t.port}`, pid: t.proc.pid, stop: stopProc(t.proc) };
    }),
  );
}
const tandem = tandemRuns[0] ?? skipped;

let memory;
if (process.env.BENCH_SKIP_MEMORY !== '1') {
  const uasPort = ++portSeq;
  // Calls are held past the transactions' own end (Timer L/M, 64·T1 = 32 s after each 2xx), so the figure can be
  // read twice: while the newest calls' transactions still run, and at steady state (established calls only).
  const holdMs = Math.ceil((CONCURRENT / HOLD_RATE) * 1000) + 60000;
  const uas = await sipp(['-sn', 'uas', '-i', '127.0.0.1', '-p', String(uasPort), '-nostdin', '-m', String(CONCURRENT), '-timeout', `${holdMs / 1000 + 60}s`]);
  // --expose-gc and tools/bench/gc-on-signal.cjs only let the last reading ask for a full GC (SIGUSR2).
  const t = await startTandem(uasPort, '', ['--expose-gc', '-r', join(ROOT, 'tools/bench/gc-on-signal.cjs')]);
  await new Promise((r) => setTimeout(r, 1000));
  const idle = rssKb(t.proc.pid);
  const uac = await sipp(['-sn', 'uac', '-i', '127.0.0.1', '-p', String(++portSeq), '-nostdin', '-m', String(CONCURRENT), '-r', String(HOLD_RATE), '-d', String(holdMs), '-l', String(CONCURRENT + 100), '-timeout', `${holdMs / 1000 + 60}s`, '-max_recv_loops', '10000', `127.0.0.1:${t.port}`]);
  await new Promise((r) => setTimeout(r, (CONCURRENT / HOLD_RATE) * 1000 + 5000));
  const held = rssKb(t.proc.pid);
  await new Promise((r) => setTimeout(r, 35000));
  const steady = rssKb(t.proc.pid);
  t.proc.kill('SIGUSR2');
  await new Promise((r) => setTimeout(r, 15000));
  const collected = rssKb(t.proc.pid);
  uac.proc.kill('SIGINT');
  uas.proc.kill('SIGINT');
  await Promise.all([uac.done, uas.done]);
  t.proc.kill('SIGKILL');
  memory = { calls: CONCURRENT, idleMb: idle / 1024, heldMb: held / 1024, perCallKb: (held - idle) / CONCURRENT, steadyMb: steady / 1024, steadyPerCallKb: (steady - idle) / CONCURRENT, collectedPerCallKb: (collected - idle) / CONCURRENT };
  console.log(`memory: ${CONCURRENT} calls, 5 s after the last was set up: RSS ${(idle / 1024).toFixed(0)} MB idle → ${(held / 1024).toFixed(0)} MB, ${memory.perCallKb.toFixed(1)} KB per call`);
  console.log(`memory: ${CONCURRENT} established calls, 40 s later (transactions ended): RSS ${(steady / 1024).toFixed(0)} MB, ${memory.steadyPerCallKb.toFixed(1)} KB per call (target ≤ 10 KB)`);
  console.log(`memory: the same calls after a full GC (V8 starts none while idle): RSS ${(collected / 1024).toFixed(0)} MB, ${memory.collectedPerCallKb.toFixed(1)} KB per call`);
}

const b = baseline.best?.rate ?? 0;
const rb = relay.best?.rate ?? 0;
/** The ratio to SIPp → SIPp, when that ramp ran and passed a step. */
const ratio = (rate) => (b > 0 ? `, ratio ${(rate / b).toFixed(2)} of the baseline` : '');
const tb = tandem.best?.rate ?? 0;
console.log('');
const TOP = RATES[RATES.length - 1];
/** A ramp that passed the highest rate tried has not found its ceiling: said so rather than shown as one. */
const ceiling = (rate) => (rate === TOP ? ` (the highest rate tried: the ceiling is above it)` : '');
if (PARTS.has('sipp')) console.log(`SIPp → SIPp (harness ceiling): ${b} calls/s with zero failures${ceiling(b)}`);
if (PARTS.has('relay')) console.log(`SIPp → Node relay → SIPp:      ${rb} calls/s with zero failures (the floor of any Node process)${ratio(rb)}${ceiling(rb)}`);
if (PARTS.has('tandem')) console.log(`SIPp → Tandem → SIPp:          ${tb} calls/s with zero failures (target ≥ 2,000)${ratio(tb)}${ceiling(tb)}`);
if (tandem.best?.cpu !== undefined) console.log(`Tandem at ${tb} calls/s: ${(tandem.best.cpu * 100).toFixed(0)}% of one core, peak RSS ${tandem.best.rssMb.toFixed(0)} MB`);
if (tandemRuns.length > 1) {
  // A ramp stops at its first failure: a rate above it counts as not passed in that run.
  for (const rate of RATES) {
    const passed = tandemRuns.filter((run) => run.results.some((x) => x.rate === rate && x.pass)).length;
    if (passed === 0 && tandemRuns.every((run) => !run.results.some((x) => x.rate === rate))) break;
    const main = tandemRuns.flatMap((run) => run.results.filter((x) => x.rate === rate && x.pass).map((x) => x.mainPerCallUs));
    const range = main.length ? `, ${Math.min(...main).toFixed(0)}–${Math.max(...main).toFixed(0)} µs per call on the main thread where it passed` : '';
    console.log(`Tandem at ${rate} calls/s: passed in ${passed} of ${tandemRuns.length} runs${range}`);
  }
  const every = RATES.filter((rate) => tandemRuns.every((run) => run.results.some((x) => x.rate === rate && x.pass))).pop() ?? 0;
  console.log(`SIPp → Tandem → SIPp, every run: ${every} calls/s with zero failures in all ${tandemRuns.length} runs (target ≥ 2,000)`);
}
// CPU per call at every rate both passed: Tandem's own work is the difference.
for (const t of tandem.results.filter((x) => x.pass)) {
  const r = relay.results.find((x) => x.rate === t.rate && x.pass);
  if (r === undefined) continue;
  console.log(
    `CPU per call at ${t.rate} calls/s: relay ${r.cpuPerCallUs.toFixed(0)} µs (main thread ${r.mainPerCallUs.toFixed(0)}), Tandem ${t.cpuPerCallUs.toFixed(0)} µs (main thread ${t.mainPerCallUs.toFixed(0)}): ${(t.cpuPerCallUs / r.cpuPerCallUs).toFixed(1)}× the relay`,
  );
}
