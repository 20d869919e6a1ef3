import { Injectable } from '@nestjs/common';
import type { CurrentUser } from '../auth/current-user.js';

/** Values a module adds to a customer's detail page (e.g. transactions: `deskTransactions`); {} to show nothing. */
export type CustomerDetailSection = (customerId: number, user: CurrentUser | undefined) => Promise<Record<string, unknown>>;

/**
 * Port of the customer pages: other modules register what they show on a customer's detail page (in their
 * onModuleInit), so the customers module knows none of them and nobody matches URLs. Same model as
 * InvoicePageRegistry (src/modules/invoices/invoices.types.ts).
 */
@Injectable()
export class CustomerPageRegistry {
  private readonly sections: CustomerDetailSection[] = [];

  addToDetail(section: CustomerDetailSection): void {
    this.sections.push(section);
  }

  async detailValues(customerId: number, user: CurrentUser | undefined): Promise<Record<string, unknown>> {
    const values = await Promise.all(this.sections.map((s) => s(customerId, user)));
    return Object.assign({}, ...values);
  }
}
