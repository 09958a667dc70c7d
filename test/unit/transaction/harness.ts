/** Shared set-up for the transaction tests: fake clock, memory transport, recording TU, a layer. */
import type { TimerBaseInput } from '../../../src/config/timers.js';
import { deriveTimers } from '../../../src/config/timers.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Metrics } from '../../../src/observability/metrics.js';
import type { SipRequest, SipResponse } from '../../../src/sip/message.js';
import type { InviteServerTransaction } from '../../../src/transaction/invite-server.js';
import type { NonInviteServerTransaction } from '../../../src/transaction/non-invite-server.js';
import { TransactionLayer } from '../../../src/transaction/transaction-layer.js';
import type { ServerTransaction, TransactionUser } from '../../../src/transaction/transaction-user.js';
import type { Source } from '../../../src/transport/transport.js';
import { FakeClock } from '../../support/fake-clock.js';
import { source } from '../../support/builders.js';
import { MemoryTransport } from '../../support/memory-transport.js';

/** A TU that records what the layer hands it; `onRequestHook` lets a test answer at once. */
export class RecordingUser implements TransactionUser {
  readonly requests: { tx: ServerTransaction; request: SipRequest; source: Source }[] = [];
  readonly cancels: {
    tx: NonInviteServerTransaction;
    cancel: SipRequest;
    invite: InviteServerTransaction | undefined;
  }[] = [];
  readonly strayResponses: SipResponse[] = [];
  readonly strayAcks: SipRequest[] = [];
  onRequestHook: ((tx: ServerTransaction, request: SipRequest) => void) | undefined;

  onRequest(tx: ServerTransaction, request: SipRequest, source: Source): void {
    this.requests.push({ tx, request, source });
    this.onRequestHook?.(tx, request);
  }

  onCancel(tx: NonInviteServerTransaction, cancel: SipRequest, invite: InviteServerTransaction | undefined): void {
    this.cancels.push({ tx, cancel, invite });
  }

  onStrayResponse(response: SipResponse): void {
    this.strayResponses.push(response);
  }

  onStrayAck(ack: SipRequest): void {
    this.strayAcks.push(ack);
  }
}

export interface Harness {
  readonly clock: FakeClock;
  readonly transport: MemoryTransport;
  readonly user: RecordingUser;
  readonly layer: TransactionLayer;
  readonly metrics: Metrics;
}

/** A fresh layer on virtual time (STYLE.md P15: fresh objects per test). */
export function harness(
  opts: { timers?: TimerBaseInput; tryingDelayMs?: number; clock?: FakeClock } = {},
): Harness {
  const clock = opts.clock ?? new FakeClock();
  const transport = new MemoryTransport(clock);
  const user = new RecordingUser();
  const metrics = new Metrics();
  const layer = new TransactionLayer({
    transport,
    clock,
    timers: deriveTimers(opts.timers),
    logger: silentLogger(),
    user,
    metrics,
    ...(opts.tryingDelayMs === undefined ? {} : { tryingDelayMs: opts.tryingDelayMs }),
  });
  return { clock, transport, user, layer, metrics };
}

/** Lets pending promise callbacks (transport rejections, piped deliveries) run. */
export async function flush(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Delivers `invite` to the layer as received from `source(protocol)`; returns the INVITE server transaction made. */
export function receiveInvite(h: Harness, invite: SipRequest, protocol: 'udp' | 'tcp' = 'udp'): InviteServerTransaction {
  h.layer.receive({ message: invite, source: source(protocol) });
  const last = h.user.requests.at(-1);
  if (last?.tx.kind !== 'InviteServer') throw new TypeError('no IST created');
  return last.tx;
}
