import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { ExactClient } from '../../exact/exact.client.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService } from '../sync/sync.service.js';
import type { SyncContext } from '../sync/sync.types.js';
import { WebhookHandlers } from '../webhooks/webhook.handlers.js';
import type { WebhookEvent } from '../webhooks/webhooks.types.js';
import { PaymentsService, TERM_SELECT, type TermRow } from './payments.service.js';
import type { PaymentSource } from './invoice-payment.entity.js';

export const PAYMENTS_RESOURCE = 'payments';
/**
 * A run goes round once more at most for notifications that came in while it was busy: one run, then at most one
 * follow-up (issue 13). Later notifications queue the next run.
 */
const MAX_ROUNDS = 2;
/** How long a notification that found the payments job busy keeps trying to enqueue a run (the schedule is the net). */
const FOLLOW_UP_MS = 5 * 60_000;

/**
 * The payments reconciliation as a sync resource (every 15 minutes per division, from the stored PaymentTerms
 * Timestamp), and the FinancialTransactions webhook that asks for it sooner: the handler only counts the request
 * and enqueues the job (singleton key `payments:<division>`: a burst becomes one run; a request that arrives while
 * a run is busy makes that run go round once more). A lost notification only delays a payment until the next run.
 */
@Injectable()
export class PaymentsSync implements OnModuleInit {
  private readonly logger = new Logger('PaymentsSync');
  /** divisions with a follow-up poll in this process */
  private readonly following = new Set<number>();

  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    private readonly sync: SyncService,
    private readonly client: ExactClient,
    private readonly payments: PaymentsService,
    private readonly webhooks: WebhookHandlers,
  ) {}

  onModuleInit(): void {
    if (!this.registry.get(PAYMENTS_RESOURCE)) {
      this.registry.register({ name: PAYMENTS_RESOURCE, schedule: '15min', labelKey: 'payments.syncLabel', run: (ctx) => this.run(ctx) });
    }
    // every pending FinancialTransactions notification of a division asks for the same run: they fold into one
    this.webhooks.register('FinancialTransactions', (e) => this.onFinancialTransaction(e), { name: 'payments', fold: 'division' });
  }

  /** The webhook handler: idempotent and quick (one upsert and one enqueue, no Exact call). */
  async onFinancialTransaction(e: WebhookEvent): Promise<void> {
    await this.request(e.division);
    if ((await this.sync.enqueue(e.division, PAYMENTS_RESOURCE, 'webhook')) === 'busy') this.followUp(e.division);
  }

  /**
   * The job was busy: the run in progress usually takes the request in its next round, but it may already be past
   * its last look (or at MAX_ROUNDS), and its job still blocks a new one until pg-boss has completed it. Until
   * the request is handled, enqueue again as soon as the job is gone (polling, at most FOLLOW_UP_MS), so a
   * payment is not left waiting for the 15-minute schedule.
   */
  private followUp(division: number): void {
    if (this.following.has(division)) return;
    this.following.add(division);
    void (async () => {
      const until = Date.now() + FOLLOW_UP_MS;
      while (Date.now() < until) {
        await new Promise((r) => setTimeout(r, 250).unref());
        const { requested, handled } = await this.requests(division);
        if (requested <= handled) return;
        if ((await this.sync.enqueue(division, PAYMENTS_RESOURCE, 'webhook')) === 'queued') return;
      }
    })()
      .catch((err: Error) => this.logger.warn(`payments follow-up for ${division}: ${err.message}`))
      .finally(() => this.following.delete(division));
  }

  async request(division: number): Promise<void> {
    await this.orm.em.fork().getConnection().execute(
      `insert into payment_sync_request (division, requested) values (?, 1)
       on conflict (division) do update set requested = payment_sync_request.requested + 1, updated_at = now()`,
      [division],
    );
  }

  private async requests(division: number): Promise<{ requested: bigint; handled: bigint }> {
    const [row] = await this.orm.em.fork().getConnection().execute<{ requested: string; handled: string }[]>(
      'select requested::text as requested, handled::text as handled from payment_sync_request where division = ?',
      [division],
    );
    return { requested: BigInt(row?.requested ?? 0), handled: BigInt(row?.handled ?? 0) };
  }

  async run(ctx: SyncContext): Promise<void> {
    let cursor = ctx.cursor && /^\d+$/.test(ctx.cursor) ? ctx.cursor : '1';
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const start = await this.requests(ctx.division);
      // a scheduled run is the safety net ('sync'), even when a notification came in meanwhile; later rounds and
      // runs enqueued by the webhook handler with a request pending are 'webhook'
      const source: PaymentSource = (round > 0 || ctx.trigger !== 'schedule') && start.requested > start.handled ? 'webhook' : 'sync';
      cursor = await this.reconcile(ctx, cursor, source);
      if (ctx.signal.aborted) return;
      await this.orm.em.fork().getConnection().execute(
        'update payment_sync_request set handled = greatest(handled, ?) where division = ?',
        [String(start.requested), ctx.division],
      );
      const after = await this.requests(ctx.division);
      if (after.requested <= start.requested) return;
    }
    // notifications came in during the follow-up too: one more run is queued as soon as this one has ended
    this.followUp(ctx.division);
  }

  /** One pass over sync/Cashflow/PaymentTerms from the cursor; the cursor moves after each applied page. */
  private async reconcile(ctx: SyncContext, from: string, source: PaymentSource): Promise<string> {
    const api = this.client.division(ctx.division);
    const opts = { kind: 'background' as const, signal: ctx.signal };
    let cursor = from;
    let done = 0;
    await ctx.waitForBudget();
    for await (const page of api.paymentTermsSync.changes(BigInt(cursor), TERM_SELECT, opts)) {
      ctx.count({ apiCalls: 1 });
      const r = await this.payments.applyTerms(ctx.em, ctx.division, page.rows as TermRow[], source, opts);
      ctx.count({ apiCalls: r.apiCalls, created: r.recorded, updated: r.invoicesChanged });
      cursor = String(page.cursor);
      await ctx.saveCursor(cursor, 'incremental');
      done += page.rows.length;
      await ctx.progress(done);
      if (ctx.signal.aborted) break;
      if (page.more) await ctx.waitForBudget();
    }
    return cursor;
  }
}
