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
      PUBLIC_BASE_URL: 'https://koppel.example.com',
    });
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
});
