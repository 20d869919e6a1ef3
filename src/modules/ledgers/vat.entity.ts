import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/** A VAT rate as Koppel's invoices use it (e.g. "21 %", "Verlegd"). */
@Entity({ tableName: 'vat_rate' })
export class VatRate extends BaseEntity<'reverseCharge' | 'active' | 'sortOrder' | 'country'> {
  @Unique()
  @Property({ type: 'string', length: 60 })
  name!: string;

  /** Percentage, e.g. "21.00" (numeric; use decimal.js). */
  @Property({ type: 'decimal', precision: 5, scale: 2 })
  percentage!: string;

  /** Reverse charge (btw verlegd): 0 % on the invoice, the customer accounts for the VAT. */
  @Property({ type: 'boolean', default: false })
  reverseCharge = false;

  /** Country the rate belongs to (NL, BE) or null for any. */
  @Property({ type: 'string', length: 2, nullable: true })
  country?: string | null;

  @Property({ type: 'boolean', default: true })
  active = true;

  @Property({ type: 'integer', default: 0 })
  sortOrder = 0;
}

/** A VAT code of one division, imported from Exact. */
@Entity({ tableName: 'vat_code' })
@Unique({ properties: ['division', 'code'] })
export class VatCode extends BaseEntity<'blocked' | 'missing' | 'charged' | 'exactId' | 'type' | 'transactionType'> {
  @Property({ type: 'integer' })
  division!: number;

  /** Trimmed code (Exact sends "2  "); send it as is, Exact accepts the trimmed form. */
  @Property({ type: 'string', length: 3 })
  code!: string;

  @Property({ type: 'string', length: 200 })
  description!: string;

  /** Percentage as a fraction, e.g. "0.2100". */
  @Property({ type: 'decimal', precision: 7, scale: 4 })
  percentage!: string;

  /** B 0 % base only, E excluding, I including, N no VAT. */
  @Property({ type: 'string', length: 1, nullable: true })
  type?: string | null;

  /** B both, P purchase, S sales. */
  @Property({ type: 'string', length: 1, nullable: true })
  transactionType?: string | null;

  /** Reverse charge / intra-EU. */
  @Property({ type: 'boolean', default: false })
  charged = false;

  @Property({ type: 'boolean', default: false })
  blocked = false;

  @Property({ type: 'boolean', default: false })
  missing = false;

  @Property({ type: 'uuid', nullable: true })
  exactId?: string | null;
}

/** Which VAT code of a division a Koppel VAT rate books with. */
@Entity({ tableName: 'vat_mapping' })
@Unique({ properties: ['vatRate', 'division'] })
export class VatMapping extends BaseEntity<'automatic'> {
  @ManyToOne(() => VatRate, { deleteRule: 'cascade' })
  vatRate!: VatRate;

  @Property({ type: 'integer' })
  division!: number;

  /** The division's VAT code (trimmed), e.g. "2". */
  @Property({ type: 'string', length: 3 })
  vatCode!: string;

  /** Chosen by Koppel after an import (true) or by a person (false). */
  @Property({ type: 'boolean', default: false })
  automatic = false;
}
