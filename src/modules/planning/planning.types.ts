import { Injectable } from '@nestjs/common';
import type { CurrentUser } from '../auth/current-user.js';

/** Values a module adds to a plan card's page (e.g. planning-outgoing: `outgoing`, what Exact refused); {} to show nothing. */
export type CardDetailSection = (cardId: number, user: CurrentUser | undefined) => Promise<Record<string, unknown>>;

/**
 * Port of the card page: other modules register what they show on a plan card's page (in their onModuleInit), so
 * the planning module knows none of them. Same model as CustomerPageRegistry (src/modules/customers/customers.types.ts).
 */
@Injectable()
export class CardPageRegistry {
  private readonly sections: CardDetailSection[] = [];

  addToDetail(section: CardDetailSection): void {
    this.sections.push(section);
  }

  async detailValues(cardId: number, user: CurrentUser | undefined): Promise<Record<string, unknown>> {
    const values = await Promise.all(this.sections.map((s) => s(cardId, user)));
    return Object.assign({}, ...values);
  }
}
