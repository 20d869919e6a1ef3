import { Entity, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';
import { GlAccount } from '../ledgers/gl-account.entity.js';
import { VatRate } from '../ledgers/vat.entity.js';
import { CostCenter, CostUnit } from '../ledgers/cost-center.entity.js';

/** A group of products sharing defaults (the fallback between product and location). */
@Entity({ tableName: 'product_group' })
export class ProductGroup extends BaseEntity {
  @Unique()
  @Property({ type: 'string', length: 80 })
  name!: string;

  @ManyToOne(() => GlAccount, { nullable: true, deleteRule: 'set null' })
  glAccount?: GlAccount | null;

  @ManyToOne(() => CostCenter, { nullable: true, deleteRule: 'set null' })
  costCenter?: CostCenter | null;

  @ManyToOne(() => CostUnit, { nullable: true, deleteRule: 'set null' })
  costUnit?: CostUnit | null;
}

/** A product or service with its default price, VAT rate, GL account, cost centre and cost unit. */
@Entity({ tableName: 'product' })
export class Product extends BaseEntity<'active'> {
  @Unique()
  @Property({ type: 'string', length: 30 })
  code!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'decimal', precision: 14, scale: 4, nullable: true })
  unitPrice?: string | null;

  @ManyToOne(() => VatRate, { nullable: true, deleteRule: 'set null' })
  vatRate?: VatRate | null;

  @ManyToOne(() => ProductGroup, { nullable: true, deleteRule: 'set null' })
  group?: ProductGroup | null;

  @ManyToOne(() => GlAccount, { nullable: true, deleteRule: 'set null' })
  glAccount?: GlAccount | null;

  @ManyToOne(() => CostCenter, { nullable: true, deleteRule: 'set null' })
  costCenter?: CostCenter | null;

  @ManyToOne(() => CostUnit, { nullable: true, deleteRule: 'set null' })
  costUnit?: CostUnit | null;

  @Property({ type: 'boolean', default: true })
  active = true;
}

export const PRODUCT_ENTITIES = [ProductGroup, Product];
