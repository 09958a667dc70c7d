#!/usr/bin/env node
/**
 * The floor of `npm run bench:calls`: a Node process that moves SIP datagrams between the SIPp caller and the SIPp
 * callee and does nothing else (no parsing, no state, no timers). It costs what any Node process pays to receive and
 * send the same datagrams on this machine (libuv, node:dgram, the kernel's loopback path, waking the peers), so
 * Tandem's CPU per call minus the relay's is what Tandem's own work costs.
 *
 * `node tools/bench/udp-relay.mjs LISTEN_PORT CALLEE_PORT`: a datagram from the callee goes to the last caller
 * port seen, any other to the callee. SIPp answers a UDP request to the address it came from and sends in-dialog
 * requests to the address it dialled, so every message of a call passes through here: INVITE, 180, 200, ACK, BYE
 * and 200 (Tandem adds its own 100 Trying). Prints `listening PORT` on stdout once bound.
 *
 * Not a SIP element: never point it at anything but the benchmark's own SIPp pair.
 */
import dgram from 'node:dgram';

const listenPort = Number(process.argv[2] ?? 0);
const calleePort = Number(process.argv[3]);
if (!Number.isInteger(calleePort) || calleePort <= 0) {
  console.error('usage: udp-relay.mjs LISTEN_PORT CALLEE_PORT');
  process.exit(2);
}
const HOST = '127.0.0.1';
// IP literals only: answer the lookup at once, as Tandem's UDP transport does.
const socket = dgram.createSocket({ type: 'udp4', lookup: (host, _options, cb) => cb(null, host, 4) });
let callerPort = 0;
const onSent = (err) => {
  if (err) console.error(`relay send failed: ${err.message}`);
};
socket.on('message', (bytes, from) => {
  if (from.port === calleePort) {
    if (callerPort !== 0) socket.send(bytes, callerPort, HOST, onSent);
    return;
  }
  callerPort = from.port;
  // Sent with a completion callback, as Tandem sends (it needs the error of each send).
  socket.send(bytes, calleePort, HOST, onSent);
});
socket.on('error', (err) => {
  console.error(`relay socket error: ${err.message}`);
  process.exit(1);
});
socket.bind(listenPort, HOST, () => {
  try {
    socket.setRecvBufferSize(4 * 1024 * 1024);
  } catch {
    // The default buffer only means drops under bursts, as for Tandem.
  }
  console.log(`listening ${socket.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
