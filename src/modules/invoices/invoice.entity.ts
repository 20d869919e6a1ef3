import { Entity, Enum, Index, ManyToOne, OneToMany, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BigIntType, Collection, OptionalProps } from '@mikro-orm/core';
import { BaseEntity } from '../../database/base.entity.js';
import { Location } from '../locations/location.entity.js';
import { Customer } from '../customers/customer.entity.js';
import { GlAccount } from '../ledgers/gl-account.entity.js';
import { VatRate } from '../ledgers/vat.entity.js';
import { CostCenter, CostUnit } from '../ledgers/cost-center.entity.js';
import { Product, ProductGroup } from '../products/product.entity.js';

// products have their own module; re-exported for the code and tests that import them from here
export { Product, ProductGroup };

export const INVOICE_STATUSES = ['draft', 'final', 'exported', 'partly_paid', 'paid'] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export type InvoiceKind = 'invoice' | 'credit_note';

/** Invoicing settings of a location: defaults (the last fallback) and the export mode. */
@Entity({ tableName: 'location_invoicing' })
export class LocationInvoicing {
  [OptionalProps]?: 'exportMode' | 'paymentTermDays' | 'nextNumber' | 'includePdf';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  locationId!: number;

  @ManyToOne(() => GlAccount, { nullable: true, deleteRule: 'set null' })
  glAccount?: GlAccount | null;

  @ManyToOne(() => CostCenter, { nullable: true, deleteRule: 'set null' })
  costCenter?: CostCenter | null;

  @ManyToOne(() => CostUnit, { nullable: true, deleteRule: 'set null' })
  costUnit?: CostUnit | null;

  /** 'automatic': final, clean invoices are exported at night; 'manual': only with the button. */
  @Property({ type: 'string', length: 10, default: 'manual' })
  exportMode: 'manual' | 'automatic' = 'manual';

  @Property({ type: 'boolean', default: true })
  includePdf = true;

  @Property({ type: 'integer', default: 30 })
  paymentTermDays = 30;

  /** The next invoice number proposed when an invoice is made final. */
  @Property({ type: new BigIntType('string'), default: 1 })
  nextNumber: string = '1';

  @Property({ type: 'string', length: 34, nullable: true })
  iban?: string | null;
}

/** An invoice or credit note of a location. Amounts are numeric (exact), computed by invoice-calc. */
@Entity({ tableName: 'invoice' })
@Unique({ properties: ['location', 'number'] })
@Index({ properties: ['invoiceDate', 'id'] })
@Index({ properties: ['status', 'location'] })
@Index({ properties: ['customer'] })
// the invoice list (InvoiceListService): filters with the date order, and keyset paging per sort column
@Index({ properties: ['location', 'invoiceDate', 'id'] })
@Index({ properties: ['status', 'invoiceDate', 'id'] })
@Index({ properties: ['status', 'id'] })
@Index({ properties: ['gross', 'id'] })
@Index({ name: 'invoice_number_sort_index', expression: 'create index "invoice_number_sort_index" on "invoice" ((coalesce("number", 0)), "id")' })
export class Invoice extends BaseEntity<'kind' | 'status' | 'net' | 'vat' | 'gross' | 'paid' | 'open' | 'language' | 'finalizedAt' | 'changedAfterExport'> {
  @ManyToOne(() => Location, { deleteRule: 'restrict' })
  location!: Location;

  @Enum({ items: ['invoice', 'credit_note'], default: 'invoice' })
  kind: InvoiceKind = 'invoice';

  /** Unique per location; set at the latest when the invoice is made final. Also Exact's EntryNumber. */
  @Property({ type: new BigIntType('string'), nullable: true })
  number?: string | null;

  @Property({ type: 'date' })
  invoiceDate!: string;

  @Property({ type: 'date' })
  dueDate!: string;

  @ManyToOne(() => Customer, { deleteRule: 'restrict' })
  customer!: Customer;

  @Property({ type: 'string', length: 100, nullable: true })
  reference?: string | null;

  @Enum({ items: () => INVOICE_STATUSES, default: 'draft' })
  status: InvoiceStatus = 'draft';

  /** A credit note refers to the invoice it credits. */
  @ManyToOne(() => Invoice, { nullable: true, deleteRule: 'restrict' })
  creditFor?: Invoice | null;

  @Property({ type: 'string', length: 2, default: 'nl' })
  language: 'nl' | 'en' = 'nl';

  @Property({ type: 'decimal', precision: 14, scale: 2, default: '0' })
  net: string = '0';

  @Property({ type: 'decimal', precision: 14, scale: 2, default: '0' })
  vat: string = '0';

  @Property({ type: 'decimal', precision: 14, scale: 2, default: '0' })
  gross: string = '0';

  @Property({ type: 'decimal', precision: 14, scale: 2, default: '0' })
  paid: string = '0';

  @Property({ type: 'decimal', precision: 14, scale: 2, default: '0' })
  open: string = '0';

  @Property({ type: 'datetime', nullable: true })
  finalizedAt?: Date | null;

  /** Edited after it was exported: re-sent where Exact still allows it, else it needs a credit note. */
  @Property({ type: 'boolean', default: false })
  changedAfterExport = false;

  @OneToMany(() => InvoiceLine, (l) => l.invoice, { orderBy: { position: 'asc' }, orphanRemoval: true })
  lines = new Collection<InvoiceLine>(this);
}

@Entity({ tableName: 'invoice_line' })
export class InvoiceLine {
  [OptionalProps]?: 'discountPercent';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Invoice, { deleteRule: 'cascade' })
  invoice!: Invoice;

  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'string', length: 500 })
  description!: string;

  @Property({ type: 'decimal', precision: 14, scale: 3 })
  quantity!: string;

  @Property({ type: 'decimal', precision: 14, scale: 4 })
  unitPrice!: string;

  @Property({ type: 'decimal', precision: 5, scale: 2, default: '0' })
  discountPercent: string = '0';

  @ManyToOne(() => VatRate, { deleteRule: 'restrict' })
  vatRate!: VatRate;

  @ManyToOne(() => Product, { nullable: true, deleteRule: 'set null' })
  product?: Product | null;

  /** Set on the line itself; else the product's, product group's or location's default applies. */
  @ManyToOne(() => GlAccount, { nullable: true, deleteRule: 'restrict' })
  glAccount?: GlAccount | null;

  @ManyToOne(() => CostCenter, { nullable: true, deleteRule: 'set null' })
  costCenter?: CostCenter | null;

  @ManyToOne(() => CostUnit, { nullable: true, deleteRule: 'set null' })
  costUnit?: CostUnit | null;
}

/** The PDF the customer got, stored when the invoice is made final (bytes and SHA-256). */
@Entity({ tableName: 'invoice_pdf' })
export class InvoicePdf {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  invoiceId!: number;

  @Property({ type: 'blob', lazy: true })
  bytes!: Buffer;

  @Property({ type: 'string', length: 64 })
  sha256!: string;

  @Property({ type: 'integer' })
  size!: number;

  @Property({ type: 'datetime' })
  createdAt!: Date;
}

export const INVOICE_ENTITIES = [LocationInvoicing, Invoice, InvoiceLine, InvoicePdf];
