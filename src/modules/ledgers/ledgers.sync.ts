import { Injectable, OnModuleInit } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Clock } from '../../common/clock.js';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactConnectionService } from '../../exact/connection.service.js';
import { ExactNotConnectedError } from '../../exact/errors.js';
import { f, isValidExactCode } from '../../exact/odata.js';
import type { ExactCostDimension, ExactGLAccount } from '../../exact/exact.types.js';
import type { Resource } from '../../exact/resource.js';
import { writeOnce } from '../../exact/write-once.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService } from '../sync/sync.service.js';
import type { SyncContext, SyncTrigger } from '../sync/sync.types.js';
import { SyncState } from '../sync/sync-state.entity.js';
import { GlAccount, GlAccountLink, type GlLinkStatus } from './gl-account.entity.js';
import { Journal } from './journal.entity.js';
import { VatCode, VatMapping, VatRate } from './vat.entity.js';
import { CostCenter, CostDimensionLink, CostUnit, type CostKind } from './cost-center.entity.js';
import { LedgerImport, type LedgerImportMode, type LedgerResource, type SkippedItem } from './ledger-import.entity.js';
import { LedgerSettingsService } from './ledger-settings.service.js';
import { errorText } from '../sync/sync.errors.js';
import { isUniqueViolation } from '../../common/unique.js';

/** Exact's revenue GL account type ("Import from Exact" takes only these unless all types are asked for). */
export const REVENUE_TYPE = 110;
const GL_SELECT = ['ID', 'Code', 'Description', 'Type', 'IsBlocked', 'Timestamp'] as const;
const JOURNAL_SELECT = ['ID', 'Code', 'Description', 'Type', 'IsBlocked'] as const;
const VAT_SELECT = ['ID', 'Code', 'Description', 'Percentage', 'Type', 'VATTransactionType', 'Charged', 'IsBlocked'] as const;
const COST_SELECT = ['ID', 'Code', 'Description', 'EndDate'] as const;
const MAX_SKIPPED_KEPT = 500;

export const LEDGER_SYNC_RESOURCES: { name: LedgerResource; labelKey: string }[] = [
  { name: 'gl-accounts', labelKey: 'ledgers.resources.gl-accounts' },
  { name: 'journals', labelKey: 'ledgers.resources.journals' },
  { name: 'vat-codes', labelKey: 'ledgers.resources.vat-codes' },
  { name: 'cost-centers', labelKey: 'ledgers.resources.cost-centers' },
];

const trimCode = (c: unknown) => String(c ?? '').trim();

/** The running summary of one import. */
class Summary {
  created = 0;
  updated = 0;
  unchanged = 0;
  skippedCount = 0;
  skipped: SkippedItem[] = [];
  apiCalls = 0;
  skip(key: string, reason: string, params?: Record<string, unknown>) {
    this.skippedCount++;
    if (this.skipped.length < MAX_SKIPPED_KEPT) this.skipped.push({ key, reason, ...(params ? { params } : {}) });
  }
  tally(outcome: 'created' | 'updated' | 'unchanged') {
    this[outcome]++;
  }
  /**
   * The row's code, trimmed, or undefined (the row skipped with the reason) when it has none or one that is not
   * valid: codes from Exact are checked (isValidExactCode: no control characters) before they are stored or used in
   * a $filter.
   */
  acceptCode(row: { ID: unknown; Code?: unknown }): string | undefined {
    const code = trimCode(row.Code);
    if (!code) this.skip(String(row.ID), 'ledgers.skip.noCode');
    else if (!isValidExactCode(code)) this.skip(String(row.ID), 'ledgers.skip.badCode');
    else return code;
    return undefined;
  }
}

/**
 * Imports of ledger master data from Exact, as sync-engine resources (one job per division × resource,
 * progress and history for free). A button records what was asked (a LedgerImport row: mode, options)
 * and asks the engine to "run now"; the nightly run reconciles with the same code.
 */
@Injectable()
export class LedgersSync implements OnModuleInit {

  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    private readonly sync: SyncService,
    private readonly client: ExactClient,
    private readonly connection: ExactConnectionService,
    private readonly settings: LedgerSettingsService,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    for (const r of LEDGER_SYNC_RESOURCES) {
      if (this.registry.get(r.name)) continue;
      this.registry.register({ name: r.name, schedule: 'nightly', labelKey: r.labelKey, run: (ctx) => this.run(ctx) });
    }
  }

  /**
   * Records what the user asked for and enqueues the job through the sync engine. Throws a clear error
   * when Exact is not connected or the division is not granted. 'busy' when one is already running.
   */
  async request(division: number, resource: LedgerResource, mode: LedgerImportMode, opts: { allTypes?: boolean; trigger?: SyncTrigger } = {}): Promise<{ result: 'queued' | 'busy'; importId: number }> {
    if ((await this.connection.connectionState()) !== 'connected') throw new ExactNotConnectedError();
    await this.connection.assertDivision(division);
    const em = this.orm.em.fork();
    const state = await em.findOne(SyncState, { division, resource });
    if (state?.status === 'running') {
      const running = await em.findOne(LedgerImport, { division, resource, status: 'running' }, { orderBy: { id: 'desc' } });
      return { result: 'busy', importId: running?.id ?? 0 };
    }
    const imp = em.create(LedgerImport, { division, resource, mode, allTypes: !!opts.allTypes, trigger: opts.trigger ?? 'manual' });
    await em.flush();
    await this.sync.enqueue(division, resource, opts.trigger ?? 'manual');
    return { result: 'queued', importId: imp.id };
  }

  /**
   * The latest import of a division × resource (for the progress/summary panel). The request keeps what was asked
   * and the summary; the live progress of a running one is the sync engine's (sync_state of its job).
   */
  async latest(division: number, resource: LedgerResource): Promise<LedgerImport | null> {
    const em = this.orm.em.fork();
    const imp = await em.findOne(LedgerImport, { division, resource }, { orderBy: { id: 'desc' } });
    if (imp?.status === 'running') {
      const state = await em.findOne(SyncState, { division, resource });
      if (state?.status === 'running') Object.assign(imp, { progressDone: state.progressDone, progressTotal: state.progressTotal ?? null });
    }
    return imp;
  }

  get(id: number): Promise<LedgerImport | null> {
    return this.orm.em.fork().findOne(LedgerImport, { id });
  }

  /** The sync-engine entry point for all four resources. */
  private async run(ctx: SyncContext): Promise<void> {
    const resource = ctx.resource as LedgerResource;
    const em = ctx.em;
    // every queued request of this division × resource is answered by this run (the widest one decides); one still
    // 'running' lost its worker (the engine runs one job per division × resource, and this job holds it now)
    let requests = await em.find(LedgerImport, { division: ctx.division, resource, status: { $in: ['queued', 'running'] } }, { orderBy: { id: 'asc' } });
    if (!requests.length && ctx.trigger !== 'schedule') {
      // a retry of a failed manual run: take the failed request again
      const failed = await em.findOne(LedgerImport, { division: ctx.division, resource, status: 'failed' }, { orderBy: { id: 'desc' } });
      if (failed && failed.finishedAt && this.clock.now().getTime() - failed.finishedAt.getTime() < 3 * 3600_000) requests = [failed];
    }
    if (!requests.length) {
      requests = [em.create(LedgerImport, { division: ctx.division, resource, mode: resource === 'gl-accounts' ? 'synchronise' : 'import', trigger: ctx.trigger })];
    }
    const primary = pickPrimary(requests);
    const now = this.clock.now();
    for (const r of requests) Object.assign(r, { status: 'running', startedAt: now, error: null, progressDone: 0 });
    await em.flush();
    const summary = new Summary();
    // live progress goes to the engine's run (one place; latest() shows it), not to each request; the flush keeps
    // writing the records in batches as before
    const progress = async (done: number, total?: number) => {
      await em.flush();
      await ctx.progress(done, total);
    };
    try {
      await this.connection.assertDivision(ctx.division);
      if (resource === 'gl-accounts') await this.glAccounts(ctx, primary, summary, progress);
      else if (resource === 'journals') await this.journals(ctx, summary, progress);
      else if (resource === 'vat-codes') await this.vatCodes(ctx, summary, progress);
      else if (resource === 'cost-centers') await this.costDimensions(ctx, primary.mode, summary, progress);
      const end = this.clock.now();
      for (const r of requests) {
        Object.assign(r, {
          status: 'done', finishedAt: end, created: summary.created, updated: summary.updated, unchanged: summary.unchanged,
          skippedCount: summary.skippedCount, skipped: summary.skipped, apiCalls: summary.apiCalls,
        });
      }
      ctx.count({ created: summary.created, updated: summary.updated, apiCalls: summary.apiCalls });
      await em.flush();
    } catch (e) {
      em.clear();
      const ids = requests.filter((r) => r.id).map((r) => r.id);
      const fresh = this.orm.em.fork();
      if (ids.length) {
        await fresh.nativeUpdate(LedgerImport, { id: { $in: ids } }, { status: 'failed', finishedAt: this.clock.now(), error: errorText(e), apiCalls: summary.apiCalls });
      } else {
        fresh.create(LedgerImport, { division: ctx.division, resource, mode: primary.mode, trigger: ctx.trigger, status: 'failed', finishedAt: this.clock.now(), error: errorText(e) });
        await fresh.flush();
      }
      ctx.count({ apiCalls: summary.apiCalls });
      throw e;
    }
  }

  // ---------------------------------------------------------------- GL accounts

  /**
   * Reads every GL account of the division through the sync endpoint (1000 per call: ~405 accounts =
   * 1 call), then: import creates the missing Koppel accounts (revenue, or all types) and every mode
   * links Koppel's accounts by number, marks blocked ones, and flags accounts Exact no longer has.
   */
  private async glAccounts(ctx: SyncContext, req: LedgerImport, s: Summary, progress: (d: number, t?: number) => Promise<void>) {
    const em = ctx.em;
    const rows: ExactGLAccount[] = [];
    let cursor = 0n;
    for await (const page of this.client.division(ctx.division).glAccountsSync.changes(1n, GL_SELECT, { kind: 'background', signal: ctx.signal })) {
      s.apiCalls++;
      rows.push(...page.rows);
      if (page.cursor > cursor) cursor = page.cursor;
      if (page.more) await ctx.waitForBudget();
    }
    await progress(0, rows.length);
    const importing = req.mode === 'import';
    const allTypes = req.allTypes;
    const accounts = await em.find(GlAccount, {});
    const byNumber = new Map(accounts.map((a) => [a.number, a]));
    const links = await em.find(GlAccountLink, { division: ctx.division }, { populate: ['glAccount'] });
    const linkOf = new Map(links.map((l) => [l.glAccount.id, l]));
    const now = this.clock.now();
    const seen = new Set<string>();
    let done = 0;
    for (const row of rows) {
      const code = s.acceptCode(row);
      done++;
      if (!code) continue;
      seen.add(code);
      const wanted = importing && (allTypes || row.Type === REVENUE_TYPE);
      let acc = byNumber.get(code);
      if (!acc) {
        if (!importing) continue; // synchronise never creates accounts
        if (!wanted) {
          s.skip(code, 'ledgers.skip.notRevenue', { type: row.Type });
          continue;
        }
        if (code.length > 20) {
          s.skip(code, 'ledgers.skip.codeTooLong');
          continue;
        }
        acc = em.create(GlAccount, { number: code, name: (row.Description ?? code).slice(0, 200), exactType: row.Type, source: 'exact' });
        byNumber.set(code, acc);
        em.create(GlAccountLink, { glAccount: acc, division: ctx.division, exactId: row.ID, status: row.IsBlocked ? 'blocked' : 'linked', exactDescription: row.Description, checkedAt: now });
        s.tally('created');
        continue;
      }
      let changed = false;
      if (acc.source === 'exact' && row.Description && acc.name !== row.Description.slice(0, 200)) {
        acc.name = row.Description.slice(0, 200); // Exact is leading for accounts it supplied
        changed = true;
      }
      if (acc.exactType !== row.Type) {
        acc.exactType = row.Type;
        changed = true;
      }
      const status: GlLinkStatus = row.IsBlocked ? 'blocked' : 'linked';
      const link = linkOf.get(acc.id);
      if (!link) {
        const l = em.create(GlAccountLink, { glAccount: acc, division: ctx.division, exactId: row.ID, status, exactDescription: row.Description, checkedAt: now });
        linkOf.set(acc.id, l);
        changed = true;
      } else {
        if (link.exactId !== row.ID || link.status !== status || link.exactDescription !== row.Description || link.missingSince) changed = true;
        Object.assign(link, { exactId: row.ID, status, exactDescription: row.Description, missingSince: null, checkedAt: now });
      }
      s.tally(changed ? 'updated' : 'unchanged');
      if (done % 200 === 0) await progress(done, rows.length);
    }
    // accounts Koppel has that this division does not (any more): flagged, never deleted
    for (const acc of byNumber.values()) {
      if (seen.has(acc.number)) continue;
      const link = linkOf.get(acc.id);
      if (!link) {
        em.create(GlAccountLink, { glAccount: acc, division: ctx.division, exactId: null, status: 'missing', checkedAt: now, missingSince: now });
        s.tally('updated');
      } else if (link.status !== 'missing') {
        Object.assign(link, { status: 'missing', missingSince: now, checkedAt: now });
        s.tally('updated');
      } else {
        link.checkedAt = now;
        s.tally('unchanged');
      }
    }
    await em.flush();
    await progress(rows.length, rows.length);
    if (cursor > 0n) await ctx.saveCursor(cursor.toString(), 'full');
  }

  // ---------------------------------------------------------------- journals

  /** Every journal of the division (no bulk endpoint: one normal call of ≤ 60 rows). */
  private async journals(ctx: SyncContext, s: Summary, progress: (d: number, t?: number) => Promise<void>) {
    const em = ctx.em;
    const rows = await this.readAll(ctx, this.client.division(ctx.division).journals, JOURNAL_SELECT, undefined, s);
    await progress(0, rows.length);
    const existing = await em.find(Journal, { division: ctx.division });
    const byCode = new Map(existing.map((j) => [j.code, j]));
    const seen = new Set<string>();
    for (const row of rows) {
      const code = s.acceptCode(row);
      if (!code) continue;
      if (code.length > 20) {
        s.skip(code, 'ledgers.skip.codeTooLong');
        continue;
      }
      seen.add(code);
      const data = { description: (row.Description ?? code).slice(0, 200), type: row.Type, blocked: !!row.IsBlocked, missing: false, exactId: row.ID };
      const j = byCode.get(code);
      if (!j) {
        em.create(Journal, { division: ctx.division, code, ...data });
        s.tally('created');
      } else {
        const changed = j.description !== data.description || j.type !== data.type || j.blocked !== data.blocked || j.missing || j.exactId !== data.exactId;
        em.assign(j, data);
        s.tally(changed ? 'updated' : 'unchanged');
      }
    }
    for (const j of existing) {
      if (!seen.has(j.code) && !j.missing) {
        j.missing = true;
        s.tally('updated');
      }
    }
    await em.flush();
    await progress(rows.length, rows.length);
  }

  // ---------------------------------------------------------------- VAT codes

  /** The division's sales VAT codes (one normal call), then an automatic mapping for unmapped Koppel rates. */
  private async vatCodes(ctx: SyncContext, s: Summary, progress: (d: number, t?: number) => Promise<void>) {
    const em = ctx.em;
    const rows = await this.readAll(ctx, this.client.division(ctx.division).vatCodes, VAT_SELECT, f.ne('VATTransactionType', 'P'), s);
    await progress(0, rows.length);
    const existing = await em.find(VatCode, { division: ctx.division });
    const byCode = new Map(existing.map((v) => [v.code, v]));
    const seen = new Set<string>();
    for (const row of rows) {
      const code = s.acceptCode(row);
      if (!code) continue;
      seen.add(code);
      const data = {
        description: (row.Description ?? code).slice(0, 200),
        percentage: new Decimal(row.Percentage ?? 0).toFixed(4),
        type: row.Type ?? null,
        transactionType: row.VATTransactionType ?? null,
        charged: !!row.Charged,
        blocked: !!row.IsBlocked,
        missing: false,
        exactId: row.ID,
      };
      const v = byCode.get(code);
      if (!v) {
        em.create(VatCode, { division: ctx.division, code, ...data });
        s.tally('created');
      } else {
        const changed = (Object.keys(data) as (keyof typeof data)[]).some((k) => (k === 'percentage' ? !new Decimal(v.percentage).eq(data.percentage) : v[k] !== data[k]));
        em.assign(v, data);
        s.tally(changed ? 'updated' : 'unchanged');
      }
    }
    for (const v of existing) {
      if (!seen.has(v.code) && !v.missing) {
        v.missing = true;
        s.tally('updated');
      }
    }
    await em.flush();
    await autoMapVat(em, ctx.division);
    await progress(rows.length, rows.length);
  }

  // ---------------------------------------------------------------- cost centres / units

  private async costDimensions(ctx: SyncContext, mode: LedgerImportMode, s: Summary, progress: (d: number, t?: number) => Promise<void>) {
    const settings = await this.settings.get();
    if (!settings.costDimensionsEnabled) {
      s.skip('*', 'ledgers.skip.costDisabled');
      return;
    }
    const exact = this.client.division(ctx.division);
    const kinds: { kind: CostKind; api: Resource<ExactCostDimension>; entity: typeof CostCenter | typeof CostUnit }[] = [
      { kind: 'center', api: exact.costCenters, entity: CostCenter },
      { kind: 'unit', api: exact.costUnits, entity: CostUnit },
    ];
    const em = ctx.em;
    let done = 0;
    for (const k of kinds) {
      // duplicate check first: what Exact already has
      const rows = await this.readAll(ctx, k.api, COST_SELECT, undefined, s);
      const exactByCode = new Map(rows.map((r) => [trimCode(r.Code), r]));
      const local = await em.find(k.entity, {});
      const localByCode = new Map(local.map((c) => [c.code, c]));
      const links = await em.find(CostDimensionLink, { kind: k.kind, division: ctx.division });
      const linkByCode = new Map(links.map((l) => [l.code, l]));
      const now = this.clock.now();
      const link = (code: string, exactId: string | null, status: 'linked' | 'missing') => {
        const l = linkByCode.get(code);
        if (!l) {
          linkByCode.set(code, em.create(CostDimensionLink, { kind: k.kind, code, division: ctx.division, exactId, status, checkedAt: now }));
          return true;
        }
        const changed = l.exactId !== exactId || l.status !== status;
        Object.assign(l, { exactId, status, checkedAt: now });
        return changed;
      };
      if (mode === 'import') {
        for (const [code, row] of exactByCode) {
          if (!code) {
            s.skip(String(row.ID), 'ledgers.skip.noCode');
            continue;
          }
          if (!isValidExactCode(code)) {
            s.skip(String(row.ID), 'ledgers.skip.badCode');
            continue;
          }
          if (code.length > 20) {
            s.skip(code, 'ledgers.skip.codeTooLong');
            continue;
          }
          const c = localByCode.get(code);
          if (!c) {
            em.create(k.entity, { code, description: (row.Description ?? code).slice(0, 200), source: 'exact' });
            link(code, row.ID, 'linked');
            s.tally('created');
          } else {
            s.tally(link(code, row.ID, 'linked') ? 'updated' : 'unchanged');
          }
        }
        for (const c of local) if (!exactByCode.has(c.code)) link(c.code, null, 'missing');
        await em.flush();
      } else {
        // push: Koppel's active codes that Exact lacks go out; codes Exact already has are linked, not duplicated
        for (const c of local) {
          const row = exactByCode.get(c.code);
          if (row) {
            s.tally(link(c.code, row.ID, 'linked') ? 'updated' : 'unchanged');
            continue;
          }
          if (!c.active) {
            s.skip(c.code, 'ledgers.skip.inactive');
            continue;
          }
          await ctx.waitForBudget();
          const api = k.api;
          try {
            // a refusal is final (skipped); an unclear outcome is looked up by our own code before anything else
            const r = await writeOnce({
              post: () => {
                s.apiCalls++;
                return api.create({ Code: c.code, Description: c.description }, { kind: 'background', signal: ctx.signal });
              },
              lookUpAfterUnclear: true,
              mayAlreadyExist: (e) => (e as { kind?: string }).kind !== 'validation',
              lookup: () => {
                s.apiCalls++;
                return api.first({ filter: f.eq('Code', c.code), select: ['ID', 'Code'] }, { kind: 'background' });
              },
            });
            link(c.code, r.value.ID, 'linked');
            s.tally('created');
          } catch (e) {
            const ex = e as { kind?: string; exactMessage?: string };
            if (ex.kind !== 'validation') throw e;
            s.skip(c.code, 'ledgers.skip.exactRejected', { message: ex.exactMessage ?? (e as Error).message });
            link(c.code, null, 'missing');
            continue;
          }
          await em.flush();
        }
        await em.flush();
      }
      done++;
      await progress(done, kinds.length);
    }
  }

  /**
   * One cost centre / unit in Koppel and in a division of Exact, for another module (planning: "create cost centres / units
   * from resources"): Koppel's row is made when the code is new (never twice: the code is unique); in Exact the code
   * is looked up first and created only when Exact lacks it, through writeOnce (an unclear outcome is looked up by the
   * code again, never posted blindly). A link already 'linked' in the division costs no call. Returns the Exact ID.
   */
  async ensureCostDimension(
    division: number, kind: CostKind, code: string, description: string, opts: { signal?: AbortSignal; waitForBudget?: () => Promise<void> } = {},
  ): Promise<{ exactId: string; how: 'linked' | 'found' | 'created'; calls: number }> {
    const em = this.orm.em.fork();
    const entity = kind === 'center' ? CostCenter : CostUnit;
    if (!(await em.count(entity, { code }))) {
      em.create(entity, { code, description: description.slice(0, 200), source: 'manual' });
      try {
        await em.flush();
      } catch (e) {
        if (!isUniqueViolation(e)) throw e; // made meanwhile by another run: that one counts
        em.clear();
      }
    }
    const link = await em.findOne(CostDimensionLink, { kind, code, division });
    if (link?.status === 'linked' && link.exactId) return { exactId: link.exactId, how: 'linked', calls: 0 };
    const api = kind === 'center' ? this.client.division(division).costCenters : this.client.division(division).costUnits;
    const call = { kind: 'background' as const, signal: opts.signal };
    let calls = 0;
    const lookup = async () => {
      await opts.waitForBudget?.();
      calls++;
      return api.first({ filter: f.eq('Code', code), select: ['ID', 'Code'] }, call);
    };
    let how: 'found' | 'created' = 'found';
    let row = await lookup();
    if (!row) {
      await opts.waitForBudget?.();
      const r = await writeOnce({
        post: () => {
          calls++;
          return api.create({ Code: code, Description: description.slice(0, 60) }, call);
        },
        lookUpAfterUnclear: true,
        mayAlreadyExist: (e) => (e as { kind?: string }).kind !== 'validation',
        lookup,
      });
      row = r.value;
      how = r.how === 'created' ? 'created' : 'found';
    }
    const now = this.clock.now();
    if (link) Object.assign(link, { exactId: row.ID, status: 'linked', checkedAt: now });
    else em.create(CostDimensionLink, { kind, code, division, exactId: row.ID, status: 'linked', checkedAt: now });
    await em.flush();
    return { exactId: row.ID, how, calls };
  }

  /** A normal endpoint read, following __next (≤ 60 rows usually means one call). */
  private async readAll<T>(ctx: SyncContext, api: Resource<T>, select: readonly string[], filter: string | undefined, s: Summary): Promise<T[]> {
    const out: T[] = [];
    for await (const page of api.listPages({ select, filter }, { kind: 'background', signal: ctx.signal })) {
      s.apiCalls++;
      out.push(...page.rows);
      if (page.next) await ctx.waitForBudget();
    }
    return out;
  }
}

/** The widest request decides: push > import all types > import > synchronise. */
function pickPrimary(requests: LedgerImport[]): LedgerImport {
  const rank = (r: LedgerImport) => (r.mode === 'push' ? 4 : r.mode === 'import' ? (r.allTypes ? 3 : 2) : 1);
  return [...requests].sort((a, b) => rank(b) - rank(a))[0];
}

const TYPE_RANK: Record<string, number> = { E: 0, N: 1, B: 2, I: 3 };

/**
 * Maps each unmapped active Koppel VAT rate to the division's best matching sales VAT code: same
 * percentage, same reverse-charge flag, not blocked; excluding-VAT codes first, then the lowest code.
 */
export async function autoMapVat(em: EntityManager, division: number): Promise<number> {
  const rates = await em.find(VatRate, { active: true });
  const codes = await em.find(VatCode, { division, blocked: false, missing: false, transactionType: { $ne: 'P' } });
  const mapped = await em.find(VatMapping, { division });
  const has = new Set(mapped.map((m) => m.vatRate.id));
  let n = 0;
  for (const rate of rates) {
    if (has.has(rate.id)) continue;
    const pct = new Decimal(rate.percentage).div(100);
    const candidates = codes
      .filter((c) => new Decimal(c.percentage).eq(pct) && c.charged === rate.reverseCharge)
      .sort((a, b) => (TYPE_RANK[a.type ?? ''] ?? 9) - (TYPE_RANK[b.type ?? ''] ?? 9) || (a.transactionType === 'B' ? 0 : 1) - (b.transactionType === 'B' ? 0 : 1) || a.code.localeCompare(b.code, 'en', { numeric: true }));
    if (!candidates.length) continue;
    em.create(VatMapping, { vatRate: rate, division, vatCode: candidates[0].code, automatic: true });
    n++;
  }
  await em.flush();
  return n;
}
