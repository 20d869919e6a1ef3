import { DAY_MS, type SandboxClock, usDateTime } from './clock.util.js';
import { randomGuid, randomToken } from './prng.util.js';
import type { AuthCode, SandboxState, TokenFamily } from './state.store.js';
import { DEMO_USER_ID, type ClientRecord, type DivisionGrant } from './sandbox.types.js';

/** OAuth2 rules of API.md §1: codes, token rotation, early refresh, expiry, daily token-call budget. */

export const CODE_TTL_MS = 180_000;
export const ACCESS_TTL_S = 600;
export const EARLY_REFRESH_S = 570;
export const REFRESH_TTL_MS = 30 * DAY_MS;
export const TOKEN_CALLS_PER_DAY = 200;

export class OAuthError extends Error {
  constructor(readonly status: number, readonly error: string, readonly description: string, readonly headers: Record<string, string> = {}) {
    super(description);
  }
}

export interface TokenResponse {
  access_token: string;
  token_type: 'bearer';
  expires_in: string;
  refresh_token: string;
}

export interface TokenInfo {
  clientId: string;
  userId: string;
  grant: DivisionGrant;
}

export function normaliseClientId(id: unknown): string {
  return String(id ?? '').trim().replace(/^\{/, '').replace(/\}$/, '').toLowerCase();
}

export class OAuthService {
  constructor(private readonly state: SandboxState, private readonly clock: SandboxClock) {}

  client(id: unknown): ClientRecord | undefined {
    return this.state.clients.get(normaliseClientId(id));
  }

  issueCode(clientId: string, redirectUri: string, grant: DivisionGrant): string {
    const code = randomToken('stmp!IAAAA', 60);
    const rec: AuthCode = { code, clientId: normaliseClientId(clientId), redirectUri, grant, expiresAt: this.clock.now() + CODE_TTL_MS, used: false };
    this.state.auth.codes.set(code, rec);
    return code;
  }

  private authenticateClient(body: Record<string, string>): ClientRecord {
    const client = this.client(body.client_id);
    if (!client) throw new OAuthError(400, 'invalid_client', 'Unknown client_id.');
    if (body.client_secret !== client.clientSecret) throw new OAuthError(400, 'invalid_client', 'Invalid client credentials.');
    return client;
  }

  private countTokenCall(clientId: string): void {
    const key = `${clientId}|${DEMO_USER_ID}`;
    const day = Math.floor(this.clock.now() / DAY_MS);
    const rec = this.state.auth.tokenCalls.get(key);
    const cur = rec && rec.day === day ? rec : { day, count: 0 };
    cur.count++;
    this.state.auth.tokenCalls.set(key, cur);
    if (cur.count > TOKEN_CALLS_PER_DAY) throw new OAuthError(400, 'access_denied', 'Rate limit exceeded: maximum of 200 token requests per day reached.', { Reason: 'TooManyTokenRequests' });
  }

  token(body: Record<string, string>): TokenResponse {
    const grantType = body.grant_type;
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      throw new OAuthError(400, 'unsupported_grant_type', `The grant type '${grantType ?? ''}' is not supported.`);
    }
    const client = this.authenticateClient(body);
    this.countTokenCall(client.clientId);
    return grantType === 'authorization_code' ? this.exchangeCode(client, body) : this.refresh(client, body);
  }

  private exchangeCode(client: ClientRecord, body: Record<string, string>): TokenResponse {
    const rec = this.state.auth.codes.get(body.code ?? '');
    if (!rec) throw new OAuthError(400, 'invalid_grant', 'The authorization code is invalid.');
    if (rec.used) throw new OAuthError(400, 'invalid_grant', 'The authorization code has already been used.');
    if (rec.clientId !== client.clientId) throw new OAuthError(400, 'unauthorized_client', 'The authorization code was issued to another client.');
    if (rec.expiresAt < this.clock.now()) throw new OAuthError(400, 'invalid_grant', 'The authorization code has expired.');
    if ((body.redirect_uri ?? '') !== rec.redirectUri) throw new OAuthError(400, 'invalid_grant', 'The redirect_uri does not match the redirect URI used in the authorization request.');
    rec.used = true;
    const family: TokenFamily = { id: randomGuid(), clientId: client.clientId, userId: DEMO_USER_ID, grant: rec.grant, currentRefresh: '', issuedAt: 0, dead: false };
    this.state.auth.families.set(family.id, family);
    return this.issue(family);
  }

  private refresh(client: ClientRecord, body: Record<string, string>): TokenResponse {
    const token = body.refresh_token ?? '';
    const familyId = this.state.auth.refreshTokens.get(token);
    const family = familyId ? this.state.auth.families.get(familyId) : undefined;
    if (!family) throw new OAuthError(400, 'invalid_grant', 'The refresh token is invalid.');
    if (family.clientId !== client.clientId) throw new OAuthError(400, 'unauthorized_client', 'The refresh token was issued to another client.');
    const now = this.clock.now();
    // API.md §1.4: the 570 s rule comes first. A racing loser (an older refresh token, used within 570 s of the
    // winner's refresh) gets the "not expired" 400; later it gets the 401. The winner's tokens are never revoked.
    if (now - family.issuedAt < EARLY_REFRESH_S * 1000) {
      throw new OAuthError(400, 'access_denied', 'Rate limit exceeded: access_token not expired', { Reason: 'TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired' });
    }
    if (family.dead || family.currentRefresh !== token) {
      throw new OAuthError(401, 'unauthorized_client', 'Old refresh token used.');
    }
    const expiresAt = family.issuedAt + REFRESH_TTL_MS;
    if (now > expiresAt) {
      throw new OAuthError(400, 'invalid_request', `The refresh token expired at ${usDateTime(expiresAt)} and it is now ${usDateTime(now)}.`);
    }
    return this.issue(family);
  }

  private issue(family: TokenFamily): TokenResponse {
    const now = this.clock.now();
    const access = randomToken('AAEAA', 96);
    const refresh = randomToken('Gcp7!IAAAA', 72);
    family.currentRefresh = refresh;
    family.issuedAt = now;
    this.state.auth.refreshTokens.set(refresh, family.id);
    this.state.auth.accessTokens.set(access, { familyId: family.id, expiresAt: now + ACCESS_TTL_S * 1000 });
    this.pruneExpired(now);
    return { access_token: access, token_type: 'bearer', expires_in: String(ACCESS_TTL_S), refresh_token: refresh };
  }

  private pruneExpired(now: number): void {
    for (const [t, a] of this.state.auth.accessTokens) if (a.expiresAt < now - DAY_MS) this.state.auth.accessTokens.delete(t);
    for (const [c, r] of this.state.auth.codes) if (r.expiresAt < now - DAY_MS) this.state.auth.codes.delete(c);
  }

  /** The app behind an access token the sandbox issued, also when it has expired (for the error budget); null when unknown. */
  identify(authorization: string | undefined): TokenInfo | null {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    const rec = m ? this.state.auth.accessTokens.get(m[1]) : undefined;
    const family = rec ? this.state.auth.families.get(rec.familyId) : undefined;
    return family ? { clientId: family.clientId, userId: family.userId, grant: family.grant } : null;
  }

  /** Bearer token → caller; null when missing/expired/revoked. */
  verify(authorization: string | undefined): TokenInfo | null {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return null;
    const rec = this.state.auth.accessTokens.get(m[1]);
    if (!rec || rec.expiresAt <= this.clock.now()) return null;
    const family = this.state.auth.families.get(rec.familyId);
    if (!family || family.dead) return null;
    return { clientId: family.clientId, userId: family.userId, grant: family.grant };
  }
}
