import { expect } from '@jest/globals';
import { startSandbox, type SandboxHandle } from '../../src/exact-sandbox/server.js';
import { DEFAULT_CLIENT } from '../../src/exact-sandbox/sandbox.types.js';

export { DEFAULT_CLIENT };
export const DIV1 = 1234567;
export const DIV2 = 2345678;
export const DIV3 = 3456789;

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: string;
  token_type: string;
}

export interface TestSandbox {
  sb: SandboxHandle;
  url: string;
  control<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T>;
  connect(divisions?: 'all' | number[], client?: typeof DEFAULT_CLIENT): Promise<Tokens>;
  token(params: Record<string, string>): Promise<Response>;
  api(path: string, token: string, init?: RequestInit & { json?: unknown; accept?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

/** Starts an in-process sandbox on a free port. The minutely limit is raised unless `realLimits` is set. */
export async function startTestSandbox(opts: { realLimits?: boolean; seed?: number } = {}): Promise<TestSandbox> {
  const sb = await startSandbox({ port: 0, seed: opts.seed ?? 1 });
  const url = sb.url;
  const control = async <T,>(method: string, path: string, body?: unknown): Promise<T> => {
    const r = await fetch(`${url}/_sandbox/${path}`, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await r.json()) as T;
  };
  if (!opts.realLimits) await control('POST', 'limits', { minutely: 100000, daily: 1000000, errorBudget: 1000 });
  const token = (params: Record<string, string>) => fetch(`${url}/api/oauth2/token`, { method: 'POST', body: new URLSearchParams(params) });
  const connect = async (divisions: 'all' | number[] = 'all', client = DEFAULT_CLIENT): Promise<Tokens> => {
    const { code } = await control<{ code: string }>('POST', 'authorize', { clientId: client.clientId, redirectUri: client.redirectUri, divisions });
    const r = await token({ grant_type: 'authorization_code', code, redirect_uri: client.redirectUri, client_id: client.clientId, client_secret: client.clientSecret });
    if (r.status !== 200) throw new Error(`token exchange failed ${r.status} ${await r.text()}`);
    return (await r.json()) as Tokens;
  };
  const api = (path: string, tok: string, init: RequestInit & { json?: unknown; accept?: string | null } = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${tok}`, ...(init.headers as Record<string, string> | undefined) };
    if (init.accept !== null) headers.accept = init.accept ?? 'application/json';
    if (init.json !== undefined) headers['content-type'] = 'application/json';
    const target = path.startsWith('http') ? path : `${url}/api/v1/${path}`;
    return fetch(target, { ...init, headers, body: init.json !== undefined ? JSON.stringify(init.json) : init.body });
  };
  return { sb, url, control, connect, token, api, close: () => sb.close() };
}

export async function json<T = any>(r: Response): Promise<T> {
  return (await r.json()) as T;
}

export function errorText(body: { error?: { message?: { value?: string } } }): string {
  return body.error?.message?.value ?? '';
}

/** Asserts an Exact error answer: its status and its message (exactly, or matching a pattern). */
export async function expectError(r: Response, status: number, text: string | RegExp): Promise<void> {
  expect(r.status).toBe(status);
  const msg = errorText(await json(r));
  if (typeof text === 'string') expect(msg).toBe(text);
  else expect(msg).toMatch(text);
}

/** An Edm.DateTime value as Exact writes it ("/Date(ms)/") for a calendar date at midnight UTC. */
export const edmDate = (iso: string) => `/Date(${Date.parse(`${iso}T00:00:00Z`)})/`;
