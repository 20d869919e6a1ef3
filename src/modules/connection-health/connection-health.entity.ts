import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { HealthResult } from './connection-health.types.js';

/** The last connection health check of one division (the cache the page, the dashboard, gates and preflights read). */
@Entity({ tableName: 'connection_health' })
export class ConnectionHealthCheck {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  division!: number;

  @Property({ type: 'datetime' })
  checkedAt!: Date;

  @Property({ type: 'integer' })
  problemCount!: number;

  @Property({ type: 'json' })
  result!: HealthResult;
}
