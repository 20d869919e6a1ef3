import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { LedgerSettingsService } from '../ledgers/ledger-settings.service.js';
import { LedgersSync } from '../ledgers/ledgers.sync.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService } from '../sync/sync.service.js';
import type { SyncTaskContext } from '../sync/sync.types.js';
import type { CostKind } from '../ledgers/cost-center.entity.js';

export const COST_UNITS_TASK = 'planning-cost-units';

/** The cost centre / unit code of a resource: its Exact code (employee code / work-centre code), as Exact allows it. */
export function costCodeOf(r: { code: string | null; name: string }): string | null {
  const code = (r.code ?? '').trim().replace(/[\x00-\x1f]/g, '');
  return code ? code.slice(0, 20) : null;
}

/**
 * ProPlanner's setting "create cost centres / cost units from resources" (Accounting → Cost centres & units, ledger
 * settings `costUnitsFromResources` + `resourceCostKind`, used with cost centres and units switched on): each resource
 * the planning import brings in gets its cost centre or cost unit, as the setting says, in Koppel and in Exact
 * (hrm/Costcenters or hrm/Costunits) — looked up first, never duplicated (LedgersSync.ensureCostDimension, writeOnce).
 * A resource made under the other choice gets one of the chosen kind too (what it had is kept).
 * Runs on the sync engine as one task per division, queued after a planning cycle that read resources.
 */
@Injectable()
export class PlanningCostUnits implements OnModuleInit {
  private readonly logger = new Logger('PlanningCostUnits');

  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    private readonly sync: SyncService,
    private readonly settings: LedgerSettingsService,
    private readonly ledgers: LedgersSync,
  ) {}

  onModuleInit(): void {
    if (!this.registry.getTask(COST_UNITS_TASK)) this.registry.registerTask({
      // repeatable: one key per division, run again whenever resources lack their dimension (new ones, or the kind changed)
      name: COST_UNITS_TASK, labelKey: 'planning.costUnits.task', repeatable: true, run: (ctx) => this.run(ctx),
    });
  }

  /** The kind resources get, or null when the setting is off. */
  private async wanted(): Promise<CostKind | null> {
    const s = await this.settings.get();
    return s.costUnitsFromResources && s.costDimensionsEnabled ? s.resourceCostKind : null;
  }

  /** Active Exact resources without a cost dimension of this kind (a row without a kind predates the choice: a unit). */
  private async missing(division: number, kind: CostKind): Promise<{ id: number; code: string | null; name: string }[]> {
    return this.orm.em.fork().getConnection().execute<{ id: number; code: string | null; name: string }[]>(
      `select id, code, name from plan_resource where division = ? and exact_id is not null and active
         and (cost_code is null or coalesce(cost_kind, 'unit') <> ?) order by id`,
      [division, kind],
    );
  }

  /** After a planning cycle that read resources: queue the task when the setting is on and a resource lacks its dimension. */
  async afterResources(division: number): Promise<void> {
    const kind = await this.wanted();
    if (!kind) return;
    if (!(await this.missing(division, kind)).some((r) => costCodeOf(r))) return;
    await this.sync.submit(COST_UNITS_TASK, String(division), { trigger: 'schedule', division });
  }

  private async run(ctx: SyncTaskContext): Promise<Record<string, unknown>> {
    const kind = await this.wanted();
    if (!kind) return { skipped: 'setting off' };
    const todo = await this.missing(ctx.division, kind);
    let created = 0;
    let found = 0;
    let calls = 0;
    let done = 0;
    for (const r of todo) {
      if (ctx.signal.aborted) break;
      const code = costCodeOf(r);
      if (!code) continue;
      const out = await this.ledgers.ensureCostDimension(ctx.division, kind, code, r.name, {
        signal: ctx.signal,
        waitForBudget: () => this.registry.budget.waitForBudget(ctx.division, 'background', ctx.signal),
      });
      calls += out.calls;
      if (out.how === 'created') created++;
      else found++;
      await this.orm.em.fork().getConnection().execute('update plan_resource set cost_code = ?, cost_kind = ?, updated_at = now() where id = ?', [code, kind, r.id]);
      await ctx.progress(++done, todo.length);
    }
    ctx.count({ apiCalls: calls, created });
    if (created || found) this.logger.log(`division ${ctx.division}: cost ${kind === 'center' ? 'centres' : 'units'} for ${done} resources (${created} new in Exact, ${found} already there)`);
    return { kind, created, found, calls };
  }
}
