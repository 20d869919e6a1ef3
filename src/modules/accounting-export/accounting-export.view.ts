import type { Invoice } from '../invoices/invoice.entity.js';
import type { InvoiceExport } from './accounting-export.entity.js';
import type { Location } from '../locations/location.entity.js';
import type { Journal } from '../ledgers/journal.entity.js';
import type { ExportFilter, ExportRunStatus } from './accounting-export.service.js';
import type { ExportPreview, ExportProblem } from './invoice-export.service.js';

/** View models of Accounting → Export (no entity reaches a template). */

export function filterQuery(filter: ExportFilter): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(filter)) {
    if (Array.isArray(v)) v.forEach((x) => p.append(k, String(x)));
    else if (v !== undefined) p.set(k, String(v));
  }
  return p.toString();
}

export function invoiceView(inv: Invoice) {
  return { id: inv.id, number: inv.number, kind: inv.kind, invoiceDate: inv.invoiceDate, gross: inv.gross, status: inv.status, customer: inv.customer.name, customerId: inv.customer.id, location: inv.location.name, locationId: inv.location.id, changedAfterExport: inv.changedAfterExport };
}

export function runView(run: ExportRunStatus) {
  return { id: run.id, action: run.action, state: run.state, done: run.done, exported: run.exported, blocked: run.blocked, failed: run.failed, startedAt: run.startedAt, finishedAt: run.finishedAt };
}

export interface SelectionItem {
  invoice: Invoice;
  problems: ExportProblem[];
  preview: ExportPreview | undefined;
  row: InvoiceExport | undefined;
}

/** The Accounting → Export page: filters, the selection with its preflight, the latest runs. */
export function exportPageView(d: { filter: ExportFilter; locations: Location[]; journals: Journal[]; items: SelectionItem[]; recent: ExportRunStatus[]; includePdf: boolean }) {
  const items = d.items.map((i) => ({ invoice: invoiceView(i.invoice), problems: i.problems, preview: i.preview, row: i.row ? { state: i.row.state, lastError: i.row.lastError } : undefined }));
  return {
    filter: d.filter,
    filterQuery: filterQuery(d.filter),
    locations: d.locations.map((l) => ({ id: l.id, name: l.name })),
    // a code alone means another journal elsewhere: the value names the administration too
    journals: d.journals.map((j) => ({ value: `${j.division}:${j.code}`, code: j.code, description: j.description, division: j.division })),
    allJournals: !d.filter.journals?.length,
    items,
    clean: items.filter((i) => !i.problems.length).length,
    withProblems: items.filter((i) => i.problems.length).length,
    recent: d.recent.map(runView),
    includePdf: d.includePdf,
  };
}

/** One run's progress and, once it ended, what happened per invoice. */
export function runPageView({ run, rows }: { run: ExportRunStatus; rows: InvoiceExport[] }) {
  const total = run.total;
  return {
    run: runView(run),
    total,
    pct: total ? Math.round((run.done / total) * 100) : run.state === 'running' ? 0 : 100,
    running: run.state === 'running',
    rows: rows.map((r) => ({ state: r.state, problems: r.problems ?? [], lastError: r.lastError, entry: r.exactEntryId, document: r.exactDocumentId, invoice: invoiceView(r.invoice) })),
    customers: run.customers ?? [],
    accounts: run.accounts ?? [],
    error: run.error,
  };
}
