/**
 * TCP transport (RFC 3261 §18, reliable; framing by Content-Length, §18.3): node:net server and client sockets on
 * the shared pool of {@link StreamTransport}.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-18.3
 */
import { connect, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import type { HostPort } from './socket-transport.js';
import { StreamTransport } from './stream-transport.js';
import type { StreamTransportOptions } from './transport-options.js';

/**
 * SIP over TCP.
 *
 * Events: 'message', 'error' (see {@link StreamTransport}).
 */
export class TcpTransport extends StreamTransport {
  readonly protocol = 'tcp' as const;

  constructor(options: StreamTransportOptions = {}) {
    super(options, 'tcp');
  }

  protected override createServer(onSocket: (socket: Socket) => void): Promise<Server> {
    return Promise.resolve(createServer({ noDelay: true }, onSocket));
  }

  protected override connectSocket(target: HostPort, localAddress: string | undefined, track: (s: Socket) => void): Promise<Socket> {
    const socket = connect({
      host: target.address,
      port: target.port,
      noDelay: true,
      ...(localAddress === undefined ? {} : { localAddress }),
    });
    track(socket);
    return StreamTransport.waitFor(socket, 'connect');
  }
}
