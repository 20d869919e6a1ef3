import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { ExactClient, type DivisionApi } from '../../exact/exact.client.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { ExactForbiddenError, ExactError } from '../../exact/errors.js';
import { f } from '../../exact/odata.js';
import { Clock } from '../../common/clock.js';
import { Location } from '../locations/location.entity.js';
import { Invoice, LocationInvoicing, Product, ProductGroup } from '../invoices/invoice.entity.js';
import { GlAccountLink } from '../ledgers/gl-account.entity.js';
import { VatMapping, VatRate } from '../ledgers/vat.entity.js';
import { Customer, CustomerExactLink } from '../customers/customer.entity.js';
import { CustomerExportService } from '../customers/customer-export.service.js';
import { LedgerSettingsService } from '../ledgers/ledger-settings.service.js';
import { WebhookSubscriptionService } from '../webhooks/webhook.subscriptions.js';
import { SyncService } from '../sync/sync.service.js';
import { SyncState } from '../sync/sync-state.entity.js';
import { ConnectionHealthCheck } from './connection-health.entity.js';
import { accessProblem, HealthFeatureRegistry } from './connection-health.registry.js';
import { HealthRights, rightKey, type RightsMode } from './connection-health.rights.js';
import { BUILT_IN_FEATURES } from './connection-health.features.js';
import { HEALTH_RESOURCE, type FeatureStatus, type HealthProblem, type HealthResult, type MasterDataRead, type MasterDataRefs, type SyncTriggerLike } from './connection-health.types.js';

const BATCH = 40; // values per $filter (API.md quirk 25: long filters make huge URLs)
const SALES = 20;
const SALES_RETURN = 21;
const chunks = <T>(xs: T[], n = BATCH): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n));
const uniq = <T>(xs: (T | null | undefined)[]): T[] => [...new Set(xs.filter((x): x is T => x !== null && x !== undefined))];

export interface HealthOverview {
  connected: boolean;
  divisions: { division: number; locations: { id: number; name: string }[]; result?: HealthResult; pending: boolean; stale: boolean }[];
}

/** A read that either answered or was refused (403: a right or module is missing). */
type ReadOutcome<T> = { ok: true; rows: T[] } | { ok: false; reason: string };

/**
 * Connection health (issue 17): per division, every feature that is on with the Exact rights and modules it needs,
 * and a check of the master data Koppel's settings, products and locations refer to — against the live administration,
 * in a handful of calls: reads narrowed to what Koppel refers to, and the rights from HealthRights (a read proves its
 * endpoint; a "yes" Exact gave before is kept until the connection changes, a call is refused or 7 days pass; a "no"
 * and a right never asked cost one users/UserHasRights call per right). Results are stored per division and read by
 * the page, the dashboard, gates and the export preflight.
 */
@Injectable()
export class ConnectionHealthService implements OnModuleInit {
  private readonly logger = new Logger('ConnectionHealth');

  constructor(
    private readonly orm: MikroORM,
    private readonly client: ExactClient,
    private readonly connection: ExactConnectionService,
    private readonly registry: HealthFeatureRegistry,
    private readonly rights: HealthRights,
    private readonly customers: CustomerExportService,
    private readonly ledgerSettings: LedgerSettingsService,
    private readonly webhooks: WebhookSubscriptionService,
    private readonly sync: SyncService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    for (const feature of BUILT_IN_FEATURES) if (!this.registry.list().some((x) => x.key === feature.key)) this.registry.register(feature);
  }

  /** The divisions Koppel books into (locations with an administration), with their last results. */
  async overview(): Promise<HealthOverview> {
    const em = this.orm.em.fork();
    const locations = await em.find(Location, { exactDivision: { $ne: null } }, { orderBy: { name: 'asc' } });
    const checks = await em.find(ConnectionHealthCheck, {});
    const divisions = uniq(locations.map((l) => l.exactDivision)).sort((a, b) => a - b);
    const states = await em.find(SyncState, { resource: HEALTH_RESOURCE, division: { $in: divisions } });
    const changed = await this.lastChange(em);
    return {
      connected: (await this.connection.connectionState()) === 'connected',
      divisions: divisions.map((d) => ({
        division: d,
        locations: locations.filter((l) => l.exactDivision === d).map((l) => ({ id: l.id, name: l.name })),
        result: checks.find((c) => c.division === d)?.result,
        pending: ['queued', 'running'].includes(states.find((s) => s.division === d)?.status ?? ''),
        stale: (() => {
          const r = checks.find((c) => c.division === d);
          const last = Math.max(changed.global, ...locations.filter((l) => l.exactDivision === d).map((l) => l.updatedAt.getTime()), changed.byDivision.get(d) ?? 0);
          return !!r && last > r.checkedAt.getTime();
        })(),
      })),
    };
  }

  /**
   * When Koppel's side of what the check looks at last changed (products, groups, ledger settings, VAT mappings per
   * division; locations are compared one by one): a result older than that is shown as "settings changed since".
   */
  private async lastChange(em: EntityManager): Promise<{ global: number; byDivision: Map<number, number> }> {
    const conn = em.getConnection();
    const [row] = await conn.execute<{ t: Date | null }[]>(
      `select greatest((select max(updated_at) from product), (select max(updated_at) from product_group), (select max(updated_at) from ledger_setting)) as t`,
    );
    const rows = await conn.execute<{ division: number; t: Date }[]>(`select division, max(updated_at) as t from vat_mapping group by division`);
    return { global: row?.t ? new Date(row.t).getTime() : 0, byDivision: new Map(rows.map((r) => [r.division, new Date(r.t).getTime()])) };
  }

  /** "Check now": the division given (when Koppel books into it) or all of them; returns how many were queued. */
  async requestChecks(division?: number): Promise<number> {
    const all = (await this.overview()).divisions.map((d) => d.division);
    const chosen = division === undefined ? all : all.filter((d) => d === division);
    for (const d of chosen) await this.request(d, 'manual');
    return chosen.length;
  }

  /** Queues a check of the division on the sync engine (Check now, after connecting or mapping a location). */
  async request(division: number, trigger: SyncTriggerLike = 'manual'): Promise<void> {
    await this.sync.enqueue(division, HEALTH_RESOURCE, trigger);
  }

  /**
   * Checks one division now and stores the result (the sync resource and the bench call this). `fresh`: ask Exact
   * about every right again ("Check now", after connecting) instead of reusing what it said before (HealthRights).
   */
  async check(division: number, opts: { fresh?: boolean } = {}): Promise<HealthResult> {
    const em = this.orm.em.fork();
    const run = new CheckRun(division, this.client.division(division), em, this.clock.now());
    try {
      if ((await this.connection.connectionState()) !== 'connected') throw new Error('Exact Online is not connected');
      await this.checkMasterData(run);
      await this.checkRights(run, opts.fresh ? 'fresh' : 'confirm');
      await this.checkCustomers(run);
      await this.checkWebhooks(run);
    } catch (e) {
      if (e instanceof ExactError && e.kind === 'rate_limit') throw e; // the sync engine retries later
      run.error = e instanceof ExactError ? (e.exactMessage || e.message) : (e as Error).message;
      run.problem({ code: 'check_failed', key: 'connectionHealth.problems.check_failed', params: { message: run.error }, fixKey: 'connectionHealth.fixes.check_failed', href: '/settings/integrations/exact', features: [] });
    }
    const result = run.result(this.clock.now());
    const row = (await em.findOne(ConnectionHealthCheck, { division })) ?? em.create(ConnectionHealthCheck, { division, checkedAt: this.clock.now(), problemCount: 0, result });
    em.assign(row, { checkedAt: this.clock.now(), problemCount: result.problems.length, result });
    await em.flush();
    return result;
  }

  // ---------------------------------------------------------------- master data

  private async checkMasterData(run: CheckRun): Promise<void> {
    const { em, division, api } = run;
    const locations = await em.find(Location, { exactDivision: division });
    run.features = [];
    for (const feature of this.registry.list()) run.features.push({ feature, enabled: await feature.enabled(division, em) });
    if (!locations.length) return;
    // what the features that are on refer to (transactions: their journals, GL accounts, years)
    const refs: { feature: string; refs: MasterDataRefs }[] = [];
    for (const { feature, enabled } of run.features) if (enabled && feature.references) refs.push({ feature: feature.key, refs: await feature.references(division, em) });
    const locationIds = locations.map((l) => l.id);
    const settings = await em.find(LocationInvoicing, { locationId: { $in: locationIds } }, { populate: ['glAccount', 'costCenter', 'costUnit'] });
    const products = await em.find(Product, { active: true }, { populate: ['glAccount', 'costCenter', 'costUnit', 'group'] });
    const groups = await em.find(ProductGroup, {}, { populate: ['glAccount', 'costCenter', 'costUnit'] });
    const referrers = [...settings.map((s) => ({ gl: s.glAccount, cc: s.costCenter, cu: s.costUnit })), ...products.map((p) => ({ gl: p.glAccount, cc: p.costCenter, cu: p.costUnit })), ...groups.map((g) => ({ gl: g.glAccount, cc: g.costCenter, cu: g.costUnit }))];

    // GL accounts: every one referred to, linked in this division, still there and not blocked
    const glHref = `/accounting/gl-accounts?division=${division}`;
    const gls = new Map<number, { id: number; number: string; name: string; features: string[]; href: string }>();
    for (const r of referrers) if (r.gl) gls.set(r.gl.id, { id: r.gl.id, number: r.gl.number, name: r.gl.name, features: ['invoices'], href: glHref });
    for (const { feature, refs: r } of refs) {
      for (const gl of r.glAccounts ?? []) {
        const known = gls.get(gl.id);
        if (known) known.features = uniq([...known.features, feature]);
        else gls.set(gl.id, { ...gl, features: [feature] });
      }
    }
    const links = await em.find(GlAccountLink, { division, glAccount: { $in: [...gls.keys()] } });
    const byExact = new Map<string, { id: number; number: string; features: string[]; href: string }>();
    for (const gl of gls.values()) {
      const link = links.find((l) => l.glAccount.id === gl.id);
      const params = { number: gl.number, name: gl.name, division };
      if (!link?.exactId) run.problem({ code: 'gl_not_linked', key: 'connectionHealth.problems.gl_not_linked', params, fixKey: 'connectionHealth.fixes.gl_not_linked', href: gl.href, features: gl.features, ref: `gl:${gl.id}` });
      else byExact.set(link.exactId.toLowerCase(), gl);
    }
    if (byExact.size) {
      const read = await run.read('glAccounts', async () => {
        const rows = [];
        for (const ids of chunks([...byExact.keys()])) rows.push(...(await run.all(() => api.glAccounts.all({ filter: f.or(...ids.map((id) => f.guid('ID', id))), select: ['ID', 'Code', 'IsBlocked'] }))));
        return rows;
      });
      if (read.ok) {
        for (const [exactId, gl] of byExact) {
          const row = read.rows.find((r) => r.ID.toLowerCase() === exactId);
          const params = { number: gl.number, division };
          if (!row) run.problem({ code: 'gl_missing', key: 'connectionHealth.problems.gl_missing', params, fixKey: 'connectionHealth.fixes.gl_missing', href: gl.href, features: gl.features, ref: `gl:${gl.id}` });
          else if (row.IsBlocked) run.problem({ code: 'gl_blocked', key: 'connectionHealth.problems.gl_blocked', params, fixKey: 'connectionHealth.fixes.gl_blocked', href: gl.href, features: gl.features, ref: `gl:${gl.id}` });
        }
      }
    }

    // journals: set on every location, there, not blocked, of the right type
    const read = await run.read('journals', () => run.all(() => api.journals.all({ select: ['Code', 'Type', 'IsBlocked'] })));
    for (const loc of locations) {
      const href = `/settings/locations/${loc.id}/exact`;
      if (!loc.salesJournalCode) {
        run.problem({ code: 'journal_not_set', key: 'connectionHealth.problems.journal_not_set', params: { location: loc.name }, fixKey: 'connectionHealth.fixes.journal_not_set', href, features: ['invoices'] });
        continue;
      }
      if (!read.ok) continue;
      const wanted: [string, number[]][] = [[loc.salesJournalCode, [SALES]]];
      if (loc.creditJournalCode && loc.creditJournalCode !== loc.salesJournalCode) wanted.push([loc.creditJournalCode, [SALES, SALES_RETURN]]);
      for (const [code, types] of wanted) {
        const j = read.rows.find((r) => String(r.Code).trim() === code);
        const params = { code, location: loc.name, division };
        if (!j) run.problem({ code: 'journal_missing', key: 'connectionHealth.problems.journal_missing', params, fixKey: 'connectionHealth.fixes.journal_missing', href, features: ['invoices'], ref: `journal:${code}` });
        else if (j.IsBlocked) run.problem({ code: 'journal_blocked', key: 'connectionHealth.problems.journal_blocked', params, fixKey: 'connectionHealth.fixes.journal_blocked', href, features: ['invoices'], ref: `journal:${code}` });
        else if (!types.includes(Number(j.Type))) run.problem({ code: 'journal_type', key: 'connectionHealth.problems.journal_type', params: { ...params, type: Number(j.Type) }, fixKey: 'connectionHealth.fixes.journal_type', href, features: ['invoices'], ref: `journal:${code}` });
      }
    }

    // journals the features that are on book into (e.g. transactions: a cash journal, a general journal)
    if (read.ok) {
      for (const { feature, refs: r } of refs) {
        for (const ref of r.journals ?? []) {
          const j = read.rows.find((x) => String(x.Code).trim() === ref.code);
          const params = { ...ref.params, code: ref.code, division };
          const base = { params, href: ref.href, features: [feature], ref: `journal:${ref.code}` };
          if (!j) run.problem({ ...base, code: 'journal_missing', key: 'connectionHealth.problems.journal_missing', fixKey: 'connectionHealth.fixes.journal_missing' });
          else if (j.IsBlocked) run.problem({ ...base, code: 'journal_blocked', key: 'connectionHealth.problems.journal_blocked', fixKey: 'connectionHealth.fixes.journal_blocked' });
          else if (!ref.types.includes(Number(j.Type))) run.problem({ ...base, params: { ...params, type: Number(j.Type) }, code: 'journal_type', key: ref.typeKey, fixKey: ref.typeFixKey });
        }
      }
    }

    // VAT: every active rate mapped to a code that exists and is not blocked
    // a rate of another country (a Belgian 12 % for a Dutch administration) is not asked for
    const rates = (await em.find(VatRate, { active: true })).filter((r) => !r.country || locations.some((l) => l.country === r.country));
    const mappings = await em.find(VatMapping, { division }, { populate: ['vatRate'] });
    const vat = await run.read('vatCodes', () => run.all(() => api.vatCodes.all({ select: ['Code', 'IsBlocked'] })));
    const vatHref = `/accounting/vat?division=${division}`;
    for (const rate of rates) {
      const m = mappings.find((x) => x.vatRate.id === rate.id);
      const params = { rate: rate.name, division };
      if (!m) {
        run.problem({ code: 'vat_unmapped', key: 'connectionHealth.problems.vat_unmapped', params, fixKey: 'connectionHealth.fixes.vat_unmapped', href: vatHref, features: ['invoices'], ref: `vat:${rate.id}` });
        continue;
      }
      if (!vat.ok) continue;
      const code = vat.rows.find((r) => String(r.Code).trim() === m.vatCode.trim());
      if (!code) run.problem({ code: 'vat_missing', key: 'connectionHealth.problems.vat_missing', params: { ...params, code: m.vatCode }, fixKey: 'connectionHealth.fixes.vat_missing', href: vatHref, features: ['invoices'], ref: `vat:${rate.id}` });
      else if (code.IsBlocked) run.problem({ code: 'vat_blocked', key: 'connectionHealth.problems.vat_blocked', params: { ...params, code: m.vatCode }, fixKey: 'connectionHealth.fixes.vat_blocked', href: vatHref, features: ['invoices'], ref: `vat:${rate.id}` });
    }

    // cost centres and units (when invoice lines carry them): the codes referred to exist
    const ledger = await this.ledgerSettings.get();
    if (ledger.costDimensionsEnabled && ledger.invoiceLinesCarryCostDimensions) {
      for (const [kind, codes, source] of [
        ['center', uniq(referrers.map((r) => r.cc?.code)), 'costCenters'],
        ['unit', uniq(referrers.map((r) => r.cu?.code)), 'costUnits'],
      ] as const) {
        if (!codes.length) continue;
        const res = kind === 'center' ? api.costCenters : api.costUnits;
        const found = await run.read(source, async () => {
          const rows = [];
          for (const part of chunks(codes)) rows.push(...(await run.all(() => res.all({ filter: f.or(...part.map((c) => f.eq('Code', c))), select: ['Code'] }))));
          return rows;
        });
        if (!found.ok) continue;
        for (const code of codes) {
          if (!found.rows.some((r) => String(r.Code).trim() === code)) run.problem({ code: 'cost_missing', key: `connectionHealth.problems.cost_missing_${kind}`, params: { code, division }, fixKey: 'connectionHealth.fixes.cost_missing', href: `/accounting/cost-centers?division=${division}`, features: ['invoices', 'cost-centers'], ref: `cost${kind}:${code}` });
        }
      }
    }

    // financial periods for the dates that will be exported (final invoices not yet in Exact) and this year
    const pending = await em.find(Invoice, { location: { $in: locationIds }, status: 'final' }, { fields: ['invoiceDate'] });
    const years = uniq([this.clock.now().getUTCFullYear(), ...pending.map((i) => Number(String(i.invoiceDate).slice(0, 4))), ...refs.flatMap((r) => r.refs.years ?? [])]).sort();
    const periods = await run.read('financialPeriods', () => run.all(() => api.financialPeriods.all({ filter: f.or(...years.map((y) => f.eq('FinYear', y))), select: ['FinYear', 'FinPeriod'] })));
    if (periods.ok) {
      for (const year of years) {
        if (periods.rows.some((p) => Number(p.FinYear) === year)) continue;
        const invoices = pending.filter((i) => String(i.invoiceDate).startsWith(String(year))).length;
        const also = refs.filter((r) => r.refs.years?.includes(year)).map((r) => r.feature);
        run.problem({ code: 'period_missing', key: 'connectionHealth.problems.period_missing', params: { year, division, invoices }, fixKey: 'connectionHealth.fixes.period_missing', features: uniq(['invoices', ...also]), ref: `period:${year}` });
      }
    }
  }

  // ---------------------------------------------------------------- rights and modules

  /**
   * The rights and modules of every feature that is on, from HealthRights (the cache the gates and the planning
   * options screen share): the reads made above answer for their endpoints, a "yes" still believed costs nothing,
   * a "no" and a right never asked cost one users/UserHasRights call per right.
   */
  private async checkRights(run: CheckRun, mode: RightsMode): Promise<void> {
    const on = run.features.filter((x) => x.enabled).flatMap((x) => x.feature.needs);
    const known = new Map<string, { allowed: boolean; reason?: string }>();
    for (const need of on) {
      const read = need.provenBy ? run.reads.get(need.provenBy) : undefined;
      if (read) known.set(rightKey(need), read.ok ? { allowed: true } : { allowed: false, reason: read.reason });
    }
    const { answers, calls } = await this.rights.resolve(run.division, on, { mode, known });
    run.calls += calls;
    // an answer from before this check (a "yes" reused): the page says how old the rights are
    const oldest = Math.min(...[...answers.values()].map((a) => a.askedAt.getTime()));
    if (oldest < run.startedAt.getTime()) run.rightsAskedAt = new Date(oldest).toISOString();
    for (const { feature, enabled } of run.features) {
      const status: FeatureStatus = { key: feature.key, labelKey: feature.labelKey, href: feature.href, enabled, needs: [], problems: 0 };
      run.statuses.push(status);
      for (const need of feature.needs) {
        const answer = enabled ? answers.get(rightKey(need)) : undefined;
        status.needs.push({ endpoint: need.endpoint, action: need.action, right: need.right, module: need.module, ok: answer ? answer.allowed : null });
        if (!answer || answer.allowed) continue;
        const problem = accessProblem(need, feature, run.division, answer.reason ?? 'NoRights');
        const existing = run.problems.find((p) => p.code === problem.code && p.params.right === problem.params.right && p.params.module === problem.params.module);
        if (existing) existing.features = uniq([...existing.features, feature.key]);
        else run.problem(problem);
      }
    }
    for (const s of run.statuses) s.problems = run.problems.filter((p) => p.features.includes(s.key)).length;
  }

  // ---------------------------------------------------------------- customers and webhooks

  /** Customers of the division's locations that still have to go to Exact: an address and a valid VAT number. */
  private async checkCustomers(run: CheckRun): Promise<void> {
    const { em, division } = run;
    const customers = await em.find(Customer, { location: { exactDivision: division }, status: { $ne: 'merged' } }, { limit: 2000 });
    if (!customers.length) return;
    const links = await em.find(CustomerExactLink, { division, customer: { $in: customers.map((c) => c.id) } });
    for (const c of customers) {
      const link = links.find((l) => l.customer.id === c.id);
      if (link?.state === 'linked' && link.sentVersion === c.version) continue;
      for (const p of this.customers.localProblems(c)) {
        run.problem({ code: 'customer', key: p.key, params: { ...p.params, division }, fixKey: 'connectionHealth.fixes.customer', href: `/customers/${c.id}/edit`, features: ['customers', 'invoices'], ref: `customer:${c.id}` });
      }
    }
  }

  /** Webhooks: every topic Koppel wants is subscribed for the division (the webhooks module's own verified state). */
  private async checkWebhooks(run: CheckRun): Promise<void> {
    const mode = this.webhooks.mode();
    if (!mode.enabled) return;
    const rows = (await this.webhooks.list()).filter((r) => r.division === run.division);
    const missing = this.webhooks.topics().filter((t) => !rows.some((r) => r.topic === t && r.status === 'active'));
    if (missing.length) run.problem({ code: 'webhook_missing', key: 'connectionHealth.problems.webhook_missing', params: { topics: missing.join(', '), division: run.division }, fixKey: 'connectionHealth.fixes.webhook_missing', href: '/settings/integrations/exact/webhooks', features: ['payments'] });
  }
}

/** The state of one check: reads made, features, problems, calls. */
class CheckRun {
  calls = 0;
  error?: string;
  rightsAskedAt?: string;
  features: { feature: import('./connection-health.types.js').HealthFeature; enabled: boolean }[] = [];
  statuses: FeatureStatus[] = [];
  problems: HealthProblem[] = [];
  readonly reads = new Map<MasterDataRead, ReadOutcome<unknown>>();

  constructor(
    readonly division: number,
    readonly api: DivisionApi,
    readonly em: EntityManager,
    readonly startedAt: Date,
  ) {}

  problem(p: HealthProblem): void {
    this.problems.push(p);
  }

  /** A list read: one call per 60-row page. */
  async all<T>(call: () => Promise<T[]>): Promise<T[]> {
    const rows = await call();
    this.calls += Math.max(1, Math.ceil(rows.length / 60));
    return rows;
  }

  /** A master-data read; a 403 is an answer (the right or module it needs is missing), not a failure of the check. */
  async read<T>(source: MasterDataRead, call: () => Promise<T[]>): Promise<ReadOutcome<T>> {
    try {
      const outcome: ReadOutcome<T> = { ok: true, rows: await call() };
      this.reads.set(source, outcome);
      return outcome;
    } catch (e) {
      if (!(e instanceof ExactForbiddenError)) throw e;
      this.calls++;
      const outcome: ReadOutcome<T> = { ok: false, reason: e.reason ?? 'NoRights' };
      this.reads.set(source, outcome);
      return outcome;
    }
  }

  result(now: Date): HealthResult {
    return { division: this.division, checkedAt: now.toISOString(), calls: this.calls, rightsAskedAt: this.rightsAskedAt, features: this.statuses, problems: this.problems, error: this.error };
  }
}
