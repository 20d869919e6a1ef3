import { Entity, Index, Property, Unique } from '@mikro-orm/decorators/legacy';
import { BaseEntity } from '../../database/base.entity.js';

export type CostKind = 'center' | 'unit';
export const COST_KINDS: readonly CostKind[] = ['center', 'unit'];

abstract class CostDimension extends BaseEntity<'source' | 'active'> {
  /** The code Exact's CostCenter / CostUnit fields on lines hold. */
  @Unique()
  @Property({ type: 'string', length: 20 })
  code!: string;

  @Property({ type: 'string', length: 200 })
  description!: string;

  @Property({ type: 'string', length: 10, default: 'manual' })
  source: 'exact' | 'manual' = 'manual';

  @Property({ type: 'boolean', default: true })
  active = true;
}

/** A cost centre (kostenplaats). */
@Entity({ tableName: 'cost_center' })
export class CostCenter extends CostDimension {}

/** A cost unit (kostendrager). */
@Entity({ tableName: 'cost_unit' })
export class CostUnit extends CostDimension {}

/** A cost centre or unit in one Exact division: 'linked' (Exact has the code) or 'missing' (not sent yet / gone). */
@Entity({ tableName: 'cost_dimension_link' })
@Unique({ properties: ['kind', 'code', 'division'] })
@Index({ properties: ['division'] })
export class CostDimensionLink extends BaseEntity<'exactId'> {
  @Property({ type: 'string', length: 6 })
  kind!: CostKind;

  @Property({ type: 'string', length: 20 })
  code!: string;

  @Property({ type: 'integer' })
  division!: number;

  @Property({ type: 'uuid', nullable: true })
  exactId?: string | null;

  @Property({ type: 'string', length: 10 })
  status!: 'linked' | 'missing';

  @Property({ type: 'datetime' })
  checkedAt!: Date;
}
