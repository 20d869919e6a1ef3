import type { EntityContext } from './entity.context.js';
import { badRequest, coerceLines, requireFields } from './entity.engine.js';
import { money, mul, sum } from './money.util.js';
import type { Row } from './sandbox.types.js';

/** Bookings: sales entries, bank/cash entries, general journal entries, payments. */

export const SALES_LINE_GL_FORBIDDEN = new Set([10, 12, 14, 16, 20, 21, 22, 24, 25]);

const trimEq = (a: unknown, b: unknown) => String(a ?? '').trim().toLowerCase() === String(b ?? '').trim().toLowerCase();

export function findJournal(ctx: EntityContext, code: unknown): Row | undefined {
  return ctx.find('Journals', (j) => trimEq(j.Code, code));
}

export function findVat(ctx: EntityContext, code: unknown): Row | undefined {
  return ctx.find('VATCodes', (v) => trimEq(v.Code, code));
}

export function findGlByCode(ctx: EntityContext, code: string): Row | undefined {
  return ctx.find('GLAccounts', (g) => g.Code === code);
}

function yearOf(ms: number): number {
  return new Date(ms).getUTCFullYear();
}

function periodOf(ms: number): number {
  return new Date(ms).getUTCMonth() + 1;
}

function nextEntryNumber(ctx: EntityContext, table: string, journalField: string, journal: string, year: number): number {
  let max = 0;
  for (const r of ctx.table(table).rows.values()) {
    if (trimEq(r[journalField], journal) && r._year === year) max = Math.max(max, r.EntryNumber as number);
  }
  return max > 0 ? max + 1 : Number(`${String(year).slice(2)}${journal.trim().padStart(2, '0')}0001`);
}

function requireGl(ctx: EntityContext, id: unknown, allowControl: boolean): Row {
  const gl = ctx.get('GLAccounts', id as string);
  if (!gl) throw badRequest('Ongeldige referentie: Grootboekrekening');
  if (gl.IsBlocked) throw badRequest(`Geblokkeerd: Grootboekrekening ${String(gl.Code)}`);
  if (!allowControl && SALES_LINE_GL_FORBIDDEN.has(gl.Type as number)) throw badRequest('Ongeldig: Grootboekrekeningtype');
  return gl;
}

function requireAccount(ctx: EntityContext, id: unknown, label: string): Row {
  const acc = ctx.get('Accounts', id as string);
  if (!acc) throw badRequest(`Ongeldige referentie: ${label}`);
  if (acc.Blocked) throw badRequest(`Geblokkeerd: ${label}`);
  return acc;
}

function requireCostDims(ctx: EntityContext, line: Row): void {
  if (line.CostCenter && !ctx.find('Costcenters', (c) => trimEq(c.Code, line.CostCenter))) throw badRequest('Ongeldige referentie: Kostenplaats');
  if (line.CostUnit && !ctx.find('Costunits', (c) => trimEq(c.Code, line.CostUnit))) throw badRequest('Ongeldige referentie: Kostendrager');
}

interface TxLine {
  gl: Row;
  amount: number;
  account?: Row;
  vatCode?: string | null;
  vatAmount?: number;
  vatBase?: number;
  vatPct?: number;
  description?: unknown;
  invoiceNumber?: unknown;
  yourRef?: unknown;
  costCenter?: unknown;
  costUnit?: unknown;
  quantity?: unknown;
  dueDate?: unknown;
}

interface TxHeader {
  entryId: string;
  entryNumber: number;
  journal: Row;
  type: number;
  date: number;
  document?: unknown;
  paymentReference?: unknown;
}

/** Writes the TransactionLines of one entry (line 0 = first line, usually the AR/bank line). */
export function bookTransactionLines(ctx: EntityContext, h: TxHeader, lines: TxLine[]): Row[] {
  return lines.map((l, i) => ctx.insert('TransactionLines', {
    EntryID: h.entryId, EntryNumber: h.entryNumber, JournalCode: h.journal.Code, JournalDescription: h.journal.Description,
    Type: h.type, Date: h.date, FinancialYear: yearOf(h.date), FinancialPeriod: periodOf(h.date), LineNumber: i,
    GLAccount: l.gl.ID, GLAccountCode: l.gl.Code, GLAccountDescription: l.gl.Description,
    Account: l.account?.ID ?? null, AccountCode: l.account?.Code ?? null, AccountName: l.account?.Name ?? null,
    AmountDC: money(l.amount), AmountFC: money(l.amount), AmountVATFC: l.vatAmount ?? null, AmountVATBaseFC: l.vatBase ?? null,
    VATCode: l.vatCode ?? null, VATPercentage: l.vatPct ?? null, InvoiceNumber: l.invoiceNumber ?? null, YourRef: l.yourRef ?? null,
    Description: l.description ?? null, PaymentReference: h.paymentReference ?? null, DueDate: l.dueDate ?? null,
    CostCenter: l.costCenter ?? null, CostUnit: l.costUnit ?? null, Quantity: l.quantity ?? null,
    Currency: 'EUR', ExchangeRate: 1, Status: 20, LineType: 0, Document: h.document ?? null,
  }, false));
}

// ---- sales entries --------------------------------------------------------

interface PreparedSalesLine {
  input: Row;
  gl: Row;
  vat: Row;
  vatAmount: number;
}

function prepareSalesLine(ctx: EntityContext, line: Row): PreparedSalesLine {
  if (!line.GLAccount) throw badRequest('Verplicht: Grootboekrekening');
  if (line.AmountFC === undefined || line.AmountFC === null) throw badRequest('Verplicht: Bedrag');
  const gl = requireGl(ctx, line.GLAccount, false);
  const vatCode = line.VATCode ?? gl.VATCode ?? '0  ';
  const vat = findVat(ctx, vatCode);
  if (!vat) throw badRequest('Ongeldige referentie: BTW-code');
  if (vat.IsBlocked) throw badRequest('Geblokkeerd: BTW-code');
  if (vat.VATTransactionType === 'P') throw badRequest('Ongeldig: BTW-code');
  requireCostDims(ctx, line);
  const amount = money(line.AmountFC as number);
  const vatAmount = line.VATAmountFC !== undefined && line.VATAmountFC !== null ? money(line.VATAmountFC as number) : mul(amount, vat.Percentage as number);
  return { input: { ...line, AmountFC: amount }, gl, vat, vatAmount };
}

/** A booking needs the periods of its financial year (API.md §7.2 financial/FinancialPeriods). Returns the period. */
export function requirePeriod(ctx: EntityContext, date: number, year?: unknown, period?: unknown): { year: number; period: number } {
  const periods = ctx.filter('FinancialPeriods', (p) => (year === undefined || year === null ? (p.StartDate as number) <= date && date <= (p.EndDate as number) + 86_399_999 : p.FinYear === year));
  if (periods.length === 0) throw badRequest('Unknown: Financial year (Period-date table)');
  if (year !== undefined && year !== null) {
    const p = period === undefined || period === null ? periods.find((x) => (x.StartDate as number) <= date && date <= (x.EndDate as number) + 86_399_999) : periods.find((x) => x.FinPeriod === period);
    if (!p) throw badRequest('Unknown: Financial period (Period-date table)');
    return { year: p.FinYear as number, period: p.FinPeriod as number };
  }
  return { year: periods[0].FinYear as number, period: periods[0].FinPeriod as number };
}

/** Adds the twelve monthly periods of a calendar year (the seed does this for the current and previous year). */
export function addFinancialYear(ctx: EntityContext, year: number, newId?: () => string): Row[] {
  if (!Number.isInteger(year) || year < 1900 || year > 9999) throw badRequest('Ongeldig: Boekjaar');
  if (ctx.find('FinancialPeriods', (p) => p.FinYear === year)) throw badRequest(`Boekjaar ${year} bestaat al`);
  return Array.from({ length: 12 }, (_, m) => ctx.insert('FinancialPeriods', {
    ...(newId ? { ID: newId() } : {}), FinYear: year, FinPeriod: m + 1, StartDate: Date.UTC(year, m, 1), EndDate: Date.UTC(year, m + 1, 0),
  }, false));
}

function checkEntryNumber(ctx: EntityContext, journal: string, year: number, n: number): void {
  const dup = ctx.find('SalesEntries', (e) => trimEq(e.Journal, journal) && e._year === year && e.EntryNumber === n);
  if (dup) throw badRequest(`Boekstuknummer ${n} bestaat al in dagboek ${journal.trim()} (${year})`);
}

export function createSalesEntry(ctx: EntityContext, input: Row): Row {
  const def = ctx.registry.def('SalesEntries');
  const rawLines = coerceLines(ctx, def, input);
  requireFields(def, { ...input, SalesEntryLines: rawLines }, ['Journal', 'Customer', 'SalesEntryLines']);
  const journal = findJournal(ctx, input.Journal);
  if (!journal) throw badRequest('Ongeldige referentie: Journals');
  if (journal.Type !== 20 && journal.Type !== 21) throw badRequest('Ongeldig: Dagboek');
  if (journal.IsBlocked) throw badRequest('Geblokkeerd: Dagboek');
  const customer = requireAccount(ctx, input.Customer, 'Klant');
  if (input.Document && !ctx.get('Documents', input.Document as string)) throw badRequest('Ongeldige referentie: Document');
  const lines = rawLines.map((l) => prepareSalesLine(ctx, l));
  const date = (input.EntryDate as number | undefined) ?? ctx.today();
  const fin = requirePeriod(ctx, date, input.ReportingYear, input.ReportingPeriod);
  const year = yearOf(date);
  const code = String(journal.Code);
  if (input.EntryNumber !== undefined && input.EntryNumber !== null) checkEntryNumber(ctx, code, year, input.EntryNumber as number);
  const entryNumber = (input.EntryNumber as number | undefined) ?? nextEntryNumber(ctx, 'SalesEntries', 'Journal', code, year);
  const net = sum(lines.map((l) => l.input.AmountFC as number));
  const vatTotal = sum(lines.map((l) => l.vatAmount));
  const total = sum([net, vatTotal]);
  const due = (input.DueDate as number | undefined) ?? date + 30 * 86_400_000;
  const header = ctx.insert('SalesEntries', {
    ...input, Journal: code, JournalDescription: journal.Description, Customer: customer.ID, CustomerName: customer.Name,
    EntryDate: date, EntryNumber: entryNumber, InvoiceNumber: entryNumber, DueDate: due, Currency: input.Currency ?? 'EUR', Rate: 1,
    ReportingYear: fin.year, ReportingPeriod: fin.period, Type: total < 0 ? 21 : 20, TypeDescription: total < 0 ? 'Verkoopcreditnota' : 'Verkoopfactuur',
    Status: 20, StatusDescription: 'Open', AmountFC: total, AmountDC: total, VATAmountFC: vatTotal, VATAmountDC: vatTotal,
    PaymentCondition: input.PaymentCondition ?? '30', Reversal: input.Reversal ?? false, _year: year,
  }, false);
  const lineRows = lines.map((l, i) => ctx.insert('SalesEntryLines', {
    ...l.input, EntryID: header.EntryID, LineNumber: i + 1, GLAccountCode: l.gl.Code, GLAccountDescription: l.gl.Description,
    VATCode: l.vat.Code, VATPercentage: l.vat.Percentage, VATAmountFC: l.vatAmount, VATAmountDC: l.vatAmount,
    VATBaseAmountFC: l.input.AmountFC, VATBaseAmountDC: l.input.AmountFC, AmountDC: l.input.AmountFC, Type: header.Type,
  }, false));
  bookSalesTransactions(ctx, header, customer, journal, lines);
  createReceivable(ctx, header, customer, lineRows[0]);
  ctx.fire(def, header, 'Update');
  return header;
}

function bookSalesTransactions(ctx: EntityContext, header: Row, customer: Row, journal: Row, lines: PreparedSalesLine[]): void {
  const ar = findGlByCode(ctx, '1300')!;
  const tx: TxLine[] = [{ gl: ar, amount: header.AmountDC as number, account: customer, invoiceNumber: header.InvoiceNumber, yourRef: header.YourRef, description: header.Description, dueDate: header.DueDate }];
  for (const l of lines) {
    tx.push({
      gl: l.gl, amount: -(l.input.AmountFC as number), account: customer, vatCode: l.vat.Code as string, vatAmount: -l.vatAmount,
      vatBase: -(l.input.AmountFC as number), vatPct: l.vat.Percentage as number, description: l.input.Description ?? header.Description,
      invoiceNumber: header.InvoiceNumber, yourRef: header.YourRef, costCenter: l.input.CostCenter, costUnit: l.input.CostUnit, quantity: l.input.Quantity,
    });
  }
  const vatGl = findGlByCode(ctx, '1520') ?? ar;
  for (const l of lines.filter((x) => x.vatAmount !== 0)) {
    tx.push({ gl: vatGl, amount: -l.vatAmount, account: customer, vatCode: l.vat.Code as string, invoiceNumber: header.InvoiceNumber, yourRef: header.YourRef, description: `BTW ${String(l.vat.Description)}` });
  }
  bookTransactionLines(ctx, { entryId: header.EntryID as string, entryNumber: header.EntryNumber as number, journal, type: header.Type as number, date: header.EntryDate as number, document: header.Document, paymentReference: header.PaymentReference }, tx);
}

// ---- sales entry lines on their own endpoint (API.md §7.3: POST/PUT/DELETE with EntryID) ----------------

function editableEntry(ctx: EntityContext, entryId: unknown): Row {
  const header = ctx.get('SalesEntries', entryId as string);
  if (!header) throw badRequest('Ongeldige referentie: Boeking');
  if (header.Status === 50) throw badRequest(PROCESSED_REFUSAL);
  return header;
}

/** line fields computed from the prepared line (VAT, codes, DC amounts) */
function computedLineFields(header: Row, l: PreparedSalesLine): Row {
  return {
    AmountFC: l.input.AmountFC, GLAccountCode: l.gl.Code, GLAccountDescription: l.gl.Description, VATCode: l.vat.Code, VATPercentage: l.vat.Percentage,
    VATAmountFC: l.vatAmount, VATAmountDC: l.vatAmount, VATBaseAmountFC: l.input.AmountFC, VATBaseAmountDC: l.input.AmountFC, AmountDC: l.input.AmountFC,
    Type: header.Type,
  };
}

export function createSalesEntryLine(ctx: EntityContext, input: Row): Row {
  const def = ctx.registry.def('SalesEntryLines');
  requireFields(def, input, ['EntryID', 'GLAccount', 'AmountFC']);
  const header = editableEntry(ctx, input.EntryID);
  const prepared = prepareSalesLine(ctx, input);
  const max = Math.max(0, ...ctx.filter('SalesEntryLines', (l) => l.EntryID === header.EntryID).map((l) => l.LineNumber as number));
  const line = ctx.insert('SalesEntryLines', { ...input, ...computedLineFields(header, prepared), EntryID: header.EntryID, LineNumber: max + 1 }, false);
  rebookSalesEntry(ctx, header);
  return line;
}

/** validate hook of SalesEntryLines on PUT: the entry must still be open; VAT and codes are computed again */
export function validateSalesEntryLine(ctx: EntityContext, row: Row, mode: string, before?: Row): void {
  if (mode !== 'update') return;
  const header = editableEntry(ctx, before?.EntryID ?? row.EntryID);
  // a VAT amount that was not sent along with a new amount or VAT code is computed again
  if (before && row.VATAmountFC === before.VATAmountFC && (row.AmountFC !== before.AmountFC || row.VATCode !== before.VATCode)) row.VATAmountFC = null;
  Object.assign(row, computedLineFields(header, prepareSalesLine(ctx, row)));
}

export function beforeDeleteSalesEntryLine(ctx: EntityContext, row: Row): void {
  const header = editableEntry(ctx, row.EntryID);
  if (ctx.filter('SalesEntryLines', (l) => l.EntryID === header.EntryID).length <= 1) throw badRequest('Verplicht: Boekingsregels');
}

export function afterSalesEntryLineWrite(ctx: EntityContext, row: Row, action: 'create' | 'update' | 'delete'): void {
  if (action === 'create') return;
  const header = ctx.get('SalesEntries', row.EntryID as string);
  if (header) rebookSalesEntry(ctx, header);
}

/** After a line changed: header totals, TransactionLines and the receivable follow the lines. */
function rebookSalesEntry(ctx: EntityContext, header: Row): void {
  const lines = ctx.filter('SalesEntryLines', (l) => l.EntryID === header.EntryID).sort((a, b) => (a.LineNumber as number) - (b.LineNumber as number));
  const prepared: PreparedSalesLine[] = lines.map((l) => ({ input: l, gl: ctx.get('GLAccounts', l.GLAccount as string)!, vat: findVat(ctx, l.VATCode)!, vatAmount: l.VATAmountFC as number }));
  const net = sum(prepared.map((l) => l.input.AmountFC as number));
  const vatTotal = sum(prepared.map((l) => l.vatAmount));
  const total = sum([net, vatTotal]);
  Object.assign(header, {
    AmountFC: total, AmountDC: total, VATAmountFC: vatTotal, VATAmountDC: vatTotal, Type: total < 0 ? 21 : 20, TypeDescription: total < 0 ? 'Verkoopcreditnota' : 'Verkoopfactuur',
  });
  for (const l of lines) l.Type = header.Type;
  ctx.touch('SalesEntries', header, false);
  for (const t of ctx.filter('TransactionLines', (x) => x.EntryID === header.EntryID)) ctx.remove('TransactionLines', t.ID as string, false);
  const customer = ctx.get('Accounts', header.Customer as string)!;
  const journal = findJournal(ctx, header.Journal)!;
  bookSalesTransactions(ctx, header, customer, journal, prepared);
  for (const r of ctx.filter('Receivables', (x) => x.TransactionEntryID === header.EntryID)) {
    const paidUp = money(total - (r._paid as number)) === 0;
    Object.assign(r, { AmountDC: total, AmountFC: total, TransactionAmountDC: total, TransactionAmountFC: total, TransactionType: header.Type, IsFullyPaid: paidUp, Status: paidUp ? 50 : 20 });
    ctx.touch('Receivables', r, false);
  }
  ctx.fire(ctx.registry.def('SalesEntries'), header, 'Update');
}

function createReceivable(ctx: EntityContext, header: Row, customer: Row, firstLine: Row | undefined): void {
  const ar = findGlByCode(ctx, '1300')!;
  ctx.insert('Receivables', {
    Account: customer.ID, AccountCode: customer.Code, AccountName: customer.Name, AmountDC: header.AmountDC, AmountFC: header.AmountFC,
    TransactionAmountDC: header.AmountDC, TransactionAmountFC: header.AmountFC, Currency: 'EUR', RateFC: 1, Description: header.Description ?? null,
    DueDate: header.DueDate, EntryDate: header.EntryDate, InvoiceDate: header.EntryDate, EntryNumber: header.EntryNumber, InvoiceNumber: header.InvoiceNumber,
    IsFullyPaid: false, LastPaymentDate: null, EndDate: null, Journal: header.Journal, GLAccount: ar.ID, GLAccountCode: ar.Code,
    PaymentMethod: 'B', PaymentReference: header.PaymentReference ?? null, Status: 20, TransactionEntryID: header.EntryID,
    TransactionID: firstLine?.ID ?? null, TransactionType: header.Type, TransactionIsReversal: false, YourRef: header.YourRef ?? null,
    Source: 1, LineType: 20, _paid: 0, _hid: ctx.div.nextTimestamp(),
  }, false);
}

export function beforeDeleteSalesEntry(ctx: EntityContext, row: Row): void {
  if (row.Status === 50) throw badRequest(PROCESSED_REFUSAL);
  const rec = ctx.filter('Receivables', (r) => r.TransactionEntryID === row.EntryID);
  if (rec.some((r) => (r._paid as number) !== 0)) throw badRequest('Boeking is (gedeeltelijk) afgeletterd en kan niet worden verwijderd');
  for (const r of rec) ctx.remove('Receivables', r.ID as string, false);
  for (const t of ctx.filter('TransactionLines', (t) => t.EntryID === row.EntryID)) ctx.remove('TransactionLines', t.ID as string, false);
}

export const PROCESSED_REFUSAL = 'Een verwerkte boeking kan niet worden gewijzigd';

export function validateSalesEntryUpdate(_ctx: EntityContext, _row: Row, mode: string, before?: Row): void {
  if (mode === 'update' && before?.Status === 50) throw badRequest(PROCESSED_REFUSAL);
}

/**
 * What an accountant does in Exact ("Verwerken"): every open (Status 20) sales entry of a journal with an entry date up
 * to `upTo` becomes Status 50 "Verwerkt", and so do its TransactionLines. Processed entries refuse changes; payment
 * has nothing to do with it. Returns the processed entries.
 */
export function processSalesEntries(ctx: EntityContext, journalCode: string, upTo: number): Row[] {
  const journal = findJournal(ctx, journalCode);
  if (!journal) throw badRequest('Ongeldige referentie: Journals');
  const def = ctx.registry.def('SalesEntries');
  const entries = ctx.filter('SalesEntries', (e) => trimEq(e.Journal, journal.Code) && e.Status === 20 && (e.EntryDate as number) <= upTo);
  for (const e of entries) {
    Object.assign(e, { Status: 50, StatusDescription: 'Verwerkt' });
    ctx.touch('SalesEntries', e, false);
    for (const t of ctx.filter('TransactionLines', (x) => x.EntryID === e.EntryID)) ctx.touch('TransactionLines', Object.assign(t, { Status: 50 }), false);
    ctx.fire(def, e, 'Update');
  }
  return entries;
}

// ---- payments -------------------------------------------------------------

/** Applies a received amount to the open receivable(s) of an invoice. Returns the amount applied. */
export function applyPayment(ctx: EntityContext, invoiceNumber: number, amount: number, account: string | null, date: number): number {
  const open = ctx.filter('Receivables', (r) => r.InvoiceNumber === invoiceNumber && r.Status !== 50 && (!account || r.Account === account));
  let left = money(amount);
  for (const r of open) {
    if (left === 0) break;
    const outstanding = money((r.AmountDC as number) - (r._paid as number));
    const applied = Math.abs(left) >= Math.abs(outstanding) ? outstanding : left;
    r._paid = money((r._paid as number) + applied);
    left = money(left - applied);
    r.LastPaymentDate = date;
    if (money((r.AmountDC as number) - (r._paid as number)) === 0) {
      // the term is matched (Status 50 of the receivable); the sales entry's own Status is about processing, not payment
      Object.assign(r, { Status: 50, IsFullyPaid: true, EndDate: date, EndYear: yearOf(date), EndPeriod: periodOf(date) });
    }
    ctx.touch('Receivables', r, false);
  }
  return money(amount - left);
}

// ---- bank / cash / general journal -----------------------------------------

type CashKind = 'BankEntries' | 'CashEntries';

export function createCashEntry(kind: CashKind) {
  return (ctx: EntityContext, input: Row): Row => {
    const def = ctx.registry.def(kind);
    const lineField = def.lines!.field;
    const rawLines = coerceLines(ctx, def, input);
    requireFields(def, { ...input, [lineField]: rawLines }, ['JournalCode', lineField]);
    const journal = findJournal(ctx, input.JournalCode);
    if (!journal) throw badRequest('Ongeldige referentie: Journals');
    if (journal.Type !== (kind === 'BankEntries' ? 12 : 10)) throw badRequest('Ongeldig: Dagboek');
    const ar = findGlByCode(ctx, '1300')!;
    const prepared = rawLines.map((l) => {
      if (l.AmountFC === undefined || l.AmountFC === null) throw badRequest('Verplicht: Bedrag');
      const account = l.Account ? requireAccount(ctx, l.Account, 'Relatie') : undefined;
      if (!l.GLAccount && !account) throw badRequest('Verplicht: Grootboekrekening');
      const gl = l.GLAccount ? requireGl(ctx, l.GLAccount, true) : ar;
      const row: Row = { ...l, AmountFC: money(l.AmountFC as number), GLAccount: gl.ID };
      return { l: row, gl, account };
    });
    const date = (prepared[0].l.Date as number | undefined) ?? ctx.today();
    // like every booking, a bank/cash entry needs its financial period (API.md §7.2)
    const { year, period } = requirePeriod(ctx, date, input.FinancialYear, input.FinancialPeriod);
    const code = String(journal.Code);
    const total = sum(prepared.map((p) => p.l.AmountFC as number));
    const prev = ctx.filter(kind, (e) => trimEq(e.JournalCode, code)).sort((a, b) => (a.Created as number) - (b.Created as number)).pop();
    const opening = (input.OpeningBalanceFC as number | undefined) ?? (prev?.ClosingBalanceFC as number | undefined) ?? 0;
    const header = ctx.insert(kind, {
      ...input, JournalCode: code, JournalDescription: journal.Description, EntryNumber: nextEntryNumber(ctx, kind, 'JournalCode', code, year),
      FinancialYear: year, FinancialPeriod: period, Currency: 'EUR', OpeningBalanceFC: money(opening),
      ClosingBalanceFC: sum([opening, total]), Status: 20, _year: year,
    }, false);
    prepared.forEach((p, i) => ctx.insert(def.lines!.entity, { ...p.l, EntryID: header.EntryID, LineNumber: i + 1, Date: p.l.Date ?? date, AmountDC: p.l.AmountFC, GLAccountCode: p.gl.Code, AccountCode: p.account?.Code ?? null, AccountName: p.account?.Name ?? null }, false));
    const journalGl = ctx.get('GLAccounts', journal.GLAccount as string) ?? findGlByCode(ctx, kind === 'BankEntries' ? '1100' : '1000')!;
    const tx: TxLine[] = [{ gl: journalGl, amount: total, description: input.Description ?? `${String(journal.Description)}` }];
    for (const p of prepared) tx.push({ gl: p.gl, amount: -(p.l.AmountFC as number), account: p.account, invoiceNumber: p.l.OurRef ?? null, description: p.l.Description ?? null });
    bookTransactionLines(ctx, { entryId: header.EntryID as string, entryNumber: header.EntryNumber as number, journal, type: 40, date }, tx);
    for (const p of prepared) {
      if (p.l.OurRef !== undefined && p.l.OurRef !== null) {
        const applied = applyPayment(ctx, p.l.OurRef as number, p.l.AmountFC as number, p.account ? (p.account.ID as string) : null, date);
        if (applied !== 0) header._matched = true;
      }
    }
    ctx.fire(def, header, 'Update');
    return header;
  };
}

export function beforeDeleteCashEntry(ctx: EntityContext, row: Row): void {
  if (row._matched) throw badRequest('Boeking is afgeletterd en kan niet worden verwijderd');
  for (const t of ctx.filter('TransactionLines', (t) => t.EntryID === row.EntryID)) ctx.remove('TransactionLines', t.ID as string, false);
}

export function createGeneralJournalEntry(ctx: EntityContext, input: Row): Row {
  const def = ctx.registry.def('GeneralJournalEntries');
  const rawLines = coerceLines(ctx, def, input);
  requireFields(def, { ...input, GeneralJournalEntryLines: rawLines }, ['JournalCode', 'GeneralJournalEntryLines']);
  const journal = findJournal(ctx, input.JournalCode);
  if (!journal) throw badRequest('Ongeldige referentie: Journals');
  if (journal.Type !== 90) throw badRequest('Ongeldig: Dagboek');
  const prepared = rawLines.map((l) => {
    if (!l.GLAccount) throw badRequest('Verplicht: Grootboekrekening');
    if (l.AmountFC === undefined || l.AmountFC === null) throw badRequest('Verplicht: Bedrag');
    const gl = requireGl(ctx, l.GLAccount, true);
    const account = l.Account ? requireAccount(ctx, l.Account, 'Relatie') : undefined;
    requireCostDims(ctx, l);
    const row: Row = { ...l, AmountFC: money(l.AmountFC as number) };
    return { l: row, gl, account };
  });
  if (sum(prepared.map((p) => p.l.AmountFC as number)) !== 0) throw badRequest('Boeking is niet in balans');
  const date = (prepared[0].l.Date as number | undefined) ?? ctx.today();
  const { year, period } = requirePeriod(ctx, date, input.FinancialYear, input.FinancialPeriod);
  const code = String(journal.Code);
  const header = ctx.insert('GeneralJournalEntries', {
    ...input, JournalCode: code, JournalDescription: journal.Description, EntryNumber: nextEntryNumber(ctx, 'GeneralJournalEntries', 'JournalCode', code, year),
    FinancialYear: year, FinancialPeriod: period, Currency: 'EUR', ExchangeRate: 1, Status: 20, Type: 90, _year: year,
  }, false);
  prepared.forEach((p, i) => ctx.insert('GeneralJournalEntryLines', { ...p.l, EntryID: header.EntryID, LineNumber: i + 1, Date: p.l.Date ?? date, AmountDC: p.l.AmountFC, GLAccountCode: p.gl.Code }, false));
  bookTransactionLines(ctx, { entryId: header.EntryID as string, entryNumber: header.EntryNumber as number, journal, type: 90, date },
    prepared.map((p) => ({ gl: p.gl, amount: p.l.AmountFC as number, account: p.account, invoiceNumber: p.l.OurRef ?? null, description: p.l.Description, costCenter: p.l.CostCenter, costUnit: p.l.CostUnit })));
  // a line on a customer with OurRef (our invoice number) is matched to that invoice's open receivable, as on a
  // bank/cash line; a credit (negative AmountFC) on the customer is a receipt (API.md §7.6 "OurRef"; inferred)
  for (const p of prepared) {
    if (p.account && p.l.OurRef !== undefined && p.l.OurRef !== null) {
      const applied = applyPayment(ctx, p.l.OurRef as number, -(p.l.AmountFC as number), p.account.ID as string, date);
      if (applied !== 0) header._matched = true;
    }
  }
  ctx.fire(def, header, 'Update');
  return header;
}
