import { Injectable, Logger } from '@nestjs/common';
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { Clock } from '../../common/clock.js';
import { ExactClient } from '../../exact/exact.client.js';
import type { CallOptions } from '../../exact/resource.js';
import { f } from '../../exact/odata.js';
import type { ExactPaymentTerm } from '../../exact/exact.types.js';
import { LedgerSettingsService } from '../ledgers/ledger-settings.service.js';
import { InvoicePayment, type PaymentKind, type PaymentSource } from './invoice-payment.entity.js';
import { InvoicesService } from '../invoices/invoices.service.js';
import type { CurrentUser } from '../auth/current-user.js';
import { LedgersService } from '../ledgers/ledgers.service.js';
import { paymentView, paymentsPopupModel } from './payments.view.js';

/** Fields read from sync/Cashflow/PaymentTerms (API.md §7.7). */
export const TERM_SELECT = [
  'ID', 'Timestamp', 'LineType', 'Status', 'IsFullyPaid', 'LastPaymentDate', 'EndDate', 'InvoiceNumber', 'EntryNumber', 'YourRef',
  'AmountDC', 'TransactionEntryID', 'Account',
] as const;

/** Fields read from bulk/Financial/TransactionLines for the bank/cash and general journal lines that pay our invoices. */
export const LINE_SELECT = ['ID', 'EntryID', 'EntryNumber', 'JournalCode', 'Date', 'AmountDC', 'InvoiceNumber', 'Account', 'Type'] as const;

/** LineType of a receivable (customer) in PaymentTerms; 22 are payables. */
export const RECEIVABLE = 20;
/** TransactionLines.Type of bank/cash entries. */
export const CASH_FLOW = 40;
/**
 * TransactionLines.Type of general journal entries (API.md §7.6: every GeneralJournalEntries entry is Type 90). A line
 * of such an entry on the customer with our invoice number (`OurRef`) pays the invoice like a bank/cash line does,
 * e.g. a PIN payment at the desk booked on the general journal (issue 18).
 */
export const GENERAL_JOURNAL = 90;
/** Receivable status "matched" (paid / offset). */
export const MATCHED = 50;
/** Invoice numbers per `or` filter on TransactionLines (keeps the URL short and calls few). */
export const NUMBERS_PER_CALL = 40;

/** Installation setting (ledger_setting key/value table): clicking Open/Paid opens the payments popup. */
export const SHOW_TRANSACTIONS_KEY = 'payments.showTransactions';

export interface TermRow extends ExactPaymentTerm {
  EndDate?: Date | null;
}

interface BankLine {
  ID: string;
  EntryID: string;
  EntryNumber?: number | null;
  JournalCode?: string | null;
  Date?: Date | null;
  AmountDC: number;
  InvoiceNumber?: number | null;
  Account?: string | null;
  Type: number;
}

interface Matched {
  term: TermRow;
  invoiceId: number;
  number: string;
}

export interface ApplyResult {
  /** Terms in the batch that belong to Koppel invoices. */
  matched: number;
  /** Payment rows inserted or corrected. */
  recorded: number;
  /** Invoices whose paid/open/status changed. */
  invoicesChanged: number;
  apiCalls: number;
}

const isoDate = (d: Date | string | null | undefined): string | undefined => {
  if (!d) return undefined;
  const date = typeof d === 'string' ? new Date(d) : d;
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().slice(0, 10);
};
const dec = (v: number | string | null | undefined) => new Decimal(v === null || v === undefined ? 0 : String(v));
const sameGuid = (a?: string | null, b?: string | null) => !!a && !!b && a.toLowerCase() === b.toLowerCase();
/**
 * Whether a line carrying the term's invoice number pays it: a bank/cash line on the term's customer (or without a
 * customer, as some bank lines come); a general journal line only on the customer itself — its other lines (where
 * the money arrived, e.g. PIN in transit) are not payments even when they carry the number.
 */
const paysTerm = (l: BankLine, term: TermRow) =>
  Number(l.Type) === GENERAL_JOURNAL ? sameGuid(l.Account, term.Account) : !l.Account || !term.Account || sameGuid(l.Account, term.Account);

/**
 * Payments flowing back from Exact (issue 8). The changed receivables come from sync/Cashflow/PaymentTerms
 * (1 call per 1000 changes, from a stored Timestamp cursor); those of Koppel invoices with evidence of a payment
 * are completed with the bank/cash TransactionLines (Type 40) carrying the invoice number (1 call per 40 invoices),
 * each line one payment row. A fully paid term whose bank lines do not add up (matched in Exact against a credit
 * note or memorial entry) gets one 'settlement' row for the rest. Everything is keyed by Exact's IDs with a unique
 * constraint, and the invoice totals are recomputed from the rows, so running the same change twice changes nothing.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('Payments');

  constructor(
    private readonly orm: MikroORM,
    private readonly client: ExactClient,
    private readonly clock: Clock,
    private readonly invoices: InvoicesService,
    private readonly ledgers: LedgersService,
    private readonly ledgerSettings: LedgerSettingsService,
  ) {}

  /**
   * Applies one page of PaymentTerms rows of a division. Returns what it did; throws on Exact errors
   * (the caller's cursor stays where it was, the page is read again next time).
   */
  async applyTerms(em: EntityManager, division: number, rows: TermRow[], source: PaymentSource, opts: CallOptions = {}): Promise<ApplyResult> {
    const result: ApplyResult = { matched: 0, recorded: 0, invoicesChanged: 0, apiCalls: 0 };
    const terms = rows.filter((r) => Number(r.LineType ?? RECEIVABLE) === RECEIVABLE);
    if (!terms.length) return result;
    const matched = await this.match(em, division, terms);
    result.matched = matched.length;
    // only terms with evidence of a payment cost a call (a new, unpaid receivable right after the export does not)
    const paidTerms = matched.filter((m) => m.term.IsFullyPaid || Number(m.term.Status) === MATCHED || !!m.term.LastPaymentDate);
    if (!paidTerms.length) return result;

    const lines = await this.bankLines(division, [...new Set(paidTerms.map((m) => Number(m.term.InvoiceNumber ?? m.number)))], opts);
    result.apiCalls += lines.calls;

    const touched = new Set<number>();
    for (const m of paidTerms) {
      const invNumber = Number(m.term.InvoiceNumber ?? m.number);
      const own = lines.rows.filter((l) => Number(l.InvoiceNumber) === invNumber && paysTerm(l, m.term));
      for (const l of own) {
        const amount = dec(l.AmountDC).negated(); // the receivable side of the entry: credit = paid by the customer
        if (amount.isZero()) continue;
        const inserted = await this.insert(em, {
          invoiceId: m.invoiceId,
          division,
          exactKey: `line:${l.ID.toLowerCase()}`,
          kind: Number(l.Type) === GENERAL_JOURNAL ? 'general' : 'bank',
          receivableId: m.term.ID,
          transactionLineId: l.ID,
          entryId: l.EntryID,
          entryNumber: l.EntryNumber ?? null,
          journalCode: l.JournalCode ? String(l.JournalCode).trim() : null,
          date: isoDate(l.Date) ?? isoDate(m.term.LastPaymentDate) ?? this.clock.today(),
          amount: amount.toFixed(2),
          source,
        });
        if (inserted) result.recorded++;
      }
      if (await this.settle(em, division, m, source)) result.recorded++;
      touched.add(m.invoiceId);
    }
    for (const id of touched) if (await this.recompute(em, id)) result.invoicesChanged++;
    return result;
  }

  /**
   * Koppel invoices of these terms: by division and TransactionEntryID = the exported entry (invoice_export);
   * fallback for an export whose entry ID was never recorded: invoice number = InvoiceNumber, our YourRef,
   * a location booking into this division, and exactly one such invoice.
   */
  private async match(em: EntityManager, division: number, terms: TermRow[]): Promise<Matched[]> {
    const conn = em.getConnection();
    const entryIds = [...new Set(terms.map((t) => t.TransactionEntryID?.toLowerCase()).filter((x): x is string => !!x))];
    const byEntry = new Map<string, { invoiceId: number; number: string }>();
    if (entryIds.length) {
      const rows = await conn.execute<{ invoice_id: number; exact_entry_id: string; number: string }[]>(
        `select e.invoice_id, e.exact_entry_id::text as exact_entry_id, i.number::text as number
           from invoice_export e join invoice i on i.id = e.invoice_id
          where e.division = ? and e.exact_entry_id in (${entryIds.map(() => '?').join(', ')})`,
        [division, ...entryIds],
      );
      for (const r of rows) byEntry.set(r.exact_entry_id.toLowerCase(), { invoiceId: Number(r.invoice_id), number: String(r.number) });
    }
    const out: Matched[] = [];
    const fallback: TermRow[] = [];
    for (const t of terms) {
      const hit = t.TransactionEntryID ? byEntry.get(t.TransactionEntryID.toLowerCase()) : undefined;
      if (hit) out.push({ term: t, ...hit });
      else if (t.InvoiceNumber && String(t.YourRef ?? '').trim() === String(t.InvoiceNumber)) fallback.push(t);
    }
    if (fallback.length) {
      const numbers = [...new Set(fallback.map((t) => String(t.InvoiceNumber)))];
      const rows = await conn.execute<{ id: number; number: string }[]>(
        `select i.id, i.number::text as number
           from invoice i join locations l on l.id = i.location_id
           left join invoice_export e on e.invoice_id = i.id
          where l.exact_division = ? and i.number in (${numbers.map(() => '?').join(', ')}) and i.status <> 'draft'
            and (e.id is null or e.exact_entry_id is null)`,
        [division, ...numbers],
      );
      const byNumber = new Map<string, number[]>();
      for (const r of rows) byNumber.set(String(r.number), [...(byNumber.get(String(r.number)) ?? []), Number(r.id)]);
      for (const t of fallback) {
        const ids = byNumber.get(String(t.InvoiceNumber)) ?? [];
        if (ids.length === 1) out.push({ term: t, invoiceId: ids[0], number: String(t.InvoiceNumber) });
        else if (ids.length > 1) this.logger.warn(`division ${division}: invoice number ${t.InvoiceNumber} is ambiguous (${ids.length} invoices); not matched`);
      }
    }
    return out;
  }

  /**
   * Bank/cash lines (Type 40) and general journal lines (Type 90) carrying these invoice numbers, NUMBERS_PER_CALL
   * numbers per call (one call, as before: the type is part of the same filter).
   */
  private async bankLines(division: number, numbers: number[], opts: CallOptions): Promise<{ rows: BankLine[]; calls: number }> {
    const api = this.client.division(division).transactionLinesBulk;
    const rows: BankLine[] = [];
    let calls = 0;
    for (let i = 0; i < numbers.length; i += NUMBERS_PER_CALL) {
      const chunk = numbers.slice(i, i + NUMBERS_PER_CALL);
      const filter = f.and(f.or(f.eq('Type', CASH_FLOW), f.eq('Type', GENERAL_JOURNAL)), f.or(...chunk.map((n) => f.eq('InvoiceNumber', n))));
      for await (const page of api.listPages({ select: LINE_SELECT, filter }, opts)) {
        calls++;
        rows.push(...page.rows);
      }
    }
    return { rows, calls };
  }

  /**
   * For a fully paid term: the part its bank lines do not explain, as one row (corrected when more
   * bank lines turn up later, removed when they explain everything). Returns true when it changed.
   */
  private async settle(em: EntityManager, division: number, m: Matched, source: PaymentSource): Promise<boolean> {
    const conn = em.getConnection();
    const key = `settle:${m.term.ID.toLowerCase()}`;
    if (!(m.term.IsFullyPaid || Number(m.term.Status) === MATCHED)) return false;
    const [sum] = await conn.execute<{ total: string | null }[]>(
      `select sum(amount)::text as total from invoice_payment where division = ? and receivable_id = ? and kind in ('bank', 'general')`,
      [division, m.term.ID],
    );
    const rest = dec(m.term.AmountDC).minus(dec(sum?.total ?? 0));
    const [existing] = await conn.execute<{ amount: string }[]>(`select amount::text as amount from invoice_payment where division = ? and exact_key = ?`, [division, key]);
    if (rest.isZero()) {
      if (!existing) return false;
      await conn.execute(`delete from invoice_payment where division = ? and exact_key = ?`, [division, key]);
      return true;
    }
    if (existing && dec(existing.amount).equals(rest)) return false;
    if (existing) {
      await conn.execute(`update invoice_payment set amount = ? where division = ? and exact_key = ?`, [rest.toFixed(2), division, key]);
      return true;
    }
    return this.insert(em, {
      invoiceId: m.invoiceId,
      division,
      exactKey: key,
      kind: 'settlement',
      receivableId: m.term.ID,
      transactionLineId: null,
      entryId: null,
      entryNumber: null,
      journalCode: null,
      date: isoDate(m.term.LastPaymentDate) ?? isoDate(m.term.EndDate) ?? this.clock.today(),
      amount: rest.toFixed(2),
      source,
    });
  }

  private async insert(
    em: EntityManager,
    p: {
      invoiceId: number; division: number; exactKey: string; kind: PaymentKind; receivableId: string | null; transactionLineId: string | null;
      entryId: string | null; entryNumber: number | null; journalCode: string | null; date: string; amount: string; source: PaymentSource;
    },
  ): Promise<boolean> {
    const res = await em.getConnection().execute<{ id: string }[]>(
      `insert into invoice_payment (invoice_id, division, exact_key, kind, receivable_id, transaction_line_id, entry_id, entry_number, journal_code, date, amount, source)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (division, exact_key) do nothing returning id`,
      [p.invoiceId, p.division, p.exactKey, p.kind, p.receivableId, p.transactionLineId, p.entryId, p.entryNumber, p.journalCode, p.date, p.amount, p.source],
    );
    return res.length > 0;
  }

  /**
   * paid = the sum of the invoice's payment rows; the invoice's own door (InvoicesService.applyPayments) sets
   * paid/open/status under its row lock, with the status from the invoices module's transition table.
   * Returns true when something changed.
   */
  async recompute(em: EntityManager, invoiceId: number): Promise<boolean> {
    return this.invoices.applyPayments(em, invoiceId, async (tx) => {
      const [row] = await tx.execute<{ paid: string }[]>('select coalesce(sum(amount), 0)::text as paid from invoice_payment where invoice_id = ?', [invoiceId]);
      return row?.paid ?? '0';
    });
  }

  /** The payments popup of an invoice (NotFoundError for an unknown invoice). */
  async popup(invoiceId: number, popup: boolean) {
    const invoice = await this.invoices.summary(invoiceId);
    return paymentsPopupModel(invoice, await this.views(invoiceId), popup);
  }

  /** What the payments add to the invoice pages (registered with InvoicePageRegistry by PaymentsModule). */
  async listValues(user: CurrentUser | undefined): Promise<Record<string, unknown>> {
    return { paymentsPopup: await this.showTransactions(), paymentsCanConfigure: user?.role === 'admin' || user?.role === 'accountant' };
  }

  async detailValues(invoiceId: number): Promise<Record<string, unknown>> {
    return { invoicePayments: await this.views(invoiceId) };
  }

  /** The payments of an invoice as shown, each labelled by the type of its journal (cash, bank, general journal). */
  private async views(invoiceId: number) {
    const payments = await this.forInvoice(invoiceId);
    const types = new Map<string, number>();
    for (const division of new Set(payments.filter((p) => p.journalCode).map((p) => p.division))) {
      for (const j of await this.ledgers.journals(division)) types.set(`${division}:${j.code.trim()}`, j.type);
    }
    return payments.map((p) => paymentView(p, p.journalCode ? types.get(`${p.division}:${p.journalCode.trim()}`) : undefined));
  }

  /** The payments of an invoice, newest first. */
  async forInvoice(invoiceId: number): Promise<InvoicePayment[]> {
    return this.orm.em.fork().find(InvoicePayment, { invoice: invoiceId }, { orderBy: { date: 'desc', id: 'desc' } });
  }

  async showTransactions(): Promise<boolean> {
    return (await this.ledgerSettings.flag(SHOW_TRANSACTIONS_KEY)) === true;
  }

  async setShowTransactions(on: boolean): Promise<void> {
    // the setting row is the ledgers module's: it writes it
    await this.ledgerSettings.setFlag(SHOW_TRANSACTIONS_KEY, on);
  }
}
