import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { BigIntType, OptionalProps } from '@mikro-orm/core';

export type ConnectionStatus = 'connected' | 'needs_reconnect' | 'disconnected';

/** The one Exact Online connection of this installation (row id 1). Tokens are sealed with AES-256-GCM. */
@Entity({ tableName: 'exact_connection' })
export class ExactConnection {
  [OptionalProps]?: 'status' | 'allDivisions' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  id = 1;

  @Property({ type: 'string', length: 20, default: 'disconnected' })
  status: ConnectionStatus = 'disconnected';

  @Property({ type: 'string', length: 64, nullable: true })
  exactUserId?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  userName?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  fullName?: string | null;

  @Property({ type: 'text', nullable: true, hidden: true })
  accessTokenSealed?: string | null;

  @Property({ type: 'datetime', nullable: true })
  accessTokenIssuedAt?: Date | null;

  @Property({ type: 'datetime', nullable: true })
  accessTokenExpiresAt?: Date | null;

  @Property({ type: 'text', nullable: true, hidden: true })
  refreshTokenSealed?: string | null;

  /** When the current refresh token was issued (its "age"; unused refresh tokens die after ~30 days). */
  @Property({ type: 'datetime', nullable: true })
  refreshTokenIssuedAt?: Date | null;

  @Property({ type: 'integer', default: 0 })
  refreshCount = 0;

  @Property({ type: 'boolean', default: false })
  allDivisions = false;

  @Property({ type: 'datetime', nullable: true })
  connectedAt?: Date | null;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', nullable: true })
  lastErrorAt?: Date | null;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** A division (administration) the connected Exact user granted Koppel. */
@Entity({ tableName: 'exact_division' })
export class ExactDivision {
  [OptionalProps]?: 'active' | 'updatedAt';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  code!: number;

  @Property({ type: 'string', length: 200 })
  description!: string;

  @Property({ type: 'string', length: 30, nullable: true })
  hid?: string | null;

  @Property({ type: 'string', length: 3, nullable: true })
  country?: string | null;

  @Property({ type: 'string', length: 3, nullable: true })
  currency?: string | null;

  /** Granted at the last (re)connect; a division no longer granted stays for history but is inactive. */
  @Property({ type: 'boolean', default: true })
  active = true;

  @Property({ type: 'text', nullable: true })
  lastError?: string | null;

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}

/** What Exact's X-RateLimit-* headers last said per division; calls reserve from it atomically. */
@Entity({ tableName: 'exact_rate_limit' })
export class ExactRateLimit {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  division!: number;

  @Property({ type: 'integer', default: 60 })
  minutelyLimit = 60;

  @Property({ type: 'integer', default: 60 })
  minutelyRemaining = 60;

  @Property({ type: new BigIntType('string'), default: 0 })
  minutelyReset: string = '0';

  @Property({ type: 'integer', default: 5000 })
  dailyLimit = 5000;

  @Property({ type: 'integer', default: 5000 })
  dailyRemaining = 5000;

  @Property({ type: new BigIntType('string'), default: 0 })
  dailyReset: string = '0';

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/** One call to Exact: kept 30 days, shown to admins. */
@Entity({ tableName: 'exact_api_call' })
@Index({ properties: ['at'] })
@Index({ properties: ['division', 'endpoint', 'at'] })
export class ExactApiCall {
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Property({ type: 'datetime' })
  at!: Date;

  @Property({ type: 'string', length: 8 })
  method!: string;

  /** Endpoint without division and key, e.g. "crm/Accounts" or "sync/CRM/Accounts". */
  @Property({ type: 'string', length: 120 })
  endpoint!: string;

  @Property({ type: 'text' })
  url!: string;

  @Property({ type: 'integer', nullable: true })
  division?: number | null;

  /** HTTP status; null when the network failed. */
  @Property({ type: 'integer', nullable: true })
  status?: number | null;

  @Property({ type: 'integer' })
  durationMs!: number;

  @Property({ type: 'integer', nullable: true })
  minutelyRemaining?: number | null;

  @Property({ type: 'integer', nullable: true })
  dailyRemaining?: number | null;

  @Property({ type: 'string', length: 12 })
  kind!: string;

  @Property({ type: 'text', nullable: true })
  error?: string | null;
}

export const EXACT_ENTITIES = [ExactConnection, ExactDivision, ExactRateLimit, ExactApiCall];
