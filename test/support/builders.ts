/**
 * Typed SIP message builders for tests (STYLE.md P15: never string concatenation). Every header is written with a
 * HeaderList typed setter; URIs come from the URI parser.
 */
import { createResponse } from '../../src/sip/build.js';
import type { ResponseOptions } from '../../src/sip/build.js';
import { HeaderList } from '../../src/sip/header-list.js';
import type { NameAddr, Via } from '../../src/sip/headers/header-types.js';
import { SipRequest } from '../../src/sip/message.js';
import type { SipResponse } from '../../src/sip/message.js';
import { parseUri } from '../../src/sip/uri/parse-uri.js';
import type { Endpoint, Source, TransportProtocol } from '../../src/transport/transport.js';
import { newBranch, newCallId, newTag } from '../../src/util/ids.js';

/** What a test may say about a request; everything has a sensible default. */
export interface RequestSpec {
  readonly method?: string;
  readonly uri?: string;
  /** Top Via branch; default a fresh RFC 3261 branch. `null` writes a Via without a branch (RFC 2543 peer). */
  readonly branch?: string | null;
  readonly viaHost?: string;
  readonly viaPort?: number;
  readonly viaTransport?: string;
  /** Extra Via values below the top one (as a proxy would add). */
  readonly lowerVias?: readonly Via[];
  readonly callId?: string;
  readonly from?: string;
  readonly fromTag?: string;
  readonly to?: string;
  readonly toTag?: string;
  readonly cseq?: number;
  /** CSeq method; default the request method. */
  readonly cseqMethod?: string;
  readonly maxForwards?: number;
  readonly routes?: readonly string[];
  readonly body?: Buffer;
}

function nameAddr(uri: string, tag: string | undefined): NameAddr {
  return { uri: parseUri(uri), params: [], isBracketed: true, ...(tag === undefined ? {} : { tag }) };
}

/** A Via value. */
export function via(host: string, port: number | undefined, branch: string | undefined, transport = 'UDP'): Via {
  return {
    protocol: 'SIP/2.0',
    transport,
    host,
    params: [],
    ...(port === undefined ? {} : { port }),
    ...(branch === undefined ? {} : { branch }),
  };
}

/** Builds a request through typed header setters. */
export function buildRequest(spec: RequestSpec = {}): SipRequest {
  const method = spec.method ?? 'INVITE';
  const headers = new HeaderList();
  const branch = spec.branch === null ? undefined : (spec.branch ?? newBranch());
  headers.set('Via', [
    via(spec.viaHost ?? '192.0.2.10', spec.viaPort ?? 5060, branch, spec.viaTransport ?? 'UDP'),
    ...(spec.lowerVias ?? []),
  ]);
  headers.set('Max-Forwards', spec.maxForwards ?? 70);
  for (const r of spec.routes ?? []) headers.append('Route', [nameAddr(r, undefined)]);
  headers.set('From', nameAddr(spec.from ?? 'sip:alice@example.com', spec.fromTag ?? newTag()));
  headers.set('To', nameAddr(spec.to ?? 'sip:bob@example.net', spec.toTag));
  headers.set('Call-ID', spec.callId ?? newCallId());
  headers.set('CSeq', { seq: spec.cseq ?? 1, method: spec.cseqMethod ?? method });
  return new SipRequest({
    method,
    uri: parseUri(spec.uri ?? 'sip:bob@example.net'),
    headers,
    ...(spec.body === undefined ? {} : { body: spec.body }),
  });
}

/** A response to `request` (RFC 3261 §8.2.6.2 via createResponse); a To tag is added for non-100 by default. */
export function buildResponse(request: SipRequest, status: number, opts: ResponseOptions = {}): SipResponse {
  return createResponse(request, status, { toTag: opts.toTag ?? 'uas-tag', ...opts });
}

/**
 * A request sharing the dialog identifiers of `request` but with a new branch — what the UAC core sends as the ACK
 * for a 2xx (§13.2.2.4) or what a forking proxy delivers twice (§8.2.2.2 merged request).
 */
export function withNewBranch(request: SipRequest, spec: { method?: string; toTag?: string; cseqMethod?: string } = {}): SipRequest {
  const copy = request.clone();
  const top = copy.topVia;
  const rest = copy.headers.require('Via').slice(1);
  copy.headers.set('Via', [{ ...top, branch: newBranch() }, ...rest]);
  if (spec.toTag !== undefined) copy.headers.set('To', { ...copy.to, tag: spec.toTag });
  const method = spec.method ?? request.method;
  copy.headers.set('CSeq', { seq: copy.cseq.seq, method: spec.cseqMethod ?? method });
  return new SipRequest({ method, uri: copy.uri, headers: copy.headers, body: copy.body });
}

/** A request identical to `request` except its method and CSeq method (same branch: CANCEL, ACK of a non-2xx). */
export function sameBranchAs(request: SipRequest, method: string, toTag?: string): SipRequest {
  const copy = request.clone();
  copy.headers.set('CSeq', { seq: copy.cseq.seq, method });
  if (toTag !== undefined) copy.headers.set('To', { ...copy.to, tag: toTag });
  return new SipRequest({ method, uri: copy.uri, headers: copy.headers });
}

/** A target endpoint. */
export function endpoint(protocol: TransportProtocol = 'udp', address = '198.51.100.20', port = 5060): Endpoint {
  return { protocol, address, port };
}

/** Where an inbound message came from. */
export function source(protocol: TransportProtocol = 'udp', address = '192.0.2.10', port = 5060): Source {
  return { protocol, remote: { address, port }, local: { address: '198.51.100.1', port: 5060 } };
}
