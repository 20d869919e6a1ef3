import { Entity, Index, ManyToOne, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

/** Where a Koppel GL account came from: imported from Exact, or made by hand in Koppel. */
export type GlAccountSource = 'exact' | 'manual';

/**
 * A GL account (grootboekrekening) as Koppel knows it. Exact is leading: Koppel never creates or
 * changes a GL account in Exact; local edits (name, description, analytic flag) stay in Koppel.
 * The link to each division's Exact account is a GlAccountLink.
 */
@Entity({ tableName: 'gl_account' })
export class GlAccount extends BaseEntity<'analytic' | 'source' | 'description' | 'exactType'> {
  /** The account number, equal to Exact's GLAccount Code (e.g. "8000"). */
  @Unique()
  @Property({ type: 'string', length: 20 })
  number!: string;

  @Property({ type: 'string', length: 200 })
  name!: string;

  /** Koppel's own longer description (never sent to Exact). */
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  /** Analytic: invoice lines on this account carry a cost centre / cost unit (when switched on). */
  @Property({ type: 'boolean', default: false })
  analytic = false;

  /** Exact's GL account Type (110 revenue, …) as last seen. */
  @Property({ type: 'integer', nullable: true })
  exactType?: number | null;

  @Property({ type: 'string', length: 10, default: 'manual' })
  source: GlAccountSource = 'manual';
}

/** Link status of a Koppel GL account in one division: linked, not (or no longer) in Exact, or blocked in Exact. */
export type GlLinkStatus = 'linked' | 'missing' | 'blocked';
export const GL_LINK_STATUSES: readonly GlLinkStatus[] = ['linked', 'missing', 'blocked'];

/** One Koppel GL account in one Exact division. */
@Entity({ tableName: 'gl_account_link' })
@Unique({ properties: ['glAccount', 'division'] })
@Index({ properties: ['division', 'status'] })
export class GlAccountLink extends BaseEntity<'missingSince' | 'exactId' | 'exactDescription'> {
  @ManyToOne(() => GlAccount, { deleteRule: 'cascade' })
  glAccount!: GlAccount;

  @Property({ type: 'integer' })
  division!: number;

  /** Exact's GUID of the account; kept when the account disappeared from Exact (status 'missing'). */
  @Property({ type: 'uuid', nullable: true })
  exactId?: string | null;

  @Property({ type: 'string', length: 10 })
  status!: GlLinkStatus;

  @Property({ type: 'string', length: 200, nullable: true })
  exactDescription?: string | null;

  /** Since when Exact no longer has it (flagged, never deleted). */
  @Property({ type: 'datetime', nullable: true })
  missingSince?: Date | null;

  @Property({ type: 'datetime' })
  checkedAt!: Date;
}
