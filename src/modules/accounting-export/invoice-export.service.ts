import { Injectable, Logger } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Invoice, InvoicePdf } from '../invoices/invoice.entity.js';
import { InvoiceExport, InvoiceExportLog, type ExportStep } from './accounting-export.entity.js';
import { InvoicesService } from '../invoices/invoices.service.js';
import { calculate, paymentReference } from '../invoices/invoice-calc.js';
import { LedgersService, type ExportLookup } from '../ledgers/ledgers.service.js';
import { CustomerExportService } from '../customers/customer-export.service.js';
import { ExactClient } from '../../exact/exact.client.js';
import { ExactError } from '../../exact/errors.js';
import { writeOnce } from '../../exact/write-once.js';
import { f, toExactDate } from '../../exact/odata.js';
import type { CallKind } from '../../exact/rate-limiter.js';
import type { ExactSalesEntryLine } from '../../exact/exact.types.js';
import { Clock } from '../../common/clock.js';
import { SyncLease } from '../sync/sync.lease.js';
import { HealthFeatureRegistry } from '../connection-health/connection-health.registry.js';
import type { HealthProblem } from '../connection-health/connection-health.types.js';

/** A reason an invoice cannot be sent yet: an i18n key with its parameters. */
export interface ExportProblem {
  key: string;
  params?: Record<string, unknown>;
}

/** What will be posted: the entry and its lines, for the preview on the Accounting screen. */
export interface ExportPreview {
  division: number;
  journal: string;
  entryNumber: string;
  yourRef: string;
  entryDate: string;
  dueDate: string;
  customer: string;
  kind: 'invoice' | 'credit_note';
  lines: { glAccount: string; description: string; quantity: string; amount: string; vatCode: string; vatAmount: string; costCenter?: string; costUnit?: string }[];
  total: string;
}

interface Prepared {
  problems: ExportProblem[];
  preview?: ExportPreview;
  entryLines?: ExactSalesEntryLine[];
}

export type ExportOutcome = 'exported' | 'blocked' | 'failed' | 'busy' | 'unchanged' | 'needs_credit_note';

/** Sales-invoice document type in Exact (documents/DocumentTypes). */
const SALES_INVOICE_DOCUMENT_TYPE = 10;
/** A claim older than this belongs to a sender that died. */
const CLAIM_TIMEOUT_MS = 10 * 60_000;

/** Claims name the process that holds them by its lease: "lease:<id>/<owner>" (SyncLease.owner). */

/**
 * Invoices → Exact sales entries, exactly once. Each step (document, attachment, entry) is recorded in the
 * export ledger (invoice_export.pending_step) BEFORE its POST and completed after; a step found pending
 * (crash, timeout, 5xx) is first looked up in Exact by our own reference — the document subject, the
 * attachment's document, the entry number in the journal — and only posted when it is not there.
 */
@Injectable()
export class InvoiceExportService {
  private readonly logger = new Logger('InvoiceExport');
  /** Claims this process holds right now ("<invoiceId>|<owner>"): one of ours that is not here is stale. */
  private readonly held = new Set<string>();

  constructor(
    private readonly orm: MikroORM,
    private readonly invoices: InvoicesService,
    private readonly ledgers: LedgersService,
    private readonly customers: CustomerExportService,
    private readonly client: ExactClient,
    private readonly clock: Clock,
    private readonly lease: SyncLease,
    private readonly health: HealthFeatureRegistry,
  ) {}

  private async load(em: EntityManager, id: number): Promise<Invoice> {
    return em.findOneOrFail(Invoice, { id }, { populate: ['lines', 'lines.vatRate', 'lines.product', 'lines.glAccount', 'lines.costCenter', 'lines.costUnit', 'customer', 'location'] });
  }

  journalFor(inv: Invoice): string | null {
    const loc = inv.location;
    return (inv.kind === 'credit_note' ? (loc.creditJournalCode ?? loc.salesJournalCode) : loc.salesJournalCode) ?? null;
  }

  subject(inv: Invoice): string {
    return `${inv.kind === 'credit_note' ? 'Creditnota' : 'Factuur'} ${inv.location.code}-${inv.number}`;
  }

  /**
   * The preflight of one invoice: every reason it cannot be sent, and — when it can — the entry that
   * will be posted. `lookup` is the division's ledger lookup (resolved once per run).
   */
  async prepare(inv: Invoice, lookup: ExportLookup | undefined, opts: { checkCustomerInExact?: boolean; kind?: CallKind } = {}): Promise<Prepared> {
    const problems: ExportProblem[] = [];
    const division = inv.location.exactDivision;
    if (!inv.number) problems.push({ key: 'export.problems.noNumber' });
    if (inv.status === 'draft') problems.push({ key: 'export.problems.draft' });
    if (!division || !lookup) {
      problems.push({ key: 'export.problems.noDivision', params: { location: inv.location.name } });
      return { problems };
    }
    for (const p of lookup.problems.filter((x) => x.code === 'division_not_granted')) problems.push({ key: p.key, params: p.params });
    const journal = this.journalFor(inv);
    const jp = lookup.checkJournal(journal);
    if (jp) problems.push({ key: jp.key, params: jp.params });
    else {
      // a sales entry needs a sales journal (Type 20), a credit note may also use a return journal (21)
      const type = lookup.journals.get(journal!)?.type;
      const allowed = inv.kind === 'credit_note' ? [20, 21] : [20];
      if (type !== undefined && !allowed.includes(type)) problems.push({ key: 'export.problems.journalNotSales', params: { code: journal, location: inv.location.name } });
    }

    if (opts.checkCustomerInExact) {
      for (const p of await this.customers.preflight(inv.customer.id, division, { kind: opts.kind })) problems.push(p);
    } else {
      for (const p of this.customers.localProblems(inv.customer)) problems.push(p);
    }

    const carry = lookup.settings.invoiceLinesCarryCostDimensions;
    const calc = calculate(inv.lines.getItems().map((l) => ({ description: l.description, quantity: l.quantity, unitPrice: l.unitPrice, discountPercent: l.discountPercent, vatPercentage: l.vatRate.percentage, vatRateId: l.vatRate.id })));
    const dims = [];
    for (const line of inv.lines.getItems()) dims.push(await this.invoices.resolveDimensions(line, inv.location.id));
    const entryLines: ExactSalesEntryLine[] = [];
    const previewLines: ExportPreview['lines'] = [];
    const items = inv.lines.getItems();
    for (const cl of calc.lines) {
      const line = items[cl.source];
      const d = dims[cl.source];
      const position = cl.source + 1;
      const description = cl.kind === 'discount' ? `${line.description} (korting ${cl.description})` : line.description;
      if (!d.glAccount) {
        if (cl.kind === 'item') problems.push({ key: 'export.problems.lineNoGl', params: { position, description: line.description } });
        continue;
      }
      const gp = lookup.checkGlAccount(d.glAccount.id);
      if (gp && cl.kind === 'item') problems.push({ key: gp.key, params: { ...gp.params, position } });
      const vp = lookup.checkVatRate(line.vatRate.id);
      if (vp && cl.kind === 'item') problems.push({ key: vp.key, params: { ...vp.params, position } });
      const costCenter = carry ? d.costCenter?.code : undefined;
      const costUnit = carry ? d.costUnit?.code : undefined;
      if (carry && cl.kind === 'item') {
        const cp = lookup.checkCostCenter(costCenter);
        if (cp) problems.push({ key: cp.key, params: { ...cp.params, position } });
        const up = lookup.checkCostUnit(costUnit);
        if (up) problems.push({ key: up.key, params: { ...up.params, position } });
      }
      const vatCode = lookup.vatCodes.get(line.vatRate.id) ?? '';
      const exactGl = lookup.glAccounts.get(d.glAccount.id)?.exactId ?? '';
      entryLines.push({
        GLAccount: exactGl,
        AmountFC: cl.net.toNumber(),
        VATCode: vatCode,
        VATAmountFC: cl.vat.toNumber(),
        Description: description.slice(0, 100),
        Quantity: cl.kind === 'item' ? cl.quantity.toNumber() : 1,
        ...(costCenter ? { CostCenter: costCenter } : {}),
        ...(costUnit ? { CostUnit: costUnit } : {}),
      });
      previewLines.push({ glAccount: d.glAccount.number, description, quantity: cl.kind === 'item' ? cl.quantity.toString() : '1', amount: cl.net.toFixed(2), vatCode, vatAmount: cl.vat.toFixed(2), costCenter, costUnit });
    }
    if (!items.length) problems.push({ key: 'export.problems.noLines' });
    // what the last connection health check found in Exact itself, with the Health page's own words
    const glIds = new Set(dims.map((d) => (d.glAccount ? `gl:${d.glAccount.id}` : '')));
    for (const p of await this.health.problemsFor(division, 'invoices')) {
      if (healthBlocks(p, inv.invoiceDate.slice(0, 4), glIds, journal)) problems.push({ key: p.key, params: p.params });
    }
    const uniq = new Map(problems.map((p) => [`${p.key}|${JSON.stringify(p.params ?? {})}`, p]));
    return {
      problems: [...uniq.values()],
      entryLines,
      preview: {
        division,
        journal: journal ?? '',
        entryNumber: inv.number ?? '',
        yourRef: inv.number ?? '',
        entryDate: inv.invoiceDate,
        dueDate: inv.dueDate,
        customer: `${inv.customer.number} ${inv.customer.name}`,
        kind: inv.kind,
        lines: previewLines,
        total: calc.gross.toFixed(2),
      },
    };
  }

  /** Puts invoices (back) in the queue; exported ones stay exported unless changed afterwards. */
  async requeue(invoiceIds: number[]): Promise<number> {
    const em = this.orm.em.fork();
    const rows = await em.find(InvoiceExport, { invoice: { $in: invoiceIds }, state: { $in: ['failed', 'blocked'] } });
    for (const r of rows) {
      r.state = 'queued';
      r.lastError = null;
    }
    await em.flush();
    return rows.length;
  }

  private log(em: EntityManager, inv: Invoice, action: string, outcome: InvoiceExportLog['outcome'], detail?: string): void {
    em.create(InvoiceExportLog, { invoice: inv, at: this.clock.now(), action, outcome, detail: detail?.slice(0, 2000) ?? null });
  }

  /**
   * One sender per invoice at a time, across processes: an atomic claim on the ledger row (compare and
   * set). A claim is taken over when it is older than CLAIM_TIMEOUT_MS, or at once when its owner's process
   * no longer holds its lease (killed mid-export, on this host or another one).
   */
  private async claim(em: EntityManager, invoiceId: number, division: number, includePdf: boolean, owner: string): Promise<boolean> {
    const conn = em.getConnection();
    await conn.execute(`insert into invoice_export (invoice_id, division, include_pdf) values (?, ?, ?) on conflict (invoice_id) do nothing`, [invoiceId, division, includePdf]);
    const [current] = await conn.execute<{ claimed_by: string | null; claimed_at: Date | null }[]>('select claimed_by, claimed_at from invoice_export where invoice_id = ?', [invoiceId]);
    const now = this.clock.now();
    const free =
      !current.claimed_by ||
      (current.claimed_at && now.getTime() - new Date(current.claimed_at).getTime() > CLAIM_TIMEOUT_MS) ||
      // a claim of this very process that no sender here holds any more (its release was lost with the database)
      (SyncLease.idOf(current.claimed_by) === this.lease.id && !this.held.has(`${invoiceId}|${current.claimed_by.slice(this.lease.owner('').length)}`)) ||
      !(await this.lease.ownerAlive(current.claimed_by));
    if (!free) return false;
    const rows = await conn.execute<{ id: number }[]>(
      `update invoice_export set claimed_by = ?, claimed_at = ? where invoice_id = ? and claimed_by is not distinct from ? returning id`,
      [this.lease.owner(owner), now, invoiceId, current.claimed_by],
    );
    return rows.length > 0;
  }

  private async release(em: EntityManager, invoiceId: number, owner: string): Promise<void> {
    await em.getConnection().execute(`update invoice_export set claimed_by = null, claimed_at = null where invoice_id = ? and claimed_by = ?`, [invoiceId, this.lease.owner(owner)]);
  }

  /**
   * Exports one invoice (idempotent; safe to call again after any failure or crash).
   * `lookup` may be passed in to resolve ledgers once per division and run.
   */
  async exportInvoice(invoiceId: number, opts: { includePdf: boolean; owner: string; kind?: CallKind; lookup?: ExportLookup }): Promise<ExportOutcome> {
    const em = this.orm.em.fork();
    const inv = await this.load(em, invoiceId);
    const division = inv.location.exactDivision;
    if (!division) {
      await this.block(em, inv, 0, [{ key: 'export.problems.noDivision', params: { location: inv.location.name } }], opts.includePdf);
      return 'blocked';
    }
    const key = `${inv.id}|${opts.owner}`;
    if (this.held.has(key) || !(await this.claim(em, inv.id, division, opts.includePdf, opts.owner))) return 'busy';
    this.held.add(key);
    try {
      return await this.exportClaimed(em, inv, division, opts);
    } finally {
      this.held.delete(key);
      // a release lost with the database is harmless: this process recognises its own claim as stale
      await this.release(this.orm.em.fork(), inv.id, opts.owner).catch((e) => this.logger.warn(`releasing the claim on invoice ${inv.id}: ${(e as Error).message}`));
    }
  }

  private async block(em: EntityManager, inv: Invoice, division: number, problems: ExportProblem[], includePdf: boolean): Promise<void> {
    const row = (await em.findOne(InvoiceExport, { invoice: inv })) ?? em.create(InvoiceExport, { invoice: inv, division, includePdf });
    row.state = 'blocked';
    row.problems = problems;
    this.log(em, inv, 'preflight', 'error', problems.map((p) => p.key).join(', '));
    await em.flush();
  }

  private async exportClaimed(em: EntityManager, inv: Invoice, division: number, opts: { includePdf: boolean; kind?: CallKind; lookup?: ExportLookup }): Promise<ExportOutcome> {
    const kind = opts.kind ?? 'interactive';
    const row = await em.findOneOrFail(InvoiceExport, { invoice: inv });
    if (row.state === 'exported' && !inv.changedAfterExport) return 'unchanged';
    if (row.state === 'needs_credit_note') return 'needs_credit_note';
    row.division = division;
    row.includePdf = opts.includePdf;
    row.attempts++;

    // A change after the export: re-send while Exact still allows it (entry open), else a credit note is needed.
    if (row.state === 'exported' && inv.changedAfterExport && row.exactEntryId) {
      const outcome = await this.undoForResend(em, inv, row, kind);
      if (outcome) return outcome;
    }

    const lookup = opts.lookup ?? (await this.ledgers.exportLookup(division));
    const prepared = await this.prepare(inv, lookup, { checkCustomerInExact: true, kind });
    if (prepared.problems.length) {
      row.state = 'blocked';
      row.problems = prepared.problems;
      this.log(em, inv, 'preflight', 'error', prepared.problems.map((p) => p.key).join(', '));
      await em.flush();
      return 'blocked';
    }
    row.problems = null;
    row.state = 'sending';
    row.journalCode = prepared.preview!.journal;
    await em.flush();

    try {
      const customerId = await this.customers.ensureInExact(inv.customer.id, division, { kind });
      const api = this.client.division(division);
      if (opts.includePdf) {
        const pdf = await em.findOne(InvoicePdf, { invoiceId: inv.id }, { populate: ['bytes'] });
        if (!pdf) {
          row.state = 'blocked';
          row.problems = [{ key: 'export.problems.noPdf' }];
          await em.flush();
          return 'blocked';
        }
        if (!row.exactDocumentId) {
          await this.step(em, inv, row, 'document', (id) => (row.exactDocumentId = id), async () => {
            const found = await api.documents.first({ filter: f.and(f.eq('Subject', this.subject(inv)), f.eq('Type', SALES_INVOICE_DOCUMENT_TYPE)), select: ['ID'] }, { kind });
            return found?.ID;
          }, async () => (await api.documents.create({ Subject: this.subject(inv), Type: SALES_INVOICE_DOCUMENT_TYPE, Account: customerId, DocumentDate: inv.invoiceDate }, { kind })).ID);
        }
        if (!row.exactAttachmentId) {
          const documentId = row.exactDocumentId!;
          await this.step(em, inv, row, 'attachment', (id) => {
            row.exactAttachmentId = id;
            row.pdfSha256 = pdf.sha256;
          }, async () => {
            const found = await api.documentAttachments.first({ filter: f.guid('Document', documentId), select: ['ID'] }, { kind });
            return found?.ID;
          }, async () => (await api.documentAttachments.create({ Document: documentId, FileName: `${this.subject(inv).replace(/\s+/g, '-')}.pdf`, Attachment: Buffer.from(pdf.bytes).toString('base64') }, { kind })).ID);
        }
      }
      if (!row.exactEntryId) {
        const journal = prepared.preview!.journal;
        const entryNumber = Number(inv.number);
        await this.step(em, inv, row, 'entry', (id) => (row.exactEntryId = id), async () => {
          const found = await api.salesEntries.first({ filter: f.and(f.eq('EntryNumber', entryNumber), f.eq('Journal', journal)), select: ['EntryID', 'YourRef'] }, { kind });
          // only ours when our reference matches too (never adopt someone else's entry with that number)
          return found && String(found.YourRef ?? '').trim() === inv.number ? found.EntryID : undefined;
        }, async () => {
          const entry = await api.salesEntries.create({
            Journal: journal,
            Customer: customerId,
            EntryDate: toExactDate(inv.invoiceDate),
            EntryNumber: entryNumber,
            YourRef: inv.number!,
            Description: this.subject(inv),
            DueDate: toExactDate(inv.dueDate),
            PaymentReference: paymentReference(inv.location.code, inv.number!),
            ...(row.exactDocumentId ? { Document: row.exactDocumentId } : {}),
            SalesEntryLines: prepared.entryLines!,
          }, { kind });
          return entry.EntryID;
        });
      }
      row.state = 'exported';
      row.lastError = null;
      row.exportedAt = this.clock.now();
      this.invoices.markExported(inv);
      this.log(em, inv, 'exported', 'ok', `entry ${row.exactEntryId}`);
      await em.flush();
      return 'exported';
    } catch (e) {
      row.state = 'failed';
      row.lastError = e instanceof ExactError ? `${e.exactMessage ?? e.message}` : String((e as Error)?.message ?? e);
      this.log(em, inv, 'export', 'error', row.lastError);
      await em.flush();
      if (!(e instanceof ExactError)) this.logger.error(`export of invoice ${inv.id} failed: ${(e as Error)?.stack ?? e}`);
      return 'failed';
    }
  }

  /**
   * One step of the protocol. Intent first (committed), then — if the previous attempt of this step
   * ended unclearly — a lookup by our own reference, then the POST. A definite refusal clears the intent;
   * an unclear outcome keeps it, so the next attempt looks up before posting again.
   * `store` puts the new ID on the ledger row: it is committed in the SAME write that completes the step
   * (intent cleared, "ok" logged), so no kill can leave a completed step without its ID.
   */
  private async step(em: EntityManager, inv: Invoice, row: InvoiceExport, step: ExportStep, store: (id: string) => void, lookup: () => Promise<string | undefined>, post: () => Promise<string>): Promise<string> {
    const { value } = await writeOnce<string>({
      lookup,
      post,
      intent: {
        pending: row.pendingStep === step,
        record: async () => {
          row.pendingStep = step;
          this.log(em, inv, step, 'intent');
          await em.flush();
        },
        done: async (id, how) => {
          this.log(em, inv, step, how === 'created' ? 'ok' : 'found', how === 'created' ? id : `already in Exact: ${id}`);
          row.pendingStep = null;
          store(id);
          await em.flush();
        },
        // committed with the failed state by the caller
        refused: () => void (row.pendingStep = null),
      },
    });
    return value;
  }

  /** For an exported invoice that changed: delete the open entry (and its document) so it is sent anew. */
  private async undoForResend(em: EntityManager, inv: Invoice, row: InvoiceExport, kind: CallKind): Promise<ExportOutcome | undefined> {
    const api = this.client.division(row.division);
    try {
      const entry = await api.salesEntries.get(row.exactEntryId!, ['EntryID', 'Status'], { kind });
      // Status 50 = processed ("verwerkt") by the accountant: Exact refuses changes and deletion
      if ((entry.Status ?? 20) >= 50) {
        row.state = 'needs_credit_note';
        this.log(em, inv, 'resend', 'error', 'entry processed in Exact: a credit note is needed');
        await em.flush();
        return 'needs_credit_note';
      }
      try {
        await api.salesEntries.delete(row.exactEntryId!, { kind });
      } catch (e) {
        // an open entry that is (partly) paid is matched to its payment: Exact refuses to delete it, so only a
        // credit note can correct it
        if (!(e instanceof ExactError) || e.kind !== 'validation') throw e;
        row.state = 'needs_credit_note';
        this.log(em, inv, 'resend', 'error', `Exact refused to remove the entry (${e.exactMessage ?? e.message}): a credit note is needed`);
        await em.flush();
        return 'needs_credit_note';
      }
    } catch (e) {
      if (!(e instanceof ExactError) || e.kind !== 'not_found') throw e;
    }
    if (row.exactDocumentId) await api.documents.delete(row.exactDocumentId, { kind }).catch(() => undefined);
    this.log(em, inv, 'resend', 'ok', `removed entry ${row.exactEntryId} to send the changed invoice`);
    row.exactEntryId = null;
    row.exactDocumentId = null;
    row.exactAttachmentId = null;
    row.state = 'queued';
    await em.flush();
    return undefined;
  }
}

/**
 * Which of the Health check's findings stop this invoice: a right or module the export needs, the financial year of
 * its date, its journal as Exact has it now, a GL account of its lines that Exact has blocked or removed (what
 * Koppel's own imported data may not know yet).
 */
function healthBlocks(p: HealthProblem, year: string, glRefs: Set<string>, journal: string | null): boolean {
  if (p.code === 'right_missing' || p.code === 'module_missing' || p.code === 'right_or_module_missing') return true;
  if (p.code === 'journal_missing' || p.code === 'journal_blocked' || p.code === 'journal_type') return !!journal && p.ref === `journal:${journal}`;
  if (p.code === 'period_missing') return p.ref === `period:${year}`;
  if (p.code === 'gl_blocked' || p.code === 'gl_missing') return !!p.ref && glRefs.has(p.ref);
  return false;
}
