import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';
import { Location } from '../locations/location.entity.js';

/**
 * Who an invoice PDF is from: the legal name, address, KvK and VAT number, contact details and an optional logo.
 * One row with `scope` 'company' is the company-wide default; a row with scope `location-<id>` overrides it for
 * one location, field by field (a blank field falls back to the default, the address as a whole).
 */
@Entity({ tableName: 'invoice_sender' })
export class InvoiceSender extends BaseEntity {
  /** 'company' or 'location-<id>' (one row each). */
  @Unique()
  @Property({ type: 'string', length: 30 })
  scope!: string;

  @ManyToOne(() => Location, { nullable: true, deleteRule: 'cascade' })
  location?: Location | null;

  @Property({ type: 'string', length: 160, nullable: true })
  legalName?: string | null;

  @Property({ type: 'string', length: 120, nullable: true })
  street?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  houseNumber?: string | null;

  @Property({ type: 'string', length: 12, nullable: true })
  postcode?: string | null;

  @Property({ type: 'string', length: 80, nullable: true })
  city?: string | null;

  @Property({ type: 'string', length: 2, nullable: true })
  country?: string | null;

  /** KvK (Chamber of Commerce) number: 8 digits. */
  @Property({ type: 'string', length: 8, nullable: true })
  kvkNumber?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  vatNumber?: string | null;

  @Property({ type: 'string', length: 30, nullable: true })
  phone?: string | null;

  @Property({ type: 'string', length: 254, nullable: true })
  email?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  website?: string | null;

  /** The logo's bytes (PNG or JPEG, checked by their signature, at most LOGO_MAX_BYTES). */
  @Property({ type: 'blob', lazy: true, nullable: true })
  logo?: Buffer | null;

  @Property({ type: 'string', length: 20, nullable: true })
  logoType?: 'image/png' | 'image/jpeg' | null;
}
