#!/usr/bin/env node
// `npm run demo`: with `npm start` running (Tandem on its built-in default: UDP 127.0.0.1:5060, calls to
// 127.0.0.1:5080), start a SIPp callee on 127.0.0.1:5080 and a SIPp caller through Tandem, make a handful of calls,
// and print what happened — SIPp's own counts and Tandem's /calls and /metrics.
import { spawn, spawnSync } from 'node:child_process';

const CALLS = Number(process.env.DEMO_CALLS ?? 5);
const TANDEM = process.env.DEMO_TANDEM ?? '127.0.0.1:5060';
const ADMIN = process.env.DEMO_ADMIN ?? '127.0.0.1:8060';

function has(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
if (!has('sipp')) {
  console.error('demo: sipp is not installed (Debian package sip-tester: apt-get install sip-tester)');
  process.exit(1);
}
try {
  const h = await fetch(`http://${ADMIN}/healthz`);
  console.log(`Tandem is up: ${JSON.stringify(await h.json())}`);
} catch {
  console.error(`demo: Tandem does not answer on http://${ADMIN}/healthz — start it first with \`npm start\``);
  process.exit(1);
}

const procs = [];
const run = (args, name) =>
  new Promise((resolve) => {
    const p = spawn('sipp', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    procs.push(p);
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => resolve({ name, code, out }));
  });

console.log(`Starting a SIPp callee on 127.0.0.1:5080 and ${CALLS} calls from a SIPp caller through Tandem at ${TANDEM}…`);
const callee = run(['-sn', 'uas', '-i', '127.0.0.1', '-p', '5080', '-m', String(CALLS), '-nostdin', '-timeout', '30s'], 'callee');
await new Promise((r) => setTimeout(r, 500));
const caller = await run(
  ['-sn', 'uac', '-i', '127.0.0.1', '-p', '5090', '-m', String(CALLS), '-r', '2', '-d', '1000', '-nostdin', '-timeout', '30s', '-timeout_error', TANDEM],
  'caller',
);
// A SIPp UAS keeps listening after its last call: stop it (SIGINT makes it print its final counts) once the
// caller is done and late retransmissions had a moment to arrive.
await new Promise((r) => setTimeout(r, 1000));
for (const p of procs) if (p.exitCode === null) p.kill('SIGINT');
const calleeResult = await callee;

const count = (out, what) => {
  const m = new RegExp(`${what}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(out);
  return m ? Number(m[1]) : undefined;
};
console.log(`caller: exit ${caller.code}, successful calls ${count(caller.out, 'Successful call')}, failed calls ${count(caller.out, 'Failed call')}`);
console.log(`callee: exit ${calleeResult.code}`);
const metrics = await (await fetch(`http://${ADMIN}/metrics`)).text();
console.log('Tandem metrics (calls):');
for (const line of metrics.split('\n')) if (/^tandem_calls/.test(line)) console.log(`  ${line}`);
console.log(caller.code === 0 ? 'Every call went through Tandem and ended cleanly.' : 'Some calls failed: see the SIPp output above and Tandem\'s log.');
process.exit(caller.code === 0 ? 0 : 1);
