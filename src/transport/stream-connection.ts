/**
 * One TCP or TLS connection carrying SIP (RFC 3261 §18.3): a {@link StreamFramer} turns the byte stream into
 * messages by Content-Length, an idle timer closes it after a quiet period, and two buffer limits bound memory.
 *
 * A framing error closes this connection only (§18.3: once framing is lost the stream cannot be resynchronised),
 * never the listener or other connections. RFC 5626 §4.4.1 CRLF keep-alive pings are answered with a CRLF pong.
 *
 * @see https://www.rfc-editor.org/rfc/rfc3261#section-18.3
 * @internal Used by stream-transport.ts only.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../observability/logger.js';
import type { ParserLimits } from '../sip/parser/limits.js';
import { StreamFramer } from '../sip/parser/stream-framer.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { HostPort } from './socket-transport.js';
import { TransportError } from './transport-error.js';
import type { Source } from './transport.js';

const PONG = Buffer.from('\r\n');

/** Why a connection closed (label `reason` of the closed-connections counter). */
export type CloseReason = 'idle' | 'framing' | 'buffer-limit' | 'peer' | 'error' | 'shutdown' | 'refused';

/** @internal */
export interface StreamConnectionInit {
  readonly id: string;
  readonly key: string;
  readonly protocol: 'tcp' | 'tls';
  readonly direction: 'inbound' | 'outbound';
  readonly socket: Socket;
  readonly remote: HostPort;
  readonly local: HostPort;
  readonly clock: Clock;
  readonly idleTimeoutMs: number;
  readonly maxBufferedBytes: number;
  readonly maxWriteBufferBytes: number;
  readonly limits: ParserLimits;
  readonly log: Logger;
  readonly onMessage: (bytes: Buffer, connection: StreamConnection) => void;
  readonly onClose: (connection: StreamConnection, reason: CloseReason) => void;
}

/** @internal A framed SIP connection with idle and buffer limits. */
export class StreamConnection {
  readonly id: string;
  readonly key: string;
  readonly direction: 'inbound' | 'outbound';
  readonly remote: HostPort;
  readonly source: Source;
  readonly #init: StreamConnectionInit;
  readonly #socket: Socket;
  readonly #framer: StreamFramer;
  #lastActivity: number;
  #idleTimer: TimerHandle | undefined;
  #closed = false;
  #closeReason: CloseReason | undefined;
  readonly #whenClosed: Promise<void>;

  constructor(init: StreamConnectionInit) {
    this.#init = init;
    this.id = init.id;
    this.key = init.key;
    this.direction = init.direction;
    this.remote = init.remote;
    this.#socket = init.socket;
    this.#framer = new StreamFramer(init.limits);
    this.source = Object.freeze({ protocol: init.protocol, remote: init.remote, local: init.local, connectionId: init.id });
    this.#lastActivity = init.clock.now();
    this.#armIdle(init.idleTimeoutMs);
    const socket = init.socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err) => {
      // Always followed by 'close'; recorded here so the close reason says why.
      this.#closeReason ??= 'error';
      init.log.debug({ err, connectionId: this.id }, 'connection error');
    });
    this.#whenClosed = new Promise<void>((resolve) => {
      socket.once('close', () => {
        this.#finish();
        resolve();
      });
    });
  }

  /** True once closing started (the socket is destroyed) or finished. */
  get closed(): boolean {
    return this.#closed || this.#socket.destroyed;
  }

  /**
   * Writes one message. Resolves once handed to the kernel.
   * @throws TransportError when the connection is closed or the peer is not reading (write buffer limit).
   */
  write(bytes: Buffer): Promise<void> {
    if (this.#closed || this.#socket.destroyed) {
      return Promise.reject(new TransportError(`connection ${this.id} to ${this.key} is closed`));
    }
    if (this.#socket.writableLength + bytes.length > this.#init.maxWriteBufferBytes) {
      return Promise.reject(
        new TransportError(
          `connection ${this.id} to ${this.key}: write buffer limit (${this.#init.maxWriteBufferBytes} bytes) reached`,
        ),
      );
    }
    this.#touch();
    return new Promise<void>((resolve, reject) => {
      this.#socket.write(bytes, (err) => {
        if (err === null || err === undefined) resolve();
        else reject(new TransportError(`write on connection ${this.id} to ${this.key} failed: ${err.message}`, { cause: err }));
      });
    });
  }

  /** Closes the connection (idempotent) and resolves once the socket is gone. */
  close(reason: CloseReason): Promise<void> {
    if (!this.#closed) {
      this.#closeReason ??= reason;
      this.#socket.destroy();
    }
    return this.#whenClosed;
  }

  #onData(chunk: Buffer): void {
    if (this.closed) return;
    this.#touch();
    let items: ReturnType<StreamFramer['push']>;
    try {
      items = this.#framer.push(chunk);
    } catch (err: unknown) {
      // The framer does not throw by contract; if it ever does, the stream is no longer trustworthy.
      this.#init.log.warn({ err, connectionId: this.id }, 'stream framer threw; closing connection');
      void this.close('framing');
      return;
    }
    for (const item of items) {
      if (this.closed) return;
      switch (item.kind) {
        case 'message':
          this.#init.onMessage(item.bytes, this);
          break;
        case 'keepalive':
          // RFC 5626 §4.4.1: a double-CRLF "ping" is answered with a single CRLF "pong".
          this.#socket.write(PONG);
          break;
        case 'error':
          // RFC 3261 §18.3: framing is lost; close this connection only.
          this.#init.log.info({ connectionId: this.id, remote: this.key, err: item.error }, 'framing error; closing connection');
          void this.close('framing');
          return;
      }
    }
    if (this.#framer.buffered > this.#init.maxBufferedBytes) {
      const bytes = this.#framer.buffered;
      this.#init.log.info({ connectionId: this.id, remote: this.key, bytes }, 'connection buffer limit; closing');
      void this.close('buffer-limit');
    }
  }

  #touch(): void {
    this.#lastActivity = this.#init.clock.now();
  }

  /** One timer per connection, re-armed lazily for the remaining time instead of on every packet. */
  #armIdle(ms: number): void {
    this.#idleTimer = this.#init.clock.setTimer(ms, () => {
      if (this.#closed) return;
      const quiet = this.#init.clock.now() - this.#lastActivity;
      if (quiet >= this.#init.idleTimeoutMs) {
        this.#init.log.debug({ connectionId: this.id, remote: this.key }, 'idle timeout; closing connection');
        void this.close('idle');
      } else {
        this.#armIdle(this.#init.idleTimeoutMs - quiet);
      }
    });
  }

  #finish(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#idleTimer?.cancel();
    this.#init.onClose(this, this.#closeReason ?? 'peer');
  }
}
