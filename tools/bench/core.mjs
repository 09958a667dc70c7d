#!/usr/bin/env node
/**
 * `npm run bench:core`: what one call costs Tandem's JavaScript, without sockets (issue 3).
 *
 * `npm run bench:calls` measures calls per second through real UDP sockets with SIPp on both sides; on this
 * 2-core virtual machine its figures swing by ±30 % from run to run (host noise, wake-ups, the kernel's loopback
 * path). This benchmark takes the kernel out: the built gateway (dist/, the same `createGateway` as `tandem run`)
 * is driven in-process, its UDP socket's `send` captured and its `message` event fed, by two scripted peers that
 * play SIPp's built-in uac and uas (INVITE/100/180/200/ACK/BYE/200, the caller hanging up). Everything else is the
 * shipped code: parser, transport layer, transactions, dialogs, B2BUA, metrics.
 *
 * Reported, per call: CPU of the main thread and of the whole process (GC threads included), minus the time the
 * scripted peers themselves took (timed around each peer step), and the same figures for a baseline in the same
 * invocation: the peers talking straight to each other (what the harness costs with no Tandem in between). Then
 * the same cost as a ratio to a reference workload timed in the same round (see {@link referenceUnit}): the
 * figure to compare builds by, since it moves less with the host's speed than the microseconds do.
 *
 * Knobs: CORE_CALLS (calls per round, default 20000), CORE_INFLIGHT (calls in progress at once, default 200),
 * CORE_ROUNDS (default 3; the first is warm-up and not reported).
 */
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url).pathname;
const CALLS = Number(process.env.CORE_CALLS ?? 20_000);
const INFLIGHT = Number(process.env.CORE_INFLIGHT ?? 200);
const ROUNDS = Number(process.env.CORE_ROUNDS ?? 3);
const CALLER_PORT = 5062;
const CALLEE_PORT = 5999;
const HOST = '127.0.0.1';

// ── The socket seam: every dgram send is captured; datagrams are delivered by emitting 'message' ─────────────────
/** @type {{ from: number, to: number, bytes: Buffer }[]} */
let wire = [];
/** @type {dgram.Socket[]} the sockets bound in this process: Tandem's one UDP listening point */
const bound = [];
let tandemPort = 0;
const realBind = dgram.Socket.prototype.bind;
dgram.Socket.prototype.bind = function (...args) {
  bound.push(this);
  return realBind.apply(this, args);
};
dgram.Socket.prototype.send = function (bytes, port, address, cb) {
  wire.push({ from: tandemPort, to: port, bytes: Buffer.from(bytes) });
  if (typeof cb === 'function') process.nextTick(cb, null, bytes.length);
};
const deliver = (bytes, fromPort) =>
  bound[0].emit('message', bytes, { address: HOST, family: 'IPv4', port: fromPort, size: bytes.length });

// ── The scripted peers (string templates, as SIPp's built-in scenarios) ──────────────────────────────────────────
const SDP = 'v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n';
const header = (text, name) => {
  const i = text.indexOf(`\r\n${name}:`);
  if (i < 0) return '';
  const e = text.indexOf('\r\n', i + 2);
  return text.slice(i + 2, e);
};
const vias = (text) => text.split('\r\n').filter((l) => l.startsWith('Via:')).join('\r\n');
const toTag = (text) => /;tag=([^;\s>]+)/.exec(header(text, 'To'))?.[1] ?? '';

function invite(n, target) {
  return (
    `INVITE sip:service@${HOST}:${target} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP ${HOST}:${CALLER_PORT};branch=z9hG4bK-${n}-1\r\n` +
    `From: sipp <sip:sipp@${HOST}:${CALLER_PORT}>;tag=${n}SIPpTag00\r\n` +
    `To: service <sip:service@${HOST}:${target}>\r\n` +
    `Call-ID: ${n}-bench@${HOST}\r\nCSeq: 1 INVITE\r\n` +
    `Contact: sip:sipp@${HOST}:${CALLER_PORT}\r\nMax-Forwards: 70\r\nSubject: Performance Test\r\n` +
    `Content-Type: application/sdp\r\nContent-Length: ${SDP.length}\r\n\r\n${SDP}`
  );
}
function inDialog(method, n, target, tag, cseq) {
  return (
    `${method} sip:service@${HOST}:${target} SIP/2.0\r\n` +
    `Via: SIP/2.0/UDP ${HOST}:${CALLER_PORT};branch=z9hG4bK-${n}-${cseq}${method}\r\n` +
    `From: sipp <sip:sipp@${HOST}:${CALLER_PORT}>;tag=${n}SIPpTag00\r\n` +
    `To: service <sip:service@${HOST}:${target}>;tag=${tag}\r\n` +
    `Call-ID: ${n}-bench@${HOST}\r\nCSeq: ${method === 'ACK' ? 1 : cseq} ${method}\r\n` +
    `Contact: sip:sipp@${HOST}:${CALLER_PORT}\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`
  );
}
function reply(req, status, reason, tag, body) {
  const to = header(req, 'To');
  return (
    `SIP/2.0 ${status} ${reason}\r\n${vias(req)}\r\n${header(req, 'From')}\r\n` +
    `${tag !== undefined && !to.includes(';tag=') ? `${to};tag=${tag}` : to}\r\n` +
    `${header(req, 'Call-ID')}\r\n${header(req, 'CSeq')}\r\n` +
    (status === 200 && req.startsWith('INVITE') ? `Contact: <sip:${HOST}:${CALLEE_PORT};transport=UDP>\r\n` : '') +
    (body === undefined
      ? 'Content-Length: 0\r\n\r\n'
      : `Content-Type: application/sdp\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
  );
}

/**
 * Runs `calls` calls with `inflight` in progress, the caller talking to `callerTarget` (Tandem's port, or the
 * callee's for the baseline). Returns when every call got its BYE answered.
 */
let serial = 0; // Call-IDs, tags and branches never repeat across rounds (Tandem would take them for retransmissions)
async function round(calls, inflight, callerTarget) {
  let started = 0;
  let done = 0;
  let peerMs = 0;
  const callerPeer = (text) => {
    const n = /Call-ID: (\d+)-bench/.exec(text)?.[1];
    const cseq = header(text, 'CSeq');
    if (text.startsWith('SIP/2.0 200') && cseq.endsWith('INVITE')) {
      const tag = toTag(text);
      send(inDialog('ACK', n, callerTarget, tag, 1), CALLER_PORT, callerTarget);
      send(inDialog('BYE', n, callerTarget, tag, 2), CALLER_PORT, callerTarget);
    } else if (text.startsWith('SIP/2.0 200') && cseq.endsWith('BYE')) {
      done++;
      if (started < calls) startCall();
    }
  };
  const calleePeer = (text) => {
    if (text.startsWith('INVITE ')) {
      const tag = `${header(text, 'Call-ID').length}x${Math.random().toString(36).slice(2, 10)}`;
      send(reply(text, 180, 'Ringing', tag), CALLEE_PORT, callerTarget === CALLEE_PORT ? CALLER_PORT : tandemPort);
      send(reply(text, 200, 'OK', tag, SDP), CALLEE_PORT, callerTarget === CALLEE_PORT ? CALLER_PORT : tandemPort);
    } else if (text.startsWith('BYE ')) {
      send(reply(text, 200, 'OK'), CALLEE_PORT, callerTarget === CALLEE_PORT ? CALLER_PORT : tandemPort);
    }
  };
  const send = (text, from, to) => wire.push({ from, to, bytes: Buffer.from(text, 'latin1') });
  const startCall = () => {
    started++;
    send(invite(++serial, callerTarget), CALLER_PORT, callerTarget);
  };
  for (let i = 0; i < inflight && started < calls; i++) startCall();
  let idle = 0;
  while (done < calls) {
    const batch = wire;
    wire = [];
    for (const d of batch) {
      if (d.to === tandemPort) {
        deliver(d.bytes, d.from);
        continue;
      }
      const t0 = performance.now();
      const text = d.bytes.toString('latin1');
      if (d.to === CALLER_PORT) callerPeer(text);
      else if (d.to === CALLEE_PORT) calleePeer(text);
      peerMs += performance.now() - t0;
    }
    // Let Tandem's microtasks, nextTicks and timers run, as the event loop would between datagrams.
    await new Promise((r) => setImmediate(r));
    if (batch.length === 0 && ++idle > 10_000) throw new Error(`stalled: ${done}/${calls} calls done`);
    if (batch.length > 0) idle = 0;
  }
  return { peerMs };
}

const ticks = () => {
  const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10; // ms (USER_HZ = 100)
};
async function measured(calls, inflight, target) {
  const main0 = ticks();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const { peerMs } = await round(calls, inflight, target);
  const cpu = process.cpuUsage(cpu0);
  const mainMs = ticks() - main0;
  const allMs = (cpu.user + cpu.system) / 1_000;
  const us = (ms) => ((ms * 1_000) / calls).toFixed(0);
  return {
    main: (mainMs - peerMs) * 1_000 / calls,
    all: (allMs - peerMs) * 1_000 / calls,
    text: `main thread ${us(mainMs - peerMs)} µs/call, whole process ${us(allMs - peerMs)} µs/call (peers ${us(peerMs)} µs/call subtracted), wall ${us(performance.now() - wall0)} µs/call`,
  };
}

/**
 * The host-speed reference, run in the same round: one unit is the work of a call's twelve messages done by plain
 * JavaScript that shares no code with Tandem — split a SIP message into lines, file its headers in a Map, read a
 * few by regular expression, write it out again. This machine's speed moves by ±20 % from one minute to the next;
 * the ratio of Tandem's cost per call to the unit moves less, and is the figure to compare builds by.
 */
const REFERENCE_MESSAGES = [];
{
  const inv = invite(0, CALLEE_PORT);
  const ok = reply(inv, 200, 'OK', 'reftag', SDP);
  const ring = reply(inv, 180, 'Ringing', 'reftag');
  const ack = inDialog('ACK', 0, CALLEE_PORT, 'reftag', 1);
  const bye = inDialog('BYE', 0, CALLEE_PORT, 'reftag', 2);
  REFERENCE_MESSAGES.push(inv, inv, ring, ring, ok, ok, ack, ack, bye, bye, reply(bye, 200, 'OK'), reply(bye, 200, 'OK'));
}
let referenceSink = 0;
function referenceUnit() {
  for (const text of REFERENCE_MESSAGES) {
    const [head, body = ''] = text.split('\r\n\r\n');
    const lines = head.split('\r\n');
    const headers = new Map();
    for (let i = 1; i < lines.length; i++) {
      const c = lines[i].indexOf(':');
      const name = lines[i].slice(0, c).toLowerCase();
      const value = lines[i].slice(c + 1).trim();
      const prev = headers.get(name);
      headers.set(name, prev === undefined ? [value] : [...prev, value]);
    }
    const branch = /branch=([^;\s]+)/.exec(headers.get('via')?.[0] ?? '')?.[1] ?? '';
    const tag = /;tag=([^;\s>]+)/.exec(headers.get('from')?.[0] ?? '')?.[1] ?? '';
    let out = lines[0];
    for (const [name, values] of headers) for (const v of values) out += `\r\n${name}: ${v}`;
    out += `\r\n\r\n${body}`;
    referenceSink += Buffer.byteLength(out) + branch.length + tag.length;
  }
}
function reference(units) {
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < units; i++) referenceUnit();
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) / units;
}

const { loadConfigText } = await import(`${ROOT}dist/config/load.js`);
const { createGateway } = await import(`${ROOT}dist/gateway.js`);
const { createLogger } = await import(`${ROOT}dist/observability/logger.js`);
const config = loadConfigText(
  `listen: [udp://${HOST}:0]
trunks:
  caller: { from: [127.0.0.0/8] }
  callee: { to: "sip:${HOST}:${CALLEE_PORT};transport=udp", ping: false }
routes: [{ prefix: "", trunks: [callee] }]
limits: { maxCalls: 1000000, callsPerSecond: 1000000 }
admin: { listen: off }
log: { level: warn }
`,
  'bench-core.yaml',
);
const gateway = await createGateway({ config, logger: createLogger({ level: 'warn' }) });
tandemPort = gateway.listeningPoints[0].port;

console.log(`node ${process.version}; ${new Date().toISOString()}; ${CALLS} calls per round, ${INFLIGHT} in progress`);
for (let r = 0; r < ROUNDS; r++) {
  const base = await measured(CALLS, INFLIGHT, CALLEE_PORT);
  const refBefore = reference(CALLS);
  const tandem = await measured(CALLS, INFLIGHT, tandemPort);
  const ref = (refBefore + reference(CALLS)) / 2;
  if (r === 0) continue; // warm-up: the JIT, the pools, the linger queues filling
  console.log(`round ${r}: peers alone: ${base.text}`);
  console.log(`round ${r}: through Tandem: ${tandem.text}`);
  console.log(
    `round ${r}: reference unit ${ref.toFixed(1)} µs (before and after the Tandem round); Tandem per call = ${(tandem.main / ref).toFixed(1)} units on the main thread, ${(tandem.all / ref).toFixed(1)} for the whole process`,
  );
}
await gateway.close();
if (referenceSink === 0) console.log('(reference workload did nothing)');
process.exit(0);
