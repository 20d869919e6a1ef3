import { Entity, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

@Entity({ tableName: 'locations' })
export class Location extends BaseEntity<'country' | 'customerSendMoment'> {
  @Property({ type: 'string', length: 120 })
  name!: string;

  @Unique()
  @Property({ type: 'string', length: 20 })
  code!: string;

  @Property({ type: 'string', length: 120 })
  street!: string;

  @Property({ type: 'string', length: 20 })
  houseNumber!: string;

  @Property({ type: 'string', length: 12 })
  postcode!: string;

  @Property({ type: 'string', length: 80 })
  city!: string;

  @Property({ type: 'string', length: 2, default: 'NL' })
  country = 'NL';

  @Property({ type: 'string', length: 20, nullable: true })
  vatNumber?: string;

  /** The Exact Online administration (division number) this location books into; set by the divisions issue. */
  @Property({ type: 'integer', nullable: true })
  exactDivision?: number | null;

  /** Exact journal code invoices of this location book into (a sales journal, Type 20); set under Settings → Locations → Exact. */
  @Property({ type: 'string', length: 20, nullable: true })
  salesJournalCode?: string | null;

  /** Exact journal code credit notes of this location book into (Type 21 or 20); falls back to salesJournalCode. */
  @Property({ type: 'string', length: 20, nullable: true })
  creditJournalCode?: string | null;

  /** When a customer of this location goes to Exact: 'saved' (on every save) or 'first_invoice' (when its first invoice is exported). */
  @Property({ type: 'string', length: 20, default: 'first_invoice' })
  customerSendMoment: 'saved' | 'first_invoice' = 'first_invoice';
}
