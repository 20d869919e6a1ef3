import { Decimal } from 'decimal.js';
import { ConflictError } from '../../common/errors.js';
import type { InvoiceStatus } from './invoice.entity.js';

/**
 * The life of an invoice, in one table. Every status change goes through InvoicesService (finalize, markExported,
 * applyPayments), which asks this table; nobody else writes `invoice.status`.
 *
 *   draft ──finalize──► final ──export──► exported ──payments──► partly_paid ◄──► paid
 *                         └──────────payments (its entry is evidently in Exact)──────┘
 *   partly_paid / paid ──payments gone (nothing paid any more)──► exported  ("back")
 */
export type InvoiceEvent = 'finalize' | 'export' | 'payments';

export const TRANSITIONS: Readonly<Record<InvoiceStatus, readonly InvoiceStatus[]>> = {
  draft: ['final'],
  final: ['exported', 'partly_paid', 'paid'],
  exported: ['partly_paid', 'paid'],
  partly_paid: ['paid', 'exported'],
  paid: ['partly_paid', 'exported'],
};

/** A status change the table does not allow (a programming error or a race; never shown as a 500 to a user). */
export class InvoiceTransitionError extends ConflictError {
  constructor(
    readonly from: InvoiceStatus,
    readonly to: InvoiceStatus,
    userMessageKey = 'invoices.errors.locked',
  ) {
    super(`Invoice status cannot change from ${from} to ${to}`, userMessageKey);
  }
}

/** True when `from → to` is a step of the table (staying where it is counts as allowed: nothing changes). */
export function canTransition(from: InvoiceStatus, to: InvoiceStatus): boolean {
  return from === to || TRANSITIONS[from].includes(to);
}

/** `to`, or InvoiceTransitionError when the table does not allow it. */
export function transition(from: InvoiceStatus, to: InvoiceStatus): InvoiceStatus {
  if (!canTransition(from, to)) throw new InvoiceTransitionError(from, to);
  return to;
}

/** "Make final": only a draft. */
export function statusAfterFinalize(from: InvoiceStatus): InvoiceStatus {
  if (from !== 'draft') throw new InvoiceTransitionError(from, 'final', 'invoices.errors.notDraft');
  return transition(from, 'final');
}

/**
 * The entry is in Exact: a final invoice becomes exported; a corrected invoice exported again keeps its status
 * (exported, partly paid or paid). A draft is never exported.
 */
export function statusAfterExport(from: InvoiceStatus): InvoiceStatus {
  if (from === 'draft') throw new InvoiceTransitionError(from, 'exported');
  return from === 'final' ? transition(from, 'exported') : from;
}

/**
 * The status the invoice's payments give it: paid when they cover the gross (credit notes: paid ≤ gross, both
 * negative), partly paid when something is paid, back to exported when nothing is paid any more. A draft is never
 * touched; a final invoice with nothing paid stays final.
 */
export function statusForPayments(from: InvoiceStatus, gross: Decimal.Value, paid: Decimal.Value): InvoiceStatus {
  if (from === 'draft') return from;
  const g = new Decimal(gross);
  const p = new Decimal(paid);
  if (p.isZero()) return from === 'partly_paid' || from === 'paid' ? transition(from, 'exported') : from;
  const covered = g.gte(0) ? p.gte(g) : p.lte(g);
  return transition(from, covered ? 'paid' : 'partly_paid');
}
