import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_CLIENT, DIV1, json, startTestSandbox, type TestSandbox } from './sandbox.helper.js';

// API.md §1: authorize page, token endpoint, lifetimes and rotation rules
describe('sandbox §1 OAuth2 and tokens', () => {
  let t: TestSandbox;
  const c = DEFAULT_CLIENT;
  beforeAll(async () => { t = await startTestSandbox(); });
  afterAll(async () => { await t.close(); });

  const authQuery = (extra: Record<string, string> = {}) => new URLSearchParams({ client_id: c.clientId, redirect_uri: c.redirectUri, response_type: 'code', state: 'xyz', ...extra });

  it('shows a login + consent page with division choice', async () => {
    const r = await fetch(`${t.url}/api/oauth2/auth?${authQuery()}`);
    expect(r.status).toBe(200);
    const html = await r.text();
    expect(html).toContain('Alle huidige en toekomstige administraties');
    expect(html).toContain(`value="${DIV1}"`);
    expect(html).toContain('Weigeren');
  });

  it('rejects an unknown client or a wrong redirect_uri without redirecting', async () => {
    expect((await fetch(`${t.url}/api/oauth2/auth?${authQuery({ client_id: '00000000-0000-0000-0000-000000000000' })}`, { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(`${t.url}/api/oauth2/auth?${authQuery({ redirect_uri: 'https://evil.example/cb' })}`, { redirect: 'manual' })).status).toBe(400);
  });

  it('redirects with an URL-encoded code containing ! and the state; Deny gives access_denied', async () => {
    const form = new URLSearchParams({ client_id: c.clientId, redirect_uri: c.redirectUri, response_type: 'code', state: 'st 1', scope: 'all', decision: 'allow' });
    const r = await fetch(`${t.url}/api/oauth2/auth`, { method: 'POST', body: form, redirect: 'manual' });
    expect(r.status).toBe(302);
    const loc = r.headers.get('location')!;
    expect(loc.startsWith(`${c.redirectUri}?code=`)).toBe(true);
    expect(loc).toContain('%21');
    expect(new URL(loc).searchParams.get('state')).toBe('st 1');
    const code = new URL(loc).searchParams.get('code')!;
    expect(code).toContain('!');
    const ok = await t.token({ grant_type: 'authorization_code', code, redirect_uri: c.redirectUri, client_id: c.clientId, client_secret: c.clientSecret });
    expect(ok.status).toBe(200);
    const deny = await fetch(`${t.url}/api/oauth2/auth`, { method: 'POST', body: new URLSearchParams({ ...Object.fromEntries(form), decision: 'deny' }), redirect: 'manual' });
    const dl = new URL(deny.headers.get('location')!);
    expect(dl.searchParams.get('error')).toBe('access_denied');
    expect(dl.searchParams.get('state')).toBe('st 1');
  });

  it('returns Exact token fields: expires_in as the string "600", token_type bearer', async () => {
    const tok = await t.connect();
    expect(tok.expires_in).toBe('600');
    expect(tok.token_type).toBe('bearer');
    expect(typeof tok.access_token).toBe('string');
    expect(tok.refresh_token).not.toBe('');
  });

  it('codes are single use and expire after 180 s; client and redirect errors', async () => {
    const issue = async () => (await t.control<{ code: string }>('POST', 'authorize', { clientId: c.clientId, redirectUri: c.redirectUri, divisions: 'all' })).code;
    const base = { grant_type: 'authorization_code', redirect_uri: c.redirectUri, client_id: c.clientId, client_secret: c.clientSecret };
    const code = await issue();
    expect((await t.token({ ...base, code })).status).toBe(200);
    const again = await t.token({ ...base, code });
    expect(again.status).toBe(400);
    expect((await json(again)).error).toBe('invalid_grant');
    const old = await issue();
    await t.control('POST', 'clock', { advanceSeconds: 181 });
    expect((await json(await t.token({ ...base, code: old }))).error).toBe('invalid_grant');
    const c2 = await issue();
    const wrongSecret = await t.token({ ...base, code: c2, client_secret: 'nope' });
    expect(wrongSecret.status).toBe(400);
    expect((await json(wrongSecret)).error).toBe('invalid_client');
    expect((await json(await t.token({ ...base, code: c2, client_id: '11111111-1111-1111-1111-111111111111' }))).error).toBe('invalid_client');
    expect((await json(await t.token({ ...base, code: c2, redirect_uri: 'http://localhost:3000/other' }))).error).toBe('invalid_grant');
    const jsonBody = await fetch(`${t.url}/api/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(base) });
    expect(jsonBody.status).toBe(400);
  });

  it('refuses a refresh earlier than 570 s with 400 access_denied and the Reason header', async () => {
    const tok = await t.connect();
    await t.control('POST', 'clock', { advanceSeconds: 300 });
    const r = await t.token({ grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: c.clientId, client_secret: c.clientSecret });
    expect(r.status).toBe(400);
    expect(r.headers.get('reason')).toBe('TooEarlyToRefreshTokens: Rate limit exceeded: access_token not expired');
    expect(await json(r)).toEqual({ error: 'access_denied', error_description: 'Rate limit exceeded: access_token not expired' });
    // the refresh token was not consumed
    await t.control('POST', 'clock', { advanceSeconds: 271 });
    expect((await t.token({ grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: c.clientId, client_secret: c.clientSecret })).status).toBe(200);
  });

  it('rotates refresh tokens; a racing loser gets the 400 "not expired" within 570 s, later 401 "Old refresh token used"; the winner keeps its tokens', async () => {
    const first = await t.connect();
    await t.control('POST', 'clock', { advanceSeconds: 571 });
    const r2 = await t.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: c.clientId, client_secret: c.clientSecret });
    expect(r2.status).toBe(200);
    const second = await json(r2);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    // the loser of a race refreshes with the same (now old) token right after the winner: the 570 s rule answers first
    const loser = await t.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: c.clientId, client_secret: c.clientSecret });
    expect(loser.status).toBe(400);
    expect(await json(loser)).toEqual({ error: 'access_denied', error_description: 'Rate limit exceeded: access_token not expired' });
    expect((await t.api('current/Me', second.access_token)).status).toBe(200);
    await t.control('POST', 'clock', { advanceSeconds: 571 });
    const reuse = await t.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: c.clientId, client_secret: c.clientSecret });
    expect(reuse.status).toBe(401);
    expect(await json(reuse)).toEqual({ error: 'unauthorized_client', error_description: 'Old refresh token used.' });
    // the winner's refresh token still works: reusing an old one never revokes the family
    const newest = await t.token({ grant_type: 'refresh_token', refresh_token: second.refresh_token, client_id: c.clientId, client_secret: c.clientSecret });
    expect(newest.status).toBe(200);
    const third = await json(newest);
    expect((await t.api('current/Me', third.access_token)).status).toBe(200);
  });

  it('an old refresh token reused within 570 s of the winner leaves the winner\'s access token valid', async () => {
    const first = await t.connect();
    await t.control('POST', 'clock', { advanceSeconds: 600 });
    const win = await json(await t.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: c.clientId, client_secret: c.clientSecret }));
    await t.control('POST', 'clock', { advanceSeconds: 300 });
    const lose = await t.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token, client_id: c.clientId, client_secret: c.clientSecret });
    expect(lose.status).toBe(400);
    expect(lose.headers.get('reason')).toMatch(/^TooEarlyToRefreshTokens/);
    expect((await t.api('current/Me', win.access_token)).status).toBe(200);
  });

  it('access tokens expire after 600 s', async () => {
    const tok = await t.connect();
    expect((await t.api('current/Me', tok.access_token)).status).toBe(200);
    await t.control('POST', 'clock', { advanceSeconds: 601 });
    expect((await t.api('current/Me', tok.access_token)).status).toBe(401);
  });

  it('refresh tokens unused for 30 days expire with 400 invalid_request', async () => {
    const tok = await t.connect();
    await t.control('POST', 'clock', { advanceSeconds: 30 * 86400 + 60 });
    const r = await t.token({ grant_type: 'refresh_token', refresh_token: tok.refresh_token, client_id: c.clientId, client_secret: c.clientSecret });
    expect(r.status).toBe(400);
    const body = await json(r);
    expect(body.error).toBe('invalid_request');
    expect(body.error_description).toMatch(/^The refresh token expired at \d+\/\d+\/\d{4} \d+:\d{2}:\d{2} [AP]M and it is now .+\.$/);
  });

  it('registers extra clients through the control API', async () => {
    const client = await t.control<typeof DEFAULT_CLIENT>('POST', 'clients', { redirectUri: 'https://app.example/cb' });
    expect(client.clientId).toMatch(/^[0-9a-f-]{36}$/);
    const tok = await t.connect('all', client);
    expect(tok.expires_in).toBe('600');
  });
});
