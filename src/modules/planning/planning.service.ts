import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { MikroORM } from '@mikro-orm/postgresql';
import { Clock } from '../../common/clock.js';
import { ValidationError } from '../../common/errors.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { ExactError } from '../../exact/errors.js';
import { SyncService } from '../sync/sync.service.js';
import { WebhookSubscriptionService } from '../webhooks/webhook.subscriptions.js';
import { PlanningSettings } from './planning-settings.entity.js';
import { SyncState } from '../sync/sync-state.entity.js';
import { toInt } from '../../common/validation.js';
import { FEEDS, SAFETY_NET_MINUTES, feedsOn } from './planning.feeds.js';
import {
  IMPORTED_OPTIONS, OPTION_GROUPS, PLANNING_OPTIONS, noOptions, optionProblems, type PlanningOption, type PlanningOptions,
} from './planning.options.js';
import { archiveActivityKind, archiveCards, deactivateResources, reopenOptionCards } from './planning-store.js';
import type { PlanActivityKind, PlanCardKind } from './plan-card.entity.js';
import { archiveProjectsWithoutHours, wbsVariant } from './planning-projects.feeds.js';
import { HealthFeatureRegistry } from '../connection-health/connection-health.registry.js';
import { optionFeatureKey, planningHealthFeatures } from './planning.health.js';

export const PLANNING_RESOURCE = 'planning';
/** Exact's default daily budget per app × division (API.md §4.1); the headers may say otherwise. */
export const DAILY_BUDGET = 5000;

/** Which card kinds an option set produces (for archiving on "option off"). */
export function cardKindsOf(o: Partial<PlanningOptions>): PlanCardKind[] {
  const k: PlanCardKind[] = [];
  if (o.SalesOrder) k.push('sales_order');
  if (o.SalesOrderRow) k.push('sales_order_line');
  if (o.PurchaseOrder) k.push('purchase_order');
  if (o.PurchaseOrderRow) k.push('purchase_order_line');
  if (o.Quotation) k.push('quotation');
  if (o.ProductionOrder) k.push('shop_order');
  if (o.Project || o.ProjectHours) k.push('project');
  if (o.ProjectWBS) k.push('wbs');
  if (o.ProjectWBSCombined) k.push('wbs_project');
  if (o.ProjectWBSHeader) k.push('wbs_header');
  return k;
}

/**
 * What else an Activate changes (beyond the cards of options switched on or off): feeds that must read everything
 * again because what they make changed — all items instead of the hour types only, hour-type lines of orders, every
 * project as a card, another WBS variant — and the activities of an option switched off (archived, kept).
 */
export function switchEffects(before: PlanningOptions, after: PlanningOptions): { restart: string[]; archiveActivities: PlanActivityKind[] } {
  const restart: string[] = [];
  if (before.Item !== after.Item) restart.push('items');
  if (!before.ActivityViaItem && after.ActivityViaItem) restart.push('sales-order-lines');
  if (!before.Project && after.Project) restart.push('projects');
  if (wbsVariant(before) !== wbsVariant(after)) restart.push('project-wbs');
  const off: PlanActivityKind[] = [];
  if (before.ProjectHours && !after.ProjectHours) off.push('hour_type');
  if (before.ActivityViaItem && !after.ActivityViaItem) off.push('item');
  return { restart, archiveActivities: off };
}

export interface OptionState {
  option: PlanningOption;
  on: boolean;
  /** refused by Exact (package or rights): the endpoints users/UserHasRights said no to */
  refused: string[];
  imported: boolean;
}

/** Settings, activation and the figures of the planning imports per division (the options screen). */
@Injectable()
export class PlanningService implements OnModuleInit {
  private readonly logger = new Logger('Planning');

  constructor(
    private readonly orm: MikroORM,
    private readonly connection: ExactConnectionService,
    private readonly sync: SyncService,
    private readonly subscriptions: WebhookSubscriptionService,
    private readonly clock: Clock,
    private readonly health: HealthFeatureRegistry,
  ) {}

  /** Each option is a feature on the Health page, with the endpoints, rights and modules it reads. */
  onModuleInit(): void {
    for (const f of planningHealthFeatures()) this.health.register(f);
  }

  /**
   * The one rights check for switching options on: the Health page's (HealthFeatureRegistry.gate). Throws
   * FeatureBlockedError (409) with the Health page's message for the first option whose right or module is missing.
   */
  private async gateOptions(division: number, o: Partial<PlanningOptions>): Promise<void> {
    for (const opt of PLANNING_OPTIONS) if (o[opt]) await this.health.gate(optionFeatureKey(opt), [division]);
  }

  async divisions(): Promise<{ code: number; description: string }[]> {
    return this.connection.activeDivisions();
  }

  async settings(division: number): Promise<PlanningSettings> {
    const em = this.orm.em.fork();
    return (await em.findOne(PlanningSettings, { division })) ?? em.create(PlanningSettings, { division });
  }

  /** Every option with its saved value and the endpoints Exact refuses (per option's health feature, from HealthRights). */
  optionStates(s: PlanningSettings, refused: Map<string, { endpoint: string }[]>): OptionState[] {
    return PLANNING_OPTIONS.map((option) => ({
      option,
      on: s.options[option] === true,
      refused: [...new Set((refused.get(optionFeatureKey(option)) ?? []).map((n) => n.endpoint))],
      imported: IMPORTED_OPTIONS.includes(option),
    }));
  }

  groups() {
    return OPTION_GROUPS;
  }

  /**
   * What Exact refuses for each option, from the Health page's rights (HealthFeatureRegistry → HealthRights): answers
   * the health check or a gate got are reused; rights never asked are asked now (one users/UserHasRights per right);
   * `fresh` ("Check again") asks every one again. An endpoint outside the package is refused too.
   */
  private async refusedOptions(division: number, fresh = false) {
    return this.health.refusedNeeds(division, PLANNING_OPTIONS.map(optionFeatureKey), fresh);
  }

  /** Parses the posted checkboxes; 422 (ValidationError) for refused options and the article's hard rules. */
  parseOptions(body: Record<string, unknown>): PlanningOptions {
    const o = noOptions();
    for (const opt of PLANNING_OPTIONS) o[opt] = body[opt] === 'on' || body[opt] === 'true' || body[opt] === '1';
    const errors: Record<string, string[]> = {};
    for (const p of optionProblems(o).errors) errors[p] = [`planning.problem.${p}`];
    if (Object.keys(errors).length) throw new ValidationError(errors);
    return o;
  }

  /** "Save": stores the options; nothing is imported until Activate. */
  async save(division: number, body: Record<string, unknown>): Promise<PlanningSettings> {
    const em = this.orm.em.fork();
    const s = (await em.findOne(PlanningSettings, { division })) ?? em.create(PlanningSettings, { division });
    const options = this.parseOptions(body);
    await this.gateOptions(division, options);
    s.options = options;
    s.savedAt = this.clock.now();
    await em.persist(s).flush();
    return s;
  }

  /**
   * "Activate": what is saved becomes active. Cards and resources of options switched off are archived (kept);
   * those of options switched back on reopen; feeds switched on start from the beginning; the first import (or
   * the next run) is queued on the sync engine.
   */
  async activate(division: number): Promise<'queued' | 'busy'> {
    const em = this.orm.em.fork();
    const s = await em.findOne(PlanningSettings, { division });
    if (!s?.savedAt) throw new ValidationError({ options: ['planning.options.saveFirst'] });
    await this.gateOptions(division, s.options);
    const before = { ...noOptions(), ...(s.activeOptions ?? {}) };
    const after = { ...noOptions(), ...s.options };
    const beforeKinds = cardKindsOf(before);
    const afterKinds = cardKindsOf(after);
    for (const kind of beforeKinds.filter((k) => !afterKinds.includes(k))) await archiveCards(em, division, { kind }, 'option_off');
    await reopenOptionCards(em, division, afterKinds.filter((k) => !beforeKinds.includes(k)));
    if (before.ResourceViaEmployee && !after.ResourceViaEmployee) await deactivateResources(em, division, 'employee', { notIn: [] });
    if (before.ResourceViaProduction && !after.ResourceViaProduction) await deactivateResources(em, division, 'machine', { notIn: [] });
    const effects = switchEffects(before, after);
    for (const kind of effects.archiveActivities) await archiveActivityKind(em, division, kind);
    // Project off with ProjectHours on keeps only the cards with hour types; Project back on reopens the others
    if (before.Project && !after.Project && after.ProjectHours) await archiveProjectsWithoutHours(em, division);
    if (!before.Project && after.Project && before.ProjectHours) await reopenOptionCards(em, division, ['project']);
    // a feed that was off (or changes meaning) starts over: a new generation ignores the old cursor
    const onBefore = new Set(feedsOn(before).map((f) => f.name));
    const rowVariantChanged = before.SalesOrder !== after.SalesOrder || before.SalesOrderRow !== after.SalesOrderRow;
    const purchaseVariantChanged = before.PurchaseOrder !== after.PurchaseOrder || before.PurchaseOrderRow !== after.PurchaseOrderRow;
    const summaries = { ...s.summaries };
    for (const f of feedsOn(after)) {
      const restart = !onBefore.has(f.name) || (rowVariantChanged && f.name.startsWith('sales-')) || (purchaseVariantChanged && f.name === 'purchase-orders') || (before.Schedule !== after.Schedule && f.name === 'employees') || effects.restart.includes(f.name);
      if (restart) summaries[f.name] = { records: 0, created: 0, updated: 0, archived: 0, calls: 0, at: '', done: false, gen: (summaries[f.name]?.gen ?? 0) + 1 };
    }
    s.summaries = summaries;
    s.activeOptions = after;
    s.activatedAt = this.clock.now();
    s.state = 'running';
    await em.flush();
    // the division's topics change with its options: let Exact's subscriptions follow (no wait)
    void this.subscriptions.reconcile({ divisions: [division] }).catch((e: Error) => this.logger.warn(`planning subscriptions of ${division}: ${e.message}`));
    return this.sync.enqueue(division, PLANNING_RESOURCE, 'import');
  }

  /** Webhook topics a division wants for its active options (WebhookSubscriptionService asks). */
  async topicsFor(division: number): Promise<string[]> {
    const s = await this.orm.em.fork().findOne(PlanningSettings, { division });
    if (!s?.activeOptions) return [];
    return [...new Set(feedsOn({ ...noOptions(), ...s.activeOptions }).map((f) => f.topic).filter((t): t is string => !!t))];
  }

  /**
   * What the planning sync costs in a division: calls today (counted by the runs), the forecast per day for the
   * active options (webhooks on: safety nets and polls of the entities without a topic, plus a run per burst of
   * changes; off: every entity + sync/Deleted every 15 minutes), and the share of Exact's daily budget.
   */
  cost(s: PlanningSettings, dailyLimit = DAILY_BUDGET): { today: number; forecast: number; share: number; webhooks: boolean; limit: number } {
    const day = this.clock.now().toISOString().slice(0, 10);
    const today = Object.values(s.summaries).reduce((n, x) => n + (x.day === day ? x.callsToday ?? 0 : 0), 0);
    const feeds = feedsOn({ ...noOptions(), ...(s.activeOptions ?? {}) });
    const webhooks = this.subscriptions.mode().enabled;
    let forecast = 0;
    if (feeds.length) {
      if (!webhooks) forecast = (feeds.length + 1) * 96;
      else {
        const per = feeds.map((f) => 1440 / (f.topic ? SAFETY_NET_MINUTES : f.everyMinutes));
        forecast = Math.ceil(per.reduce((a, b) => a + b, 0) + 1440 / Math.min(...feeds.map((f) => (f.topic ? SAFETY_NET_MINUTES : f.everyMinutes))) + 1);
      }
    }
    const limit = dailyLimit > 0 ? dailyLimit : DAILY_BUDGET;
    return { today, forecast, share: Math.round((forecast / limit) * 1000) / 10, webhooks, limit };
  }

  /**
   * The Sync page's planning panel: per division with planning active, each entity's last run, records, calls today
   * and error, and what the planning sync costs against the division's daily limit (what Exact's headers last said).
   */
  async syncPanel(): Promise<{ settings: PlanningSettings; cost: ReturnType<PlanningService['cost']> }[]> {
    const em = this.orm.em.fork();
    const all = await em.find(PlanningSettings, { activeOptions: { $ne: null } }, { orderBy: { division: 'asc' } });
    if (!all.length) return [];
    const limits = await em.getConnection().execute<{ division: number; daily_limit: number }[]>(
      'select division, daily_limit from exact_rate_limit where division in (select (jsonb_array_elements_text(?::jsonb))::int)',
      [JSON.stringify(all.map((s) => s.division))],
    );
    const limitOf = new Map(limits.map((l) => [Number(l.division), Number(l.daily_limit)]));
    return all.map((s) => ({ settings: s, cost: this.cost(s, limitOf.get(s.division)) }));
  }

  feedNames(): string[] {
    return FEEDS.map((f) => f.name);
  }

  private async pickDivision(raw: unknown): Promise<{ divisions: { code: number; description: string }[]; division: number | null }> {
    const divisions = await this.divisions();
    const want = toInt(raw);
    const division = divisions.find((d) => d.code === want)?.code ?? divisions[0]?.code ?? null;
    return { divisions, division };
  }

  /** Everything the options screen shows for a division, with what Exact refuses (the Health page's rights). */
  async screen(rawDivision: unknown) {
    const { divisions, division } = await this.pickDivision(rawDivision);
    if (division === null) return { divisions, division, settings: null, rightsError: null };
    let rightsError: string | null = null;
    const s = await this.settings(division);
    let rights: { refused: Map<string, { endpoint: string }[]>; askedAt: Date | null } = { refused: new Map(), askedAt: null };
    try {
      rights = await this.refusedOptions(division);
    } catch (e) {
      if (!(e instanceof ExactError)) throw e;
      rightsError = e.exactMessage ?? e.message;
    }
    const state = (await this.orm.em.fork().findOne(SyncState, { division, resource: PLANNING_RESOURCE })) ?? undefined;
    const settings = [s, this.optionStates(s, rights.refused), this.groups(), this.feedNames().concat([]), state, this.cost(s), { checkedAt: rights.askedAt }] as const;
    return { divisions, division, settings, rightsError };
  }

  private async divisionOf(body: Record<string, unknown>): Promise<number> {
    const { division } = await this.pickDivision(body.division);
    if (division === null || division !== toInt(body.division)) throw new ValidationError({ division: ['planning.options.noDivision'] });
    return division;
  }

  async saveForm(body: Record<string, unknown>): Promise<number> {
    const division = await this.divisionOf(body);
    await this.save(division, body);
    return division;
  }

  async activateForm(body: Record<string, unknown>): Promise<{ division: number; result: 'queued' | 'busy' }> {
    const division = await this.divisionOf(body);
    return { division, result: await this.activate(division) };
  }

  async recheck(body: Record<string, unknown>): Promise<number> {
    const division = await this.divisionOf(body);
    await this.refusedOptions(division, true);
    return division;
  }
}
