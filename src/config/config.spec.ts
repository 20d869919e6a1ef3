import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, SANDBOX_DEFAULT_CLIENT } from './config.js';

describe('loadConfig', () => {
  it('has working defaults: embedded database and the built-in Exact sandbox', () => {
    const c = loadConfig({});
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.exact.sandbox).toBe(true);
    expect(c.exact.baseUrl).toBe('http://127.0.0.1:3001');
    expect(c.exact.clientId).toBe(SANDBOX_DEFAULT_CLIENT.clientId);
    expect(c.exact.redirectUri).toBe('http://localhost:3000/settings/integrations/exact/callback');
    expect(c.dataDir).toMatch(/data$/);
  });

  it('switches to real services by setting', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db:5432/koppel',
      EXACT_BASE_URL: 'https://start.exactonline.nl/',
      EXACT_CLIENT_ID: 'id',
      EXACT_CLIENT_SECRET: 'secret',
      EXACT_WEBHOOK_SECRET: 'webhook-secret',
      PUBLIC_BASE_URL: 'https://koppel.example.com',
    });
    expect(c.exact.webhookSecret).toBe('webhook-secret');
    expect(c.exact.sandbox).toBe(false);
    expect(c.exact.baseUrl).toBe('https://start.exactonline.nl');
    expect(c.exact.redirectUri).toBe('https://koppel.example.com/settings/integrations/exact/callback');
    expect(c.secureCookies).toBe(true);
  });

  it('stops with a message naming each bad variable', () => {
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', KOPPEL_SECRET_KEY: 'short', EXACT_BASE_URL: 'https://e.example' });
      throw new Error('expected a ConfigError');
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const msg = (e as Error).message;
      expect(msg).toContain('PORT');
      expect(msg).toContain('DATABASE_URL');
      expect(msg).toContain('KOPPEL_SECRET_KEY');
    }
    expect(() => loadConfig({ EXACT_BASE_URL: 'https://start.exactonline.nl' })).toThrow(/EXACT_CLIENT_ID/);
  });

  it('never falls back to a sandbox default outside sandbox mode: EXACT_WEBHOOK_SECRET is required', () => {
    const real = { EXACT_BASE_URL: 'https://start.exactonline.nl', EXACT_CLIENT_ID: 'id', EXACT_CLIENT_SECRET: 'secret' };
    expect(() => loadConfig(real)).toThrow(/EXACT_WEBHOOK_SECRET/);
    expect(() => loadConfig({ ...real, EXACT_WEBHOOK_SECRET: '  ' })).toThrow(/EXACT_WEBHOOK_SECRET/);
    const c = loadConfig({ ...real, EXACT_WEBHOOK_SECRET: 'mine' });
    expect(Object.values(c.exact)).not.toContain(SANDBOX_DEFAULT_CLIENT.webhookSecret);
    expect(Object.values(c.exact)).not.toContain(SANDBOX_DEFAULT_CLIENT.clientSecret);
    // the sandbox keeps its demo client
    expect(loadConfig({}).exact.webhookSecret).toBe(SANDBOX_DEFAULT_CLIENT.webhookSecret);
  });

  it('trusts a proxy only when TRUST_PROXY says so', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://koppel.example.com' }).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toEqual(['loopback', '10.0.0.0/8']);
    for (const bad of ['yes', '0', '11', '10.0.0.0/33', 'evil.example']) expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY/);
  });

  it('gives sessions an absolute lifetime (SESSION_MAX_HOURS)', () => {
    expect(loadConfig({}).sessionMaxAgeMs).toBe(24 * 3600 * 1000);
    expect(loadConfig({ SESSION_MAX_HOURS: '8' }).sessionMaxAgeMs).toBe(8 * 3600 * 1000);
    expect(() => loadConfig({ SESSION_MAX_HOURS: 'never' })).toThrow(/SESSION_MAX_HOURS/);
  });

  it('requires https for an EXACT_BASE_URL that is not this machine (issue #13 item 7)', () => {
    const env = { EXACT_CLIENT_ID: 'id', EXACT_CLIENT_SECRET: 'secret', EXACT_WEBHOOK_SECRET: 'mine' };
    expect(() => loadConfig({ ...env, EXACT_BASE_URL: 'http://start.exactonline.nl' })).toThrow(/EXACT_BASE_URL: must use https/);
    expect(() => loadConfig({ ...env, EXACT_BASE_URL: 'http://10.0.0.5:3001' })).toThrow(/EXACT_BASE_URL/);
    expect(() => loadConfig({ ...env, EXACT_BASE_URL: 'ftp://start.exactonline.nl' })).toThrow(/EXACT_BASE_URL/);
    for (const ok of ['https://start.exactonline.nl', 'http://127.0.0.1:3001', 'http://localhost:3001', 'http://[::1]:3001']) {
      expect(loadConfig({ ...env, EXACT_BASE_URL: ok }).exact.baseUrl).toBe(ok);
    }
  });

  it('takes SANDBOX_CONTROL_TOKEN for the sandbox control API and refuses a weak one', () => {
    expect(loadConfig({}).exact.sandboxControlToken).toBeUndefined();
    expect(loadConfig({ SANDBOX_CONTROL_TOKEN: '0123456789abcdef0123' }).exact.sandboxControlToken).toBe('0123456789abcdef0123');
    expect(() => loadConfig({ SANDBOX_CONTROL_TOKEN: 'short' })).toThrow(/SANDBOX_CONTROL_TOKEN/);
    expect(() => loadConfig({ SANDBOX_CONTROL_TOKEN: 'has spaces in the token value' })).toThrow(/SANDBOX_CONTROL_TOKEN/);
  });
});
