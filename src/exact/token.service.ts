import { Inject, Injectable, Logger } from '@nestjs/common';
import type pg from 'pg';
import { PG_POOL } from '../database/pg-pool.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { Clock } from '../common/clock.js';
import { SecretBox } from './crypto.js';
import type { TokenSource } from './transport.js';
import { ExactAuthError, ExactNetworkError, ExactNotConnectedError, ExactServerError, redact } from './errors.js';

/** Exact refuses a refresh earlier than 570 s after the previous token was issued (API.md §1.4). */
export const MIN_REFRESH_AGE_MS = 570_000;
/** Refresh when fewer than 30 s of the access token remain. */
const EXPIRY_MARGIN_MS = 30_000;

export interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresInSeconds: number;
}

interface Row {
  status: string;
  access_token_sealed: string | null;
  access_token_issued_at: Date | null;
  access_token_expires_at: Date | null;
  refresh_token_sealed: string | null;
}

/** Exact's OAuth endpoints (API.md §1): the only place their URLs are written. */
export function oauthUrls(baseUrl: string): { authorization: string; token: string } {
  return { authorization: `${baseUrl}/api/oauth2/auth`, token: `${baseUrl}/api/oauth2/token` };
}

/** Parses Exact's token answer (expires_in is a string such as "600"). */
export function parseTokenResponse(body: Record<string, unknown>): TokenSet {
  const access = body.access_token;
  const refresh = body.refresh_token;
  const expires = Number(String(body.expires_in ?? ''));
  if (typeof access !== 'string' || typeof refresh !== 'string' || !Number.isFinite(expires) || expires <= 0) {
    throw new ExactServerError(200, 'Unexpected token response', undefined, 'oauth2/token');
  }
  return { accessToken: access, refreshToken: refresh, expiresInSeconds: expires };
}

/**
 * Access tokens for the connection, safe across processes: one refresh at a time (a row lock on
 * exact_connection), the stored token re-read after taking the lock, the new refresh token committed
 * before the new access token is used, never a refresh before 570 s.
 */
@Injectable()
export class ExactTokenService implements TokenSource {
  private readonly logger = new Logger('ExactTokens');
  private inflight?: Promise<string>;

  constructor(
    @Inject(PG_POOL) private readonly pool: pg.Pool,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly box: SecretBox,
    private readonly clock: Clock,
  ) {}

  private async read(): Promise<Row | undefined> {
    const r = await this.pool.query<Row>('select status, access_token_sealed, access_token_issued_at, access_token_expires_at, refresh_token_sealed from exact_connection where id = 1');
    return r.rows[0];
  }

  private usable(row: Row, now: number): boolean {
    return !!row.access_token_sealed && !!row.access_token_expires_at && row.access_token_expires_at.getTime() - now > EXPIRY_MARGIN_MS;
  }

  private check(row: Row | undefined): asserts row is Row {
    if (!row || row.status === 'disconnected' || !row.refresh_token_sealed) throw new ExactNotConnectedError();
    if (row.status === 'needs_reconnect') throw new ExactAuthError('The Exact Online connection must be renewed', undefined, undefined, undefined, true);
  }

  /** A valid access token; refreshes when it is about to expire. */
  async accessToken(): Promise<string> {
    const row = await this.read();
    this.check(row);
    if (this.usable(row, this.clock.now().getTime())) return this.box.open(row.access_token_sealed!);
    return this.refresh(false);
  }

  /**
   * Refreshes (once per process at a time, and under the row lock across processes). `force` is used
   * after a 401 from the API: the token is refreshed even if our clock thinks it is still valid.
   */
  refresh(force: boolean, rejected?: string): Promise<string> {
    this.inflight ??= this.refreshLocked(force, rejected).finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  private async refreshLocked(force: boolean, rejected?: string): Promise<string> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const { rows } = await client.query<Row>(
        'select status, access_token_sealed, access_token_issued_at, access_token_expires_at, refresh_token_sealed from exact_connection where id = 1 for update',
      );
      const row = rows[0];
      this.check(row);
      const now = this.clock.now().getTime();
      const stored = row.access_token_sealed ? this.box.open(row.access_token_sealed) : undefined;
      // Another process (or request) refreshed while we waited for the lock: use its token.
      if (stored && stored !== rejected && this.usable(row, now)) {
        await client.query('commit');
        return stored;
      }
      const age = row.access_token_issued_at ? now - row.access_token_issued_at.getTime() : Infinity;
      if (stored && age < MIN_REFRESH_AGE_MS && !force) {
        await client.query('commit');
        return stored;
      }
      const answer = await this.callTokenEndpoint(this.box.open(row.refresh_token_sealed!));
      if (answer.kind === 'too_early') {
        await client.query('commit');
        if (!stored) throw new ExactAuthError('No access token stored and Exact refuses an early refresh');
        return stored;
      }
      if (answer.kind === 'dead') {
        await client.query(
          `update exact_connection set status = 'needs_reconnect', last_error = $1, last_error_at = $2, updated_at = now() where id = 1`,
          [answer.message, new Date(now)],
        );
        await client.query('commit');
        this.logger.warn(`Exact refresh token rejected: ${answer.message} — the connection needs a reconnect`);
        throw new ExactAuthError('The Exact Online connection must be renewed', answer.message, undefined, 'oauth2/token', true);
      }
      const t = answer.tokens;
      const issued = new Date(now);
      await client.query(
        `update exact_connection set access_token_sealed = $1, refresh_token_sealed = $2, access_token_issued_at = $3,
           access_token_expires_at = $4, refresh_token_issued_at = $3, refresh_count = refresh_count + 1, status = 'connected', updated_at = now()
         where id = 1`,
        [this.box.seal(t.accessToken), this.box.seal(t.refreshToken), issued, new Date(now + t.expiresInSeconds * 1000)],
      );
      await client.query('commit'); // the new refresh token is stored before the access token is used
      return t.accessToken;
    } catch (e) {
      await client.query('rollback').catch(() => undefined);
      throw e;
    } finally {
      client.release();
    }
  }

  private async callTokenEndpoint(
    refreshToken: string,
  ): Promise<{ kind: 'ok'; tokens: TokenSet } | { kind: 'too_early' } | { kind: 'dead'; message: string }> {
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: this.config.exact.clientId,
      client_secret: this.config.exact.clientSecret,
    });
    let res: Response;
    try {
      res = await fetch(oauthUrls(this.config.exact.baseUrl).token, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body,
        signal: AbortSignal.timeout(this.config.exact.timeoutMs),
      });
    } catch (e) {
      throw new ExactNetworkError(redact(String((e as Error).message ?? e)), undefined, 'oauth2/token');
    }
    const text = await res.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      /* not JSON */
    }
    if (res.ok) return { kind: 'ok', tokens: parseTokenResponse(json) };
    const reason = res.headers.get('reason') ?? '';
    const description = String(json.error_description ?? json.error ?? text).slice(0, 500);
    if (res.status === 400 && /TooEarlyToRefreshTokens/i.test(reason)) return { kind: 'too_early' };
    if (res.status === 401 || (res.status === 400 && /expired|invalid_grant|invalid_request/i.test(`${json.error} ${description}`))) {
      return { kind: 'dead', message: redact(description) };
    }
    throw new ExactServerError(res.status, redact(description), undefined, 'oauth2/token');
  }
}
