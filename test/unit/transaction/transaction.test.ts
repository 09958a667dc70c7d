import { describe, expect, it } from 'vitest';
import { InvalidStateError } from '../../../src/errors/tandem-error.js';
import { deriveTimers } from '../../../src/config/timers.js';
import { silentLogger } from '../../../src/observability/logger.js';
import { Transaction } from '../../../src/transaction/transaction.js';
import type { TransactionContext, TransactionEvents } from '../../../src/transaction/transaction.js';
import type { TransactionInput } from '../../../src/transaction/transaction-input.js';
import type { NonInviteServerState } from '../../../src/transaction/transaction-state.js';
import { NON_INVITE_SERVER_TRANSITIONS } from '../../../src/transaction/transaction-state.js';
import { FixedDelayQueue } from '../../../src/util/fixed-delay-queue.js';
import { FakeClock } from '../../support/fake-clock.js';
import { MemoryTransport } from '../../support/memory-transport.js';

/** A minimal machine over the NIST table that exposes the protected parts of the base. */
class Probe extends Transaction<NonInviteServerState, TransactionEvents<NonInviteServerState>> {
  readonly kind = 'NonInviteServer' as const;
  protected readonly transitions = NON_INVITE_SERVER_TRANSITIONS;
  readonly entered: NonInviteServerState[] = [];
  readonly fired: string[] = [];

  constructor(ctx: TransactionContext) {
    super(ctx, 'probe', 'OPTIONS', false, 'Trying');
  }

  move(to: NonInviteServerState): void {
    this.transition(to);
  }

  arm(name: 'J' | 'E', ms: number, liveIn: readonly NonInviteServerState[]): void {
    this.armTimer(name, ms, liveIn);
  }

  protected onEnter(state: NonInviteServerState): void {
    this.entered.push(state);
  }

  protected dispatch(input: TransactionInput): void {
    if (input.kind === 'timer') this.fired.push(input.timer);
  }
}

function context(clock: FakeClock, terminated: unknown[]): TransactionContext {
  return {
    transport: new MemoryTransport(clock),
    clock,
    timers: deriveTimers(),
    logger: silentLogger(),
    tryingDelayMs: 200,
    onTerminated: (tx) => terminated.push(tx),
    onRetransmit: () => undefined,
    passAckToUser: () => undefined,
    lingerQueue: (delayMs: number) => new FixedDelayQueue(clock, delayMs, (err: unknown) => {
      throw err;
    }),
  };
}

describe('Transaction base', () => {
  it('transition() rejects moves that are not in the table with InvalidStateError', () => {
    const clock = new FakeClock();
    const p = new Probe(context(clock, []));
    p.move('Completed');
    expect(() => p.move('Proceeding')).toThrow(InvalidStateError);
    expect(() => p.move('Trying')).toThrow(/illegal transition Completed → Trying/);
    expect(p.state).toBe('Completed');
    p.close();
  });

  it('a transition cancels the timers that do not live in the new state and keeps the others', () => {
    const clock = new FakeClock();
    const p = new Probe(context(clock, []));
    p.arm('E', 1_000, ['Trying', 'Proceeding']);
    p.arm('J', 1_000, ['Trying']);
    p.move('Proceeding');
    expect(p.armedTimers).toEqual(['E']);
    clock.advance(1_000);
    expect(p.fired).toEqual(['E']);
    expect(clock.liveTimers).toBe(0);
    p.close();
  });

  it('re-arming a timer replaces it', () => {
    const clock = new FakeClock();
    const p = new Probe(context(clock, []));
    p.arm('E', 1_000, ['Trying']);
    p.arm('E', 3_000, ['Trying']);
    clock.advance(2_000);
    expect(p.fired).toEqual([]);
    clock.advance(1_000);
    expect(p.fired).toEqual(['E']);
    p.close();
  });

  it('Terminated disposes once: timers cancelled, layer told, terminated emitted, listeners removed', () => {
    const clock = new FakeClock();
    const terminated: unknown[] = [];
    const p = new Probe(context(clock, terminated));
    const changes: string[] = [];
    let ended = 0;
    p.on('stateChange', (from, to) => changes.push(`${from}→${to}`));
    p.on('terminated', () => ended++);
    p.arm('J', 5_000, ['Trying']);
    p.close();
    p.close();
    expect(changes).toEqual(['Trying→Terminated']);
    expect(ended).toBe(1);
    expect(terminated).toEqual([p]);
    expect(p.closed).toBe(true);
    expect(p.terminationReason).toBe('closed');
    expect(p.listenerCount('terminated')).toBe(0);
    expect(clock.liveTimers).toBe(0);
    expect(p.entered).toEqual([]);
  });

  it('a stateChange listener that closes the transaction stops the entry actions of the new state', () => {
    const clock = new FakeClock();
    const p = new Probe(context(clock, []));
    p.on('stateChange', (_from, to) => {
      if (to === 'Proceeding') p.close();
    });
    p.move('Proceeding');
    expect(p.state).toBe('Terminated');
    expect(p.entered).toEqual([]);
    expect(clock.liveTimers).toBe(0);
  });
});
