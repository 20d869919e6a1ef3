import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import { inTransaction } from '../database/pg-transaction.js';
import { Clock } from '../common/clock.js';
import { SecretBox } from './crypto.js';
import { ExactClient } from './exact.client.js';
import { ExactTokenService, type TokenSet } from './token.service.js';
import { ExactRateLimiter } from './rate-limiter.js';
import { ExactError, ExactForbiddenError, ExactNotConnectedError } from './errors.js';
import type { ExactDivisionRecord, ExactMe } from './exact.types.js';

export interface DivisionStatus {
  code: number;
  description: string;
  hid?: string | null;
  country?: string | null;
  active: boolean;
  limits?: Awaited<ReturnType<ExactRateLimiter['status']>>;
}

export interface ConnectionStatus {
  status: 'connected' | 'needs_reconnect' | 'disconnected';
  userName?: string | null;
  fullName?: string | null;
  connectedAt?: Date | null;
  accessTokenExpiresAt?: Date | null;
  refreshTokenIssuedAt?: Date | null;
  refreshTokenAgeDays?: number;
  refreshTokenWarning: boolean;
  refreshCount: number;
  lastError?: string | null;
  lastErrorAt?: Date | null;
  divisions: DivisionStatus[];
}

/** Hooks other modules add to connect/disconnect (e.g. webhook subscriptions). */
export type DisconnectHook = () => Promise<void>;

export const REFRESH_TOKEN_WARNING_DAYS = 25;
const DAY = 86_400_000;

/** The Exact Online connection: storing it after consent, its status, keep-alive and disconnect. */
@Injectable()
export class ExactConnectionService {
  private readonly logger = new Logger('ExactConnection');
  private readonly disconnectHooks: DisconnectHook[] = [];

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    private readonly box: SecretBox,
    private readonly client: ExactClient,
    private readonly tokens: ExactTokenService,
    private readonly limiter: ExactRateLimiter,
    private readonly clock: Clock,
  ) {}

  onDisconnect(hook: DisconnectHook): void {
    this.disconnectHooks.push(hook);
  }

  /**
   * After consent: reads the user and the divisions granted to Koppel with the new token, then stores
   * everything in one transaction — nothing is saved when any step fails.
   */
  async complete(tokens: TokenSet): Promise<{ me: ExactMe; divisions: ExactDivisionRecord[] }> {
    const me = await this.client.me({ token: tokens.accessToken });
    const divisions = await this.listDivisions(me.CurrentDivision, tokens.accessToken);
    const now = this.clock.now();
    await inTransaction(this.pool, async (db) => {
      await db.query(
        `insert into exact_connection (id, status, exact_user_id, user_name, full_name, access_token_sealed, access_token_issued_at,
            access_token_expires_at, refresh_token_sealed, refresh_token_issued_at, connected_at, last_error, last_error_at, updated_at)
         values (1, 'connected', $1, $2, $3, $4, $5, $6, $7, $5, $5, null, null, now())
         on conflict (id) do update set status = 'connected', exact_user_id = $1, user_name = $2, full_name = $3,
            access_token_sealed = $4, access_token_issued_at = $5, access_token_expires_at = $6, refresh_token_sealed = $7,
            refresh_token_issued_at = $5, connected_at = $5, last_error = null, last_error_at = null, updated_at = now()`,
        [me.UserID, me.UserName, me.FullName, this.box.seal(tokens.accessToken), now, new Date(now.getTime() + tokens.expiresInSeconds * 1000), this.box.seal(tokens.refreshToken)],
      );
      await this.storeDivisions(db, divisions);
    });
    return { me, divisions };
  }

  private listDivisions(current: number, token?: string): Promise<ExactDivisionRecord[]> {
    return this.client.divisionList(current, ['Code', 'Description', 'Hid', 'Country', 'Currency', 'Current', 'Status'], { token });
  }

  private async storeDivisions(db: pg.PoolClient, divisions: ExactDivisionRecord[]): Promise<void> {
    await db.query('update exact_division set active = false, updated_at = now()');
    for (const d of divisions) {
      await db.query(
        `insert into exact_division (code, description, hid, country, currency, active, updated_at) values ($1, $2, $3, $4, $5, true, now())
         on conflict (code) do update set description = $2, hid = $3, country = $4, currency = $5, active = true, last_error = null, updated_at = now()`,
        [d.Code, d.Description, d.Hid?.toString() ?? null, d.Country?.trim() ?? null, d.Currency?.trim() ?? null],
      );
    }
  }

  /** Re-reads the granted divisions (picks up "future administrations"). */
  async refreshDivisions(): Promise<number> {
    const me = await this.client.me({ kind: 'background' });
    const divisions = await this.listDivisions(me.CurrentDivision);
    await inTransaction(this.pool, (db) => this.storeDivisions(db, divisions));
    return divisions.length;
  }

  async activeDivisions(): Promise<{ code: number; description: string }[]> {
    const { rows } = await this.pool.query<{ code: number; description: string }>('select code, description from exact_division where active order by description');
    return rows;
  }

  /** Throws a clear error when the division is not one Koppel may use. */
  async assertDivision(code: number): Promise<void> {
    const { rows } = await this.pool.query('select 1 from exact_division where code = $1 and active', [code]);
    if (!rows.length) throw new ExactForbiddenError(`Division ${code} is not within the administrations granted to Koppel`, code);
  }

  async status(): Promise<ConnectionStatus> {
    const { rows } = await this.pool.query(
      `select status, user_name, full_name, connected_at, access_token_expires_at, refresh_token_issued_at, refresh_count, last_error, last_error_at
         from exact_connection where id = 1`,
    );
    const c = rows[0];
    const { rows: divs } = await this.pool.query<{ code: number; description: string; hid: string | null; country: string | null; active: boolean }>(
      'select code, description, hid, country, active from exact_division order by active desc, description',
    );
    const divisions: DivisionStatus[] = [];
    for (const d of divs) divisions.push({ ...d, limits: await this.limiter.status(d.code) });
    const now = this.clock.now().getTime();
    const age = c?.refresh_token_issued_at ? Math.floor((now - new Date(c.refresh_token_issued_at).getTime()) / DAY) : undefined;
    return {
      status: c?.status ?? 'disconnected',
      userName: c?.user_name,
      fullName: c?.full_name,
      connectedAt: c?.connected_at,
      accessTokenExpiresAt: c?.access_token_expires_at,
      refreshTokenIssuedAt: c?.refresh_token_issued_at,
      refreshTokenAgeDays: age,
      refreshTokenWarning: c?.status === 'connected' && age !== undefined && age >= REFRESH_TOKEN_WARNING_DAYS,
      refreshCount: c?.refresh_count ?? 0,
      lastError: c?.last_error,
      lastErrorAt: c?.last_error_at,
      divisions,
    };
  }

  /** When the current connection was made (a reconnect, perhaps as another Exact user, moves it); null when never. */
  async connectedAt(): Promise<Date | null> {
    const { rows } = await this.pool.query<{ connected_at: Date | null }>('select connected_at from exact_connection where id = 1');
    return rows[0]?.connected_at ?? null;
  }

  async connectionState(): Promise<'connected' | 'needs_reconnect' | 'disconnected'> {
    const { rows } = await this.pool.query<{ status: 'connected' | 'needs_reconnect' | 'disconnected' }>('select status from exact_connection where id = 1');
    return rows[0]?.status ?? 'disconnected';
  }

  async recordError(e: unknown): Promise<void> {
    const text = e instanceof ExactError ? (e.exactMessage ?? e.message) : String((e as Error)?.message ?? e);
    await this.pool.query('update exact_connection set last_error = $1, last_error_at = $2 where id = 1', [text.slice(0, 2000), this.clock.now()]);
  }

  /**
   * Keep-alive: refresh a connection whose refresh token has not been used for `idleDays`, so it never
   * reaches Exact's ~30 days of disuse; also re-reads the granted divisions.
   */
  async keepAlive(idleDays = 7): Promise<'refreshed' | 'fresh' | 'not_connected'> {
    const { rows } = await this.pool.query<{ status: string; refresh_token_issued_at: Date | null }>('select status, refresh_token_issued_at from exact_connection where id = 1');
    if (rows[0]?.status !== 'connected') return 'not_connected';
    const issued = rows[0].refresh_token_issued_at?.getTime() ?? 0;
    let result: 'refreshed' | 'fresh' = 'fresh';
    if (this.clock.now().getTime() - issued >= idleDays * DAY) {
      await this.tokens.refresh(true);
      result = 'refreshed';
    }
    await this.refreshDivisions().catch((e) => this.recordError(e));
    return result;
  }

  /** Disconnect: hooks first (webhook subscriptions), then the tokens are forgotten. */
  async disconnect(): Promise<void> {
    if ((await this.connectionState()) === 'disconnected') throw new ExactNotConnectedError();
    for (const hook of this.disconnectHooks) {
      await hook().catch((e) => this.logger.warn(`disconnect hook failed: ${(e as Error).message}`));
    }
    await this.pool.query(
      `update exact_connection set status = 'disconnected', access_token_sealed = null, refresh_token_sealed = null,
         access_token_expires_at = null, access_token_issued_at = null, updated_at = now() where id = 1`,
    );
    await this.pool.query('update exact_division set active = false');
  }
}
