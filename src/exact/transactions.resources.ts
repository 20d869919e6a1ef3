import type { ExactClient } from './exact.client.js';
import type { Resource, CallOptions } from './resource.js';
import type { ExactFinancialPeriod } from './exact.types.js';
import { f } from './odata.js';

/** A line of a cash entry (financialtransaction/CashEntryLines, API.md §7.6): AmountFC as on the cash book, receipts positive. */
export interface ExactCashEntryLine {
  ID?: string;
  EntryID?: string;
  Date?: string;
  AmountFC: number;
  GLAccount?: string;
  Account?: string;
  /** Our invoice number the line pays: Exact matches it to the open receivable. */
  OurRef?: number;
  Description?: string;
  Notes?: string;
}

/** financialtransaction/CashEntries (key EntryID; G P D; cash journals, Type 10). */
export interface ExactCashEntry {
  EntryID: string;
  JournalCode?: string;
  EntryNumber?: number | null;
  FinancialYear?: number | null;
  FinancialPeriod?: number | null;
  Status?: number | null;
  CashEntryLines?: ExactCashEntryLine[];
}

/** A line of a general journal entry: debit positive, credit negative; the lines balance to 0. */
export interface ExactGeneralJournalEntryLine {
  ID?: string;
  EntryID?: string;
  Date?: string;
  GLAccount: string;
  AmountFC: number;
  Account?: string;
  OurRef?: number;
  Description?: string;
  Notes?: string;
}

/** generaljournalentry/GeneralJournalEntries (key EntryID; G P D; general journals, Type 90). */
export interface ExactGeneralJournalEntry {
  EntryID: string;
  JournalCode?: string;
  EntryNumber?: number | null;
  FinancialYear?: number | null;
  FinancialPeriod?: number | null;
  Status?: number | null;
  GeneralJournalEntryLines?: ExactGeneralJournalEntryLine[];
}

/** Which kind of entry: the cash book or the general journal (memoriaal). */
export type JournalEntryKind = 'cash' | 'general';

/** What was found or made in Exact. */
export interface BookedEntry {
  entryId: string;
  entryNumber: number | null;
}

/**
 * The endpoints desk transactions use in one division: cash entries, general journal entries (both with their line
 * collections for look-ups by our reference) and the financial periods.
 */
export class TransactionsApi {
  readonly cashEntries: Resource<ExactCashEntry>;
  readonly cashEntryLines: Resource<ExactCashEntryLine>;
  readonly generalJournalEntries: Resource<ExactGeneralJournalEntry>;
  readonly generalJournalEntryLines: Resource<ExactGeneralJournalEntryLine>;
  readonly financialPeriods: Resource<ExactFinancialPeriod>;

  constructor(client: ExactClient, readonly division: number) {
    const api = client.division(division);
    this.cashEntries = api.resource<ExactCashEntry>('financialtransaction/CashEntries', 'EntryID');
    this.cashEntryLines = api.resource<ExactCashEntryLine>('financialtransaction/CashEntryLines', 'ID');
    this.generalJournalEntries = api.resource<ExactGeneralJournalEntry>('generaljournalentry/GeneralJournalEntries', 'EntryID');
    this.generalJournalEntryLines = api.resource<ExactGeneralJournalEntryLine>('generaljournalentry/GeneralJournalEntryLines', 'ID');
    this.financialPeriods = api.financialPeriods;
  }

  /** Posts one entry (never retried blindly) and returns its EntryID and EntryNumber. */
  async post(kind: JournalEntryKind, journalCode: string, lines: (ExactCashEntryLine | ExactGeneralJournalEntryLine)[], opts?: CallOptions): Promise<BookedEntry> {
    const entry =
      kind === 'cash'
        ? await this.cashEntries.create({ JournalCode: journalCode, CashEntryLines: lines as ExactCashEntryLine[] }, opts)
        : await this.generalJournalEntries.create({ JournalCode: journalCode, GeneralJournalEntryLines: lines as ExactGeneralJournalEntryLine[] }, opts);
    return { entryId: entry.EntryID, entryNumber: entry.EntryNumber ?? null };
  }

  /** The entry whose lines carry our reference in Notes (at most two calls), or undefined. */
  async findByReference(kind: JournalEntryKind, reference: string, opts?: CallOptions): Promise<BookedEntry | undefined> {
    const lines = kind === 'cash' ? this.cashEntryLines : this.generalJournalEntryLines;
    const line = await lines.first({ filter: f.eq('Notes', reference), select: ['EntryID'] }, opts);
    if (!line?.EntryID) return undefined;
    const header = kind === 'cash' ? this.cashEntries : this.generalJournalEntries;
    const entry = await header.get(line.EntryID, ['EntryID', 'EntryNumber'], opts);
    return { entryId: entry.EntryID, entryNumber: entry.EntryNumber ?? null };
  }

  /** The financial years (of those asked) that have periods in this division. */
  async yearsWithPeriods(years: number[], opts?: CallOptions): Promise<Set<number>> {
    if (!years.length) return new Set();
    const rows = await this.financialPeriods.all({ filter: f.or(...years.map((y) => f.eq('FinYear', y))), select: ['FinYear', 'FinPeriod'] }, opts);
    return new Set(rows.map((r) => r.FinYear));
  }
}
