import { Injectable } from '@nestjs/common';
import type { CurrentUser } from '../auth/current-user.js';

/** Values a module adds to the invoice list's view model (e.g. payments: `paymentsPopup`). */
export type InvoiceListSection = (user: CurrentUser | undefined) => Promise<Record<string, unknown>>;
/** Values a module adds to an invoice's detail page (e.g. payments: `invoicePayments`). */
export type InvoiceDetailSection = (invoiceId: number, user: CurrentUser | undefined) => Promise<Record<string, unknown>>;

/**
 * Port of the invoice pages: other modules register what they show on the list and the detail page (in their
 * onModuleInit), so the invoices module knows none of them and nobody matches URLs. The model for explicit
 * registrations is BannerRegistry (src/common/core.module.ts).
 */
@Injectable()
export class InvoicePageRegistry {
  private readonly list: InvoiceListSection[] = [];
  private readonly detail: InvoiceDetailSection[] = [];

  addToList(section: InvoiceListSection): void {
    this.list.push(section);
  }

  addToDetail(section: InvoiceDetailSection): void {
    this.detail.push(section);
  }

  async listValues(user: CurrentUser | undefined): Promise<Record<string, unknown>> {
    return Object.assign({}, ...(await Promise.all(this.list.map((s) => s(user)))));
  }

  async detailValues(invoiceId: number, user: CurrentUser | undefined): Promise<Record<string, unknown>> {
    return Object.assign({}, ...(await Promise.all(this.detail.map((s) => s(invoiceId, user)))));
  }
}
