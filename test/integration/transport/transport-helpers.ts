/**
 * Helpers for the transport integration tests: typed message builders (no string concatenation for valid
 * messages), bounded waits, and small raw-socket peers.
 */
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { EventEmitter } from 'node:events';
import { HeaderList } from '../../../src/sip/header-list.js';
import { SipRequest } from '../../../src/sip/message.js';
import { parseUri } from '../../../src/sip/uri/parse-uri.js';
import { newBranch, newCallId, newTag } from '../../../src/util/ids.js';
import type { InboundMessage } from '../../../src/transport/transport.js';
import type { TransportLayer } from '../../../src/transport/transport-layer.js';

export interface RequestSpec {
  readonly method?: string;
  readonly uri?: string;
  /** sent-by of the top Via (placeholder when the layer stamps it). */
  readonly viaHost?: string;
  readonly viaPort?: number;
  readonly viaTransport?: string;
  readonly rport?: boolean;
  readonly callId?: string;
  readonly body?: Buffer;
}

/** A minimal valid request (RFC 3261 §8.1.1 mandatory headers). */
export function buildRequest(spec: RequestSpec = {}): SipRequest {
  const method = spec.method ?? 'OPTIONS';
  const headers = new HeaderList();
  headers.append('Via', [
    {
      protocol: 'SIP/2.0',
      transport: spec.viaTransport ?? 'UDP',
      host: spec.viaHost ?? 'placeholder.invalid',
      ...(spec.viaPort === undefined ? {} : { port: spec.viaPort }),
      branch: newBranch(),
      ...(spec.rport === true ? { rport: null } : {}),
      params: [],
    },
  ]);
  headers.append('Max-Forwards', 70);
  headers.append('From', { uri: parseUri('sip:alice@example.com'), tag: newTag(), params: [], isBracketed: true });
  headers.append('To', { uri: parseUri('sip:bob@example.com'), params: [], isBracketed: true });
  headers.append('Call-ID', spec.callId ?? newCallId());
  headers.append('CSeq', { seq: 1, method });
  return new SipRequest({
    method,
    uri: parseUri(spec.uri ?? 'sip:bob@example.com'),
    headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
  });
}

/** Resolves with the next value of `event`, or rejects after `ms` (every wait in these tests is bounded). */
export async function nextEvent<T extends unknown[]>(emitter: EventEmitter, event: string, ms = 5000): Promise<T> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), ms);
  try {
    return (await once(emitter, event, { signal: ac.signal })) as T;
  } catch (err: unknown) {
    if (ac.signal.aborted) throw new Error(`timed out after ${ms} ms waiting for '${event}'`);
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** Resolves with the next inbound message of a layer that satisfies `match`, or rejects after `ms`. */
export function nextMessage(layer: TransportLayer, match: (m: InboundMessage) => boolean = () => true, ms = 5000): Promise<InboundMessage> {
  return new Promise<InboundMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      layer.off('message', onMessage);
      reject(new Error(`timed out after ${ms} ms waiting for a message`));
    }, ms);
    const onMessage = (m: InboundMessage): void => {
      if (!match(m)) return;
      clearTimeout(timer);
      layer.off('message', onMessage);
      resolve(m);
    };
    layer.on('message', onMessage);
  });
}

/** Rejects after `ms` unless `p` settles first. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Polls `predicate` every 10 ms until it holds, or rejects after `ms` (for states no event announces). */
export async function eventually(predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A loopback port that was free for TCP a moment ago (for tests that need UDP and TCP on one port). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
