import { BigIntType } from '@mikro-orm/core';
import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/** The table connect-pg-simple keeps staff sessions in (its own schema, created by our migrations). */
@Entity({ tableName: 'session' })
export class SessionRow {
  @PrimaryKey({ type: 'string', length: 255 })
  sid!: string;

  @Property({ type: 'json' })
  sess!: unknown;

  @Index({ name: 'IDX_session_expire' })
  @Property({ type: 'datetime', length: 6 })
  expire!: Date;
}

/** The table rate-limiter-flexible's PostgreSQL store counts login attempts in. */
@Entity({ tableName: 'login_throttle' })
export class LoginThrottleRow {
  @PrimaryKey({ type: 'string', length: 255 })
  key!: string;

  @Property({ type: 'integer', default: 0 })
  points!: number;

  @Property({ type: new BigIntType('string'), nullable: true })
  expire?: string;
}
