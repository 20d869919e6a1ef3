import type { Location } from '../locations/location.entity.js';
import type { Customer } from '../customers/customer.entity.js';
import type { Invoice } from '../invoices/invoice.entity.js';
import type { GlAccount } from '../ledgers/gl-account.entity.js';
import type { DeskTransaction, TransactionBatch, TransactionLocationSettings, TransactionProblem, TransactionType } from './transaction.entity.js';

/** View models of the transactions pages (templates never get entities). */

export const STATE_CLASS: Record<string, string> = { queued: 'badge-warn', sending: 'badge-warn', sent: 'badge-ok', failed: 'badge-err', blocked: 'badge-err' };

export function toTransactionView(t: DeskTransaction, reversed = false) {
  const batch = t.batch ? (t.batch as TransactionBatch) : null;
  return {
    id: t.id,
    date: t.date,
    amount: t.amount,
    negative: t.amount.startsWith('-'),
    method: t.method,
    description: t.description,
    location: t.location.name,
    locationId: t.location.id,
    type: t.type.name,
    customer: t.customer ? (t.customer as Customer).name : null,
    customerId: t.customer ? (t.customer as Customer).id : null,
    invoice: t.invoice ? (t.invoice as Invoice).number : null,
    invoiceId: t.invoice ? (t.invoice as Invoice).id : null,
    state: t.state,
    stateClass: STATE_CLASS[t.state] ?? '',
    entryNumber: batch?.state === 'sent' ? batch.exactEntryNumber : null,
    journal: batch?.journalCode ?? null,
    supplementary: !!batch && batch.sequence > 1,
    lastError: t.lastError ?? null,
    problems: t.problems ?? [],
    reversal: !!t.reversalOf,
    reversed,
    canRequeue: t.state === 'failed' || t.state === 'blocked',
  };
}

/** The desk-transactions section of a customer's or an invoice's detail page (fragments/transactions/section). */
export function deskTransactionsSection(by: { customerId: number } | { invoiceId: number }, items: DeskTransaction[]) {
  const query = 'customerId' in by ? `customerId=${by.customerId}` : `invoiceId=${by.invoiceId}`;
  return { items: items.map((t) => toTransactionView(t)), newHref: `/accounting/transactions/new?${query}`, allHref: `/accounting/transactions?${query}` };
}

export function toTypeView(t: TransactionType) {
  return { id: t.id, name: t.name, glAccountId: t.glAccount ? (t.glAccount as GlAccount).id : null, glAccount: t.glAccount ? `${(t.glAccount as GlAccount).number} ${(t.glAccount as GlAccount).name}` : null, cash: t.cash, direction: t.direction, active: t.active };
}

export function toChoice(l: Location) {
  return { id: l.id, name: l.name, division: l.exactDivision ?? null };
}

export function toGlChoice(g: GlAccount) {
  return { id: g.id, label: `${g.number} ${g.name}` };
}

export function toCustomerChoice(c: Customer) {
  return { id: c.id, label: `${c.number} ${c.name}` };
}

export function toSettingsView(location: Location, settings: TransactionLocationSettings | null, typeGls: Map<number, number>, types: TransactionType[], problems: TransactionProblem[]) {
  return {
    locationId: location.id,
    location: location.name,
    division: location.exactDivision ?? null,
    values: {
      cashJournalCode: settings?.cashJournalCode ?? '',
      miscJournalCode: settings?.miscJournalCode ?? '',
      descriptionTemplate: settings?.descriptionTemplate ?? '',
      debtorsGlAccountId: settings?.debtorsGlAccount ? (settings.debtorsGlAccount as GlAccount).id : '',
    },
    types: types.map((t) => ({ ...toTypeView(t), locationGlId: typeGls.get(t.id) ?? '' })),
    problems,
    configured: !!settings,
  };
}

const SORT_COLUMNS = ['id', 'date', 'amount', 'location', 'type', 'state'] as const;

/** Sortable column headers of the report that keep the filter (toggle direction on the sorted column). */
export function sortLinks(filter: Record<string, unknown>, list: { sort: string; dir: 'asc' | 'desc' }) {
  return SORT_COLUMNS.map((key) => {
    const active = list.sort === key;
    const dir = active && list.dir === 'asc' ? 'desc' : 'asc';
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== '') params.set(k, String(v));
    params.set('sort', key);
    params.set('dir', dir);
    return { key, href: `/accounting/transactions?${params}`, aria: active ? (list.dir === 'asc' ? 'ascending' : 'descending') : 'none', indicator: active ? (list.dir === 'desc' ? '▼' : '▲') : '', num: key === 'amount' };
  });
}
