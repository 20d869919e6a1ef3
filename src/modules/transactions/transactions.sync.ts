import { Injectable, type OnModuleInit } from '@nestjs/common';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService } from '../sync/sync.service.js';
import type { SyncContext } from '../sync/sync.types.js';
import { TransactionForwardingService } from './transaction-forwarding.service.js';

export const TRANSACTIONS_RESOURCE = 'transactions';

/**
 * Forwarding desk transactions as a sync resource: every 15 minutes per division (closed days), and on demand
 * (trigger 'manual', the current day included) through the same engine, so one division never has two senders.
 */
@Injectable()
export class TransactionsSync implements OnModuleInit {
  constructor(
    private readonly registry: SyncRegistry,
    private readonly sync: SyncService,
    private readonly forwarding: TransactionForwardingService,
  ) {}

  onModuleInit(): void {
    if (!this.registry.get(TRANSACTIONS_RESOURCE)) {
      this.registry.register({ name: TRANSACTIONS_RESOURCE, schedule: '15min', labelKey: 'transactions.syncLabel', run: (ctx) => this.run(ctx) });
    }
  }

  async run(ctx: SyncContext): Promise<void> {
    const summary = await this.forwarding.forward(ctx.division, {
      includeToday: ctx.trigger === 'manual',
      kind: 'background',
      signal: ctx.signal,
      beforeBatch: () => ctx.waitForBudget(),
      progress: (done, total) => ctx.progress(done, total),
    });
    ctx.count({ created: summary.sent, updated: summary.failed + summary.blocked });
  }

  /** "Forward now": one run per division through the engine. Returns how many were queued and how many were busy. */
  async forwardNow(divisions: number[]): Promise<{ queued: number; busy: number }> {
    let queued = 0;
    let busy = 0;
    for (const d of divisions) {
      if ((await this.sync.enqueue(d, TRANSACTIONS_RESOURCE, 'manual')) === 'queued') queued++;
      else busy++;
    }
    return { queued, busy };
  }
}
