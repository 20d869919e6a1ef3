import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ExactClient } from '../../exact/exact.client.js';
import type { ExactAccount, ExactDeleted } from '../../exact/exact.types.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import type { SyncContext } from '../sync/sync.types.js';
import { CustomersService } from './customers.service.js';
import { ACCOUNT_SELECT } from './customer.mapping.js';

/** sync/Deleted EntityType of Accounts (API.md §5.3). */
const DELETED_ACCOUNTS = 2;

/** Cursor "<accounts Timestamp>:<deleted Timestamp>". */
export function parseCursor(cursor: string | undefined): { accounts: bigint; deleted: bigint } {
  const [a, d] = (cursor ?? '').split(':');
  const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? BigInt(v) : 1n);
  return { accounts: num(a), deleted: num(d) };
}

/**
 * The 15-minute fallback of the Accounts webhook: sync/CRM/Accounts and sync/Deleted (type 2) from the stored
 * Timestamps. The very first run of a division is a baseline: it links accounts Koppel already knows (by ID or
 * number) but creates nothing, so connecting Exact does not copy every relation into Koppel; from then on new
 * Exact customers appear by themselves.
 */
@Injectable()
export class CustomersSync implements OnModuleInit {
  constructor(
    private readonly registry: SyncRegistry,
    private readonly client: ExactClient,
    private readonly customers: CustomersService,
  ) {}

  onModuleInit(): void {
    if (!this.registry.get('customers')) this.registry.register({ name: 'customers', schedule: '15min', labelKey: 'customers.syncLabel', run: (ctx) => this.run(ctx) });
  }

  async run(ctx: SyncContext): Promise<void> {
    const baseline = ctx.stage !== 'incremental';
    let { accounts, deleted } = parseCursor(ctx.cursor);
    const api = this.client.division(ctx.division);
    const opts = { kind: 'background' as const, signal: ctx.signal };
    let done = 0;
    await ctx.waitForBudget();
    for await (const page of api.accountsSync.changes(accounts, [...ACCOUNT_SELECT, 'Timestamp'], opts)) {
      ctx.count({ apiCalls: 1 });
      for (const row of page.rows as ExactAccount[]) {
        const r = await this.customers.applyAccount(ctx.em.fork(), ctx.division, row, { create: !baseline });
        if (r === 'created') ctx.count({ created: 1 });
        else if (r === 'updated' || r === 'linked') ctx.count({ updated: 1 });
      }
      accounts = page.cursor;
      done += page.rows.length;
      await ctx.saveCursor(`${accounts}:${deleted}`, ctx.stage ?? 'baseline');
      await ctx.progress(done);
      if (ctx.signal.aborted) return;
      if (page.more) await ctx.waitForBudget();
    }
    for await (const page of api.deleted.changes(deleted, ['Timestamp', 'EntityKey', 'EntityType'], opts)) {
      ctx.count({ apiCalls: 1 });
      for (const row of page.rows as ExactDeleted[]) {
        if (Number(row.EntityType) !== DELETED_ACCOUNTS || !row.EntityKey) continue;
        const r = await this.customers.onAccountDeleted(ctx.em.fork(), ctx.division, row.EntityKey);
        if (r !== 'unknown') ctx.count({ deleted: 1 });
      }
      deleted = page.cursor;
      await ctx.saveCursor(`${accounts}:${deleted}`, ctx.stage ?? 'baseline');
      if (ctx.signal.aborted) return;
      if (page.more) await ctx.waitForBudget();
    }
    await ctx.saveCursor(`${accounts}:${deleted}`, 'incremental');
  }
}
