import { Injectable, OnModuleInit } from '@nestjs/common';
import { MikroORM, RequestContext, type EntityManager } from '@mikro-orm/postgresql';
import type { FilterQuery } from '@mikro-orm/core';
import { Invoice, LocationInvoicing } from '../invoices/invoice.entity.js';
import { InvoiceExport, InvoiceExportRun } from './accounting-export.entity.js';
import { InvoiceExportService, type ExportOutcome } from './invoice-export.service.js';
import { LedgersService, type ExportLookup } from '../ledgers/ledgers.service.js';
import { CustomerExportService } from '../customers/customer-export.service.js';
import { SyncRegistry } from '../sync/sync.registry.js';
import { SyncService, type TaskStatus } from '../sync/sync.service.js';
import { NotFoundError } from '../../common/errors.js';
import { isIsoDate, toInt } from '../../common/validation.js';
import type { CallKind } from '../../exact/rate-limiter.js';
import type { SyncTaskContext } from '../sync/sync.types.js';
import { Location } from '../locations/location.entity.js';
import { Journal } from '../ledgers/journal.entity.js';
import type { SelectionItem } from './accounting-export.view.js';

/** The filters of the Accounting → Export screen. */
export interface ExportFilter {
  locationId?: number;
  dateFrom?: string;
  dateTo?: string;
  numberFrom?: string;
  numberTo?: string;
  /**
   * Journals as "<division>:<code>" (a code alone is another journal in another administration); an invoice is in
   * when its location books into that division and its journal (for its kind) has that code. A bare code (older links)
   * still matches that code in any division.
   */
  journals?: string[];
  /** Explicitly chosen invoices (checkboxes). */
  invoiceIds?: number[];
}

export type RunAction = 'all' | 'customers' | 'invoices' | 'accounts' | 'automatic';

const iso = (v: unknown) => (isIsoDate(v) ? v : undefined);
const num = (v: unknown) => (typeof v === 'string' && /^\d{1,15}$/.test(v.trim()) ? v.trim() : undefined);
const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' && v ? [v] : []);

export function parseExportFilter(raw: Record<string, unknown>): ExportFilter {
  const locationId = toInt(raw.locationId);
  const ids = list(raw.invoiceIds).map((v) => toInt(v)).filter((n): n is number => n !== undefined);
  return {
    locationId,
    dateFrom: iso(raw.dateFrom),
    dateTo: iso(raw.dateTo),
    numberFrom: num(raw.numberFrom),
    numberTo: num(raw.numberTo),
    journals: list(raw.journals).filter((j) => /^(\d{1,9}:)?[\w-]{1,20}$/.test(j)),
    invoiceIds: ids.length ? ids : undefined,
  };
}

/** The selection a filter makes, as a stable text (same filter, same key; the order of lists does not count). */
export function selectionKey(filter: ExportFilter): string {
  const f = filter ?? {};
  const sorted = (xs?: (string | number)[]) => (xs?.length ? [...xs].map(String).sort() : undefined);
  return JSON.stringify([f.locationId ?? null, f.dateFrom ?? null, f.dateTo ?? null, f.numberFrom ?? null, f.numberTo ?? null, sorted(f.journals) ?? null, sorted(f.invoiceIds) ?? null]);
}

/** The sync-engine task that runs one export run (key = the run's id). */
export const EXPORT_RUN_TASK = 'invoice-export-run';

/** How far a run got, as its page shows it: running (queued or under way), done, or interrupted (the engine's reason). */
export type ExportRunState = 'running' | 'done' | 'interrupted';

/** The running and final summary of a run, kept on the engine's run row (sync_run.summary). */
export interface ExportRunSummary {
  done: number;
  exported: number;
  blocked: number;
  failed: number;
  /** Per administration: the customers part (created/updated/unchanged/failed …). */
  customers?: unknown[];
  /** "Export accounts": per administration, whether its accounts job was queued. */
  accounts?: { division: number; state: string }[];
  /** Invoices another sender had at that moment (not failures; they stay in the queue). */
  busy?: number[];
}

/** One run: the request (invoice_export_run) with the engine's word on it (state, progress, summary, error). */
export interface ExportRunStatus extends ExportRunSummary {
  id: number;
  action: string;
  state: ExportRunState;
  /** Invoices it covers. */
  invoiceIds: number[];
  total: number;
  startedAt: Date;
  finishedAt?: Date;
  /** Why it stopped (Exact's own words, the database's, or the interruption), verbatim. */
  error?: string;
  summary: ExportRunSummary;
}

const RUN_STATE = { queued: 'running', running: 'running', ok: 'done', failed: 'interrupted', gone: 'interrupted' } as const satisfies Record<TaskStatus['state'], ExportRunState>;

/** The request and the engine's status of its job, as one run. */
export function exportRunStatus(run: InvoiceExportRun, { state, run: task }: TaskStatus): ExportRunStatus {
  const stored = (task?.summary ?? {}) as Partial<ExportRunSummary>;
  const summary: ExportRunSummary = { ...stored, done: stored.done ?? 0, exported: stored.exported ?? 0, blocked: stored.blocked ?? 0, failed: stored.failed ?? 0 };
  const error = state === 'gone' ? 'Interrupted: the export job no longer exists.' : state === 'failed' ? (task?.error ?? undefined) : undefined;
  return {
    ...summary,
    id: run.id,
    action: run.action,
    state: RUN_STATE[state],
    invoiceIds: run.invoiceIds,
    total: run.invoiceIds.length,
    startedAt: run.startedAt,
    finishedAt: task?.finished_at ?? undefined,
    error,
    summary,
  };
}

/** What an export run's job carries (besides its key, the run id). */
interface ExportRunPayload {
  runId: number;
  kind: CallKind;
  /** Per location: attach the PDF (automatic runs); absent = the run's own includePdf. */
  includePdf?: Record<string, boolean>;
}

/**
 * "Export customers & invoices" and its siblings: a run over the invoices of a filter. The click records the run
 * (its request) and queues a sync-engine job for it ('user' trigger, before scheduled work); whichever Koppel
 * process runs the engine executes it, and the page polls the run's progress. Whether a run still has a worker
 * is the engine's answer (its job and the owner's lease), also for a worker that died on another host; its progress
 * and summary live on the engine's run row (invoice_export_run holds only the request).
 * Customers that are new or changed go first; then each invoice through InvoiceExportService (exactly once).
 */
@Injectable()
export class ExportRunService implements OnModuleInit {

  constructor(
    private readonly orm: MikroORM,
    private readonly exporter: InvoiceExportService,
    private readonly ledgers: LedgersService,
    private readonly customers: CustomerExportService,
    private readonly registry: SyncRegistry,
    private readonly sync: SyncService,
  ) {}

  onModuleInit(): void {
    this.registry.registerTask({
      name: EXPORT_RUN_TASK,
      labelKey: 'export.runTitle',
      run: (ctx) => this.runTask(ctx),
    });
    // Automatic mode: every final, clean invoice of locations set to "automatic" goes out at night, as an export run.
    this.registry.register({
      name: 'invoice-export',
      schedule: 'nightly',
      labelKey: 'export.automaticResource',
      run: async (ctx) => {
        const em = ctx.em;
        const autos = await em.find(LocationInvoicing, { exportMode: 'automatic' });
        const locationIds = autos.map((a) => a.locationId);
        if (!locationIds.length) return;
        const invoices = await em.find(Invoice, { location: { id: { $in: locationIds }, exactDivision: ctx.division }, $or: [{ status: 'final' }, { status: 'exported', changedAfterExport: true }] }, { fields: ['id'] });
        if (!invoices.length) return;
        const includePdf = Object.fromEntries(autos.map((a) => [String(a.locationId), a.includePdf]));
        const runId = await this.createRun('automatic', {}, true, invoices.map((i) => i.id), null, ctx.division);
        await this.sync.submit(EXPORT_RUN_TASK, String(runId), { trigger: ctx.trigger, division: ctx.division, payload: { runId, kind: 'background', includePdf } satisfies ExportRunPayload });
        ctx.count({ created: invoices.length });
      },
    });
  }

  /** The invoices the filter selects that have something to send (final, or changed after export, or failed/blocked). */
  async selection(filter: ExportFilter, em: EntityManager = this.orm.em.fork(), limit = 5000): Promise<Invoice[]> {
    const where: FilterQuery<Invoice> = {
      $or: [{ status: 'final' }, { status: 'exported', changedAfterExport: true }],
    };
    const and: FilterQuery<Invoice>[] = [where];
    if (filter.invoiceIds) and.push({ id: { $in: filter.invoiceIds } });
    if (filter.locationId) and.push({ location: filter.locationId });
    if (filter.dateFrom) and.push({ invoiceDate: { $gte: filter.dateFrom } });
    if (filter.dateTo) and.push({ invoiceDate: { $lte: filter.dateTo } });
    if (filter.numberFrom) and.push({ number: { $gte: filter.numberFrom } });
    if (filter.numberTo) and.push({ number: { $lte: filter.numberTo } });
    if (filter.journals?.length) {
      const byDivision = new Map<number | null, string[]>();
      for (const j of filter.journals) {
        const m = /^(\d+):(.+)$/.exec(j);
        const key = m ? Number(m[1]) : null;
        (byDivision.get(key) ?? byDivision.set(key, []).get(key)!).push(m ? m[2] : j);
      }
      const or: FilterQuery<Invoice>[] = [];
      for (const [division, codes] of byDivision) {
        const inDivision = division === null ? {} : { exactDivision: division };
        or.push({ kind: 'invoice', location: { ...inDivision, salesJournalCode: { $in: codes } } });
        or.push({ kind: 'credit_note', location: { ...inDivision, $or: [{ creditJournalCode: { $in: codes } }, { creditJournalCode: null, salesJournalCode: { $in: codes } }] } });
      }
      and.push({ $or: or });
    }
    return em.find(Invoice, { $and: and }, { populate: ['customer', 'location'], orderBy: { location: { id: 'asc' }, number: 'asc', id: 'asc' }, limit });
  }

  private async createRun(action: RunAction, filter: ExportFilter, includePdf: boolean, invoiceIds: number[], userId: number | null, division: number): Promise<number> {
    const em = this.orm.em.fork();
    const run = em.create(InvoiceExportRun, { action, filter: filter as Record<string, unknown>, includePdf, invoiceIds, userId, division });
    await em.flush();
    return run.id;
  }

  /** Starts a run (queued on the sync engine) and returns its id at once (the page shows its progress). */
  async start(action: Exclude<RunAction, 'automatic'>, filter: ExportFilter, includePdf: boolean, userId: number | null): Promise<number> {
    return (await this.startOnce(action, filter, includePdf, userId)).runId;
  }

  /**
   * One export run per selection at a time: while a run of the same filter is queued or running (in any process),
   * a second click (double-click, a second tab, Back + click) starts nothing and gets that run (`joined`). The
   * check, the insert and the job are made under a transaction-scoped advisory lock on the selection, so two clicks
   * at once cannot both start. A 'running' row whose worker died is not joined: the engine says it is gone.
   */
  async startOnce(action: Exclude<RunAction, 'automatic'>, filter: ExportFilter, includePdf: boolean, userId: number | null): Promise<{ runId: number; joined: boolean }> {
    const key = selectionKey(filter);
    const invoices = action === 'accounts' ? [] : await this.selection(filter);
    const em = this.orm.em.fork();
    return em.transactional(async (tem) => {
      await tem.getConnection().execute('select pg_advisory_xact_lock(hashtext(?))', [`koppel:export-run:${key}`], 'all', tem.getTransactionContext());
      // the runs the engine has queued or running; one of the same selection (still alive) is joined
      const open = (await this.sync.openTaskKeys(EXPORT_RUN_TASK)).map(Number).filter((n) => Number.isSafeInteger(n));
      const running = open.length ? await tem.find(InvoiceExportRun, { id: { $in: open }, action: { $ne: 'automatic' } }, { orderBy: { id: 'desc' } }) : [];
      for (const r of running.filter((r) => selectionKey(r.filter as ExportFilter) === key)) {
        const { state } = await this.sync.taskStatus(EXPORT_RUN_TASK, String(r.id), r.division);
        if (state === 'queued' || state === 'running') return { runId: r.id, joined: true };
      }
      const run = tem.create(InvoiceExportRun, { action, filter: filter as Record<string, unknown>, includePdf, invoiceIds: invoices.map((i) => i.id), userId });
      await tem.flush();
      // queued before the lock is let go, so a second click sees the job; the worker waits for this commit
      await this.sync.submit(EXPORT_RUN_TASK, String(run.id), { trigger: 'user', payload: { runId: run.id, kind: 'interactive' } satisfies ExportRunPayload });
      return { runId: run.id, joined: false };
    });
  }

  /** The engine's job of one run (a key runs once: the engine does not start a run that already ended). */
  private async runTask(ctx: SyncTaskContext): Promise<Record<string, unknown>> {
    const p = ctx.payload as unknown as ExportRunPayload;
    const runId = p.runId;
    // the click queues the job just before its transaction commits: wait for the run to be visible
    const until = Date.now() + 60_000;
    let run = await this.orm.em.fork().findOne(InvoiceExportRun, { id: runId });
    while (!run && Date.now() < until && !ctx.signal.aborted) {
      await new Promise((r) => setTimeout(r, 200));
      run = await this.orm.em.fork().findOne(InvoiceExportRun, { id: runId });
    }
    if (!run) throw new Error(`export run ${runId} does not exist`);
    const pdf = p.includePdf;
    const own = run.includePdf;
    const summary = await this.execute(run, p.kind ?? 'interactive', (locationId) => (pdf ? (pdf[String(locationId)] ?? true) : own), ctx);
    ctx.count({ created: summary.exported });
    return { ...summary };
  }

  /** Runs an export to the end; progress and summary go to the engine's run row as it goes. */
  private execute(run: InvoiceExportRun, kind: CallKind, includePdfFor: (locationId: number) => boolean, ctx: SyncTaskContext): Promise<ExportRunSummary> {
    // a unit of work of its own, also when started outside a request (nightly job, another process)
    return RequestContext.create(this.orm.em, () => this.executeInContext(run, kind, includePdfFor, ctx));
  }

  private async executeInContext(run: InvoiceExportRun, kind: CallKind, includePdfFor: (locationId: number) => boolean, ctx: SyncTaskContext): Promise<ExportRunSummary> {
    const em = this.orm.em.fork();
    const runId = run.id;
    const summary: ExportRunSummary = { done: 0, exported: 0, blocked: 0, failed: 0 };
    const total = run.invoiceIds.length;
    // an error (the database gone, Exact refusing) ends the job; the engine records it with the last summary
    const beat = () => ctx.progress(summary.done, total, { ...summary });
    await beat();
    const invoices = run.invoiceIds.length ? await em.find(Invoice, { id: { $in: run.invoiceIds } }, { populate: ['location', 'customer'] }) : [];
    if (run.action === 'all' || run.action === 'customers' || run.action === 'automatic') {
      const customerIds = [...new Set(invoices.map((i) => i.customer.id))];
      if (customerIds.length) {
        const divisions = [...new Set(invoices.map((i) => i.location.exactDivision).filter((d): d is number => !!d))];
        const parts = [];
        for (const division of divisions) {
          const ids = [...new Set(invoices.filter((i) => i.location.exactDivision === division).map((i) => i.customer.id))];
          parts.push(await this.customers.exportChanged({ customerIds: ids, division }, { kind }));
        }
        summary.customers = parts;
      }
      await beat();
    }
    if (run.action === 'accounts') {
      const filter = run.filter as ExportFilter;
      const divisions = await this.divisionsOf(em, filter.locationId);
      summary.accounts = [];
      for (const d of divisions) summary.accounts.push({ division: d, state: await this.sync.enqueue(d, 'gl-accounts', 'manual') });
      await beat();
    }
    if (run.action === 'all' || run.action === 'invoices' || run.action === 'automatic') {
      const lookups = new Map<number, ExportLookup>();
      for (const inv of invoices) {
        if (ctx.signal.aborted) break; // shutdown: the engine records the run as interrupted
        const division = inv.location.exactDivision;
        let lookup: ExportLookup | undefined;
        if (division) {
          if (!lookups.has(division)) lookups.set(division, await this.ledgers.exportLookup(division));
          lookup = lookups.get(division);
        }
        const outcome: ExportOutcome = await this.exporter.exportInvoice(inv.id, { includePdf: includePdfFor(inv.location.id), owner: `run:${runId}`, kind, lookup });
        summary.done++;
        if (outcome === 'exported' || outcome === 'unchanged') summary.exported++;
        else if (outcome === 'blocked' || outcome === 'needs_credit_note') summary.blocked++;
        else if (outcome === 'busy') {
          // another sender has it right now: not a failure, it stays in the queue for that sender or the next run
          summary.busy = [...(summary.busy ?? []), inv.id];
        } else summary.failed++;
        await beat();
      }
    }
    return summary;
  }

  private async divisionsOf(em: EntityManager, locationId?: number): Promise<number[]> {
    const rows = await em.getConnection().execute<{ d: number }[]>(
      `select distinct exact_division as d from locations where exact_division is not null ${locationId ? 'and id = ?' : ''}`,
      locationId ? [locationId] : [],
    );
    return rows.map((r) => r.d);
  }

  /** True while the run's worker (this process) has stopped and waits for the database to record that. */
  isEnding(runId: number): boolean {
    return this.sync.taskEnding(EXPORT_RUN_TASK, String(runId));
  }

  /** A run with the engine's word on it; a run whose worker died (its job gone, its owner's lease free) shows as interrupted. */
  async get(runId: number): Promise<ExportRunStatus | null> {
    const run = await this.orm.em.fork().findOne(InvoiceExportRun, { id: runId });
    return run ? this.statusOf(run) : null;
  }

  private async statusOf(run: InvoiceExportRun): Promise<ExportRunStatus> {
    return exportRunStatus(run, await this.sync.taskStatus(EXPORT_RUN_TASK, String(run.id), run.division));
  }

  /** The Accounting → Export page's reads: choices, the selection with each invoice's preflight, the latest runs. */
  async page(filter: ExportFilter): Promise<{ locations: Location[]; journals: Journal[]; items: SelectionItem[]; recent: ExportRunStatus[] }> {
    const em = this.orm.em.fork();
    const [locations, journals, invoices, recent] = await Promise.all([
      em.find(Location, {}, { orderBy: { name: 'asc' } }),
      // sales and return journals that Exact still accepts, per administration
      em.find(Journal, { type: { $in: [20, 21] }, blocked: false, missing: false }, { orderBy: { division: 'asc', code: 'asc' } }),
      this.selection(filter, em, 200),
      this.recent(5),
    ]);
    const rows = await em.find(InvoiceExport, { invoice: { $in: invoices.map((i) => i.id) } });
    const rowOf = new Map(rows.map((r) => [typeof r.invoice === 'object' ? r.invoice.id : (r.invoice as number), r]));
    const lookups = new Map<number, ExportLookup>();
    const items: SelectionItem[] = [];
    for (const inv of invoices) {
      const division = inv.location.exactDivision ?? undefined;
      if (division && !lookups.has(division)) lookups.set(division, await this.ledgers.exportLookup(division));
      await em.populate(inv, ['lines', 'lines.vatRate', 'lines.product', 'lines.glAccount', 'lines.costCenter', 'lines.costUnit']);
      const prepared = await this.exporter.prepare(inv, division ? lookups.get(division) : undefined);
      items.push({ invoice: inv, problems: prepared.problems, preview: prepared.preview, row: rowOf.get(inv.id) });
    }
    return { locations, journals, items, recent };
  }

  /** Re-queue: the chosen invoices, or every failed or blocked one (of the filter's location); returns how many. */
  async requeue(filter: ExportFilter): Promise<number> {
    const em = this.orm.em.fork();
    const ids = filter.invoiceIds ?? (await em.find(InvoiceExport, { state: { $in: ['failed', 'blocked'] }, ...(filter.locationId ? { invoice: { location: filter.locationId } } : {}) })).map((r) => (typeof r.invoice === 'object' ? r.invoice.id : (r.invoice as number)));
    return this.exporter.requeue(ids);
  }

  async recent(limit = 10): Promise<ExportRunStatus[]> {
    const runs = await this.orm.em.fork().find(InvoiceExportRun, {}, { orderBy: { id: 'desc' }, limit });
    return Promise.all(runs.map((r) => this.statusOf(r)));
  }

  /** A run's page: its status and, once it ended, the export rows of its invoices (NotFoundError for an unknown run). */
  async runPage(runId: number): Promise<{ run: ExportRunStatus; rows: InvoiceExport[] }> {
    const run = await this.get(runId);
    if (!run) throw new NotFoundError('Export run');
    return { run, rows: run.state === 'running' ? [] : await this.rowsOf(run) };
  }

  /** Export rows of a run's invoices, for its summary. */
  private async rowsOf(run: ExportRunStatus): Promise<InvoiceExport[]> {
    if (!run.invoiceIds.length) return [];
    return this.orm.em.fork().find(InvoiceExport, { invoice: { $in: run.invoiceIds } }, { populate: ['invoice', 'invoice.customer', 'invoice.location'], orderBy: { invoice: { number: 'asc' } } });
  }
}
