import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/** Exact journal types (API.md §7.2). */
export const JOURNAL_TYPES = { cash: 10, bank: 12, paymentService: 16, sales: 20, salesReturn: 21, purchase: 22, purchaseReturn: 23, general: 90 } as const;

/** A journal (dagboek) of one division, imported from Exact; referenced by its code. */
@Entity({ tableName: 'journal' })
@Unique({ properties: ['division', 'code'] })
export class Journal extends BaseEntity<'blocked' | 'missing' | 'exactId'> {
  @Property({ type: 'integer' })
  division!: number;

  /** Journal code as Exact references it (e.g. "70"). */
  @Property({ type: 'string', length: 20 })
  code!: string;

  @Property({ type: 'string', length: 200 })
  description!: string;

  /** 10 cash, 12 bank, 16 payment service, 20 sales, 21 sales credit, 22 purchase, 23 purchase credit, 90 general. */
  @Property({ type: 'integer' })
  type!: number;

  @Property({ type: 'boolean', default: false })
  blocked = false;

  /** No longer in Exact (flagged, never deleted). */
  @Property({ type: 'boolean', default: false })
  missing = false;

  @Property({ type: 'uuid', nullable: true })
  exactId?: string | null;
}
