import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';

/**
 * One answer Exact gave about a right in a division (users/UserHasRights, a refused read, or a module found missing):
 * the cache the health check, the gates and the planning options screen share (connection-health.rights.ts).
 */
@Entity({ tableName: 'connection_health_right' })
@Unique({ properties: ['division', 'key'] })
export class ConnectionHealthRight {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'integer' })
  division!: number;

  /** The right asked about: `right|module` (or `endpoint|action` for a need a read proves); see rightKey(). */
  @Property({ type: 'string', length: 160 })
  key!: string;

  /** The endpoint and action the question named (the first need with this key). */
  @Property({ type: 'string', length: 120 })
  endpoint!: string;

  @Property({ type: 'string', length: 10 })
  action!: string;

  @Property({ type: 'boolean' })
  allowed!: boolean;

  /** Why Exact refuses: 'NoModuleInPackage', 'NoRights' or '' (none given); null when allowed. */
  @Property({ type: 'string', length: 40, nullable: true })
  reason?: string | null;

  @Property({ type: 'datetime' })
  askedAt!: Date;
}
