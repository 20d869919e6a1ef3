import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { BaseEntity } from '../../database/base.entity.js';
import { Location } from '../locations/location.entity.js';

export type CustomerType = 'business' | 'private';
export const CUSTOMER_TYPES: readonly CustomerType[] = ['business', 'private'];
export type CustomerStatus = 'active' | 'merged';

/** A business or private customer. `number` is Koppel's customer number and the Account Code in Exact. */
@Entity({ tableName: 'customers' })
export class Customer extends BaseEntity<'type' | 'country' | 'version' | 'status'> {
  @Unique()
  @Property({ type: 'string', length: 18 })
  number!: string;

  @Enum({ items: ['business', 'private'], default: 'business' })
  type: CustomerType = 'business';

  @Index()
  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 120, nullable: true })
  contactPerson?: string | null;

  @Property({ type: 'string', length: 120, nullable: true })
  street?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  houseNumber?: string | null;

  @Property({ type: 'string', length: 12, nullable: true })
  postcode?: string | null;

  @Property({ type: 'string', length: 80, nullable: true })
  city?: string | null;

  @Property({ type: 'string', length: 2, default: 'NL' })
  country = 'NL';

  @Property({ type: 'string', length: 254, nullable: true })
  email?: string | null;

  @Property({ type: 'string', length: 40, nullable: true })
  phone?: string | null;

  @Property({ type: 'string', length: 20, nullable: true })
  vatNumber?: string | null;

  /** Chamber of commerce (KvK / KBO) number. */
  @Property({ type: 'string', length: 20, nullable: true })
  cocNumber?: string | null;

  @ManyToOne(() => Location, { nullable: true, deleteRule: 'set null' })
  location?: Location | null;

  /** Bumped on every change of the data Exact gets; a link is up to date when its sentVersion equals it. */
  @Property({ type: 'integer', default: 1 })
  version = 1;

  /** 'merged': the Exact account was merged into another customer's account; `mergedIntoId` is that customer. */
  @Property({ type: 'string', length: 10, default: 'active' })
  status: CustomerStatus = 'active';

  @Property({ type: 'integer', nullable: true })
  mergedIntoId?: number | null;
}

/** Name and address (in Exact's shape) as both sides last agreed on: tells "Exact changed it" from "Koppel changed it". */
export interface AccountSnapshot {
  name: string;
  addressLine1: string;
  postcode: string;
  city: string;
  country: string;
}

export interface LinkConflict {
  exact: AccountSnapshot;
  koppel: AccountSnapshot;
  /** 'send': found while sending; 'exact': a change made in Exact (setting "review changes"). */
  origin: 'send' | 'exact';
  at: string;
}

export type LinkState = 'linked' | 'conflict' | 'error' | 'deleted';

/** A customer's account in one Exact division (a customer can be linked in several divisions). */
@Entity({ tableName: 'customer_exact_links' })
@Unique({ properties: ['customer', 'division'] })
@Unique({ properties: ['division', 'exactId'] })
export class CustomerExactLink {
  [OptionalProps]?: 'state' | 'createdAt' | 'updatedAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @ManyToOne(() => Customer, { deleteRule: 'cascade' })
  customer!: Customer;

  @Property({ type: 'integer' })
  division!: number;

  /** The Exact account ID (GUID); null while the customer could not be sent yet (state 'error'). */
  @Property({ type: 'string', length: 36, nullable: true })
  exactId?: string | null;

  /** The account's Code, trimmed. */
  @Property({ type: 'string', length: 18, nullable: true })
  exactCode?: string | null;

  @Property({ type: 'string', length: 10, default: 'linked' })
  state: LinkState = 'linked';

  /** The customer version Exact reflects; null = never sent. */
  @Property({ type: 'integer', nullable: true })
  sentVersion?: number | null;

  @Property({ type: 'json', nullable: true })
  snapshot?: AccountSnapshot | null;

  @Property({ type: 'json', nullable: true })
  conflict?: LinkConflict | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', nullable: true })
  syncedAt?: Date | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

export type ExactChangesPolicy = 'update' | 'review' | 'ignore';
export const EXACT_CHANGES_POLICIES: readonly ExactChangesPolicy[] = ['update', 'review', 'ignore'];

/** Installation-wide customer settings (row id 1). */
@Entity({ tableName: 'customer_settings' })
export class CustomerSettings {
  [OptionalProps]?: 'exactChanges' | 'importNew' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  id = 1;

  /** What a change of a linked account in Exact does: update Koppel, wait for review, or nothing. */
  @Property({ type: 'string', length: 10, default: 'update' })
  exactChanges: ExactChangesPolicy = 'update';

  /** Customers created in Exact whose number Koppel does not know appear in Koppel by themselves. */
  @Property({ type: 'boolean', default: true })
  importNew = true;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

export interface ExportSummary {
  total: number;
  done: number;
  created: number;
  updated: number;
  unchanged: number;
  conflicts: number;
  problems: number;
  failed: number;
  apiCalls: number;
  errors: { customerId: number; number: string; key: string; params?: Record<string, unknown> }[];
}

/**
 * One "Export customers" request: what was asked (the filter). Its progress, summary and outcome are the sync
 * engine's (the run row of task `customer-export`, key = this id), shown by a polling fragment.
 */
@Entity({ tableName: 'customer_exports' })
export class CustomerExport {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ autoincrement: true })
  id!: number;

  @Property({ type: 'json' })
  filter!: Record<string, unknown>;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}

export const CUSTOMER_ENTITIES = [Customer, CustomerExactLink, CustomerSettings, CustomerExport];
