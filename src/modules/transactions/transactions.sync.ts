import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService } from '../sync/sync.service.js';
import type { SyncContext } from '../sync/sync.types.js';
import { TransactionForwardingService } from './transaction-forwarding.service.js';

export const TRANSACTIONS_RESOURCE = 'transactions';
/** How long "Send to Exact now" keeps asking for a run when the division's job is busy. */
const FOLLOW_UP_MS = 5 * 60_000;

/**
 * Forwarding desk transactions as a sync resource: every 15 minutes per division (closed days), and on demand
 * (trigger 'manual', the current day included) through the same engine, so one division never has two senders.
 */
@Injectable()
export class TransactionsSync implements OnModuleInit {
  private readonly logger = new Logger('TransactionsSync');
  /** divisions with a follow-up request in this process */
  private readonly following = new Set<number>();

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

  /**
   * "Send to Exact now": one run per division through the engine. When the division's job is busy (a run in progress,
   * which may be past the transactions just recorded, or one still being completed), a run is asked for again as soon
   * as the job is free (polling, at most FOLLOW_UP_MS), so nothing waits for the 15-minute schedule.
   */
  async forwardNow(divisions: number[]): Promise<{ queued: number; following: number }> {
    let queued = 0;
    let following = 0;
    for (const d of divisions) {
      if ((await this.sync.enqueue(d, TRANSACTIONS_RESOURCE, 'manual')) === 'queued') queued++;
      else {
        following++;
        this.followUp(d);
      }
    }
    return { queued, following };
  }

  private followUp(division: number): void {
    if (this.following.has(division)) return;
    this.following.add(division);
    void (async () => {
      const until = Date.now() + FOLLOW_UP_MS;
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, 250).unref());
        if ((await this.sync.enqueue(division, TRANSACTIONS_RESOURCE, 'manual')) === 'queued') return;
      }
    })()
      .catch((err: Error) => this.logger.warn(`transactions follow-up for ${division}: ${err.message}`))
      .finally(() => this.following.delete(division));
  }
}
