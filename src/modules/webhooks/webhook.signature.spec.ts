import { describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { notificationBody, signContent, verifyNotification } from './webhook.signature.js';
import { WebhookSubscriptionService } from './webhook.subscriptions.js';
import { WebhookHandlers } from './webhook.handlers.js';
import { loadConfig } from '../../config/config.js';

const SECRET = 'sandbox-webhook-secret';
const content = {
  Topic: 'Accounts', ClientId: '3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b', Division: 1234567, Action: 'Update',
  Key: '6f1b3c2e-0000-4000-8000-000000000001', ExactOnlineEndpoint: 'https://start.exactonline.nl/api/v1/1234567/crm/Accounts(guid\'6f1b\')',
  EventCreatedOn: '2026-11-21T10:00:00.000Z',
};
const v = (body: string | Buffer | undefined) => verifyNotification(typeof body === 'string' ? Buffer.from(body) : body, SECRET);

describe('verifyNotification (API.md §6.4)', () => {
  it('treats an empty body as the validation POST', () => {
    expect(v(undefined)).toEqual({ ok: true, kind: 'validation' });
    expect(v(Buffer.alloc(0))).toEqual({ ok: true, kind: 'validation' });
  });

  it('accepts the HMAC-SHA256 of the raw Content text, uppercase hex', () => {
    const r = v(notificationBody(content, SECRET));
    expect(r.ok && r.kind === 'notification' && r.content).toMatchObject({ Topic: 'Accounts', Division: 1234567, Action: 'Update', Key: content.Key });
    expect(signContent('{"a":1}', SECRET)).toBe(createHmac('sha256', SECRET).update('{"a":1}').digest('hex').toUpperCase());
  });

  it('signs the bytes as sent, not a re-serialisation', () => {
    const spaced = JSON.stringify(content, null, 1);
    expect(v(`{"Content":${spaced},"HashCode":"${signContent(spaced, SECRET)}"}`).ok).toBe(true);
    // same JSON, other bytes: the compact signature no longer matches
    expect(v(`{"Content":${spaced},"HashCode":"${signContent(JSON.stringify(content), SECRET)}"}`)).toMatchObject({ ok: false, status: 401, reason: 'bad_signature' });
    // non-ASCII text is signed as UTF-8
    const named = JSON.stringify({ ...content, Key: 'Café-Ü' });
    expect(v(`{"Content":${named},"HashCode":"${signContent(named, SECRET)}"}`).ok).toBe(true);
  });

  it('refuses forged, lower-case, missing and other-secret signatures with 401', () => {
    const good = notificationBody(content, SECRET);
    const hash = good.slice(-66, -2);
    expect(v(good.replace(hash, hash.toLowerCase()))).toMatchObject({ ok: false, status: 401 });
    expect(v(notificationBody(content, 'other-secret'))).toMatchObject({ ok: false, status: 401, reason: 'bad_signature' });
    expect(v(`{"Content":${JSON.stringify(content)}}`)).toMatchObject({ ok: false, status: 401, reason: 'missing_signature' });
    expect(v(good.replace('"Division":1234567', '"Division":2345678'))).toMatchObject({ ok: false, status: 401 });
    expect(v(`{"HashCode":"${hash}","Content":${JSON.stringify(content)}}`)).toMatchObject({ ok: false, status: 401 });
    expect(v(good.replace(hash, Buffer.from(hash, 'hex').toString('base64')))).toMatchObject({ ok: false, status: 401 });
  });

  it('refuses truncated and malformed bodies with 400', () => {
    const good = notificationBody(content, SECRET);
    expect(v(good.slice(0, good.length - 10))).toMatchObject({ ok: false, status: 400, reason: 'malformed' });
    expect(v('not json')).toMatchObject({ ok: false, status: 400 });
    expect(v('[1,2]')).toMatchObject({ ok: false, status: 400 });
    expect(v('null')).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses signed content that is not a notification with 400', () => {
    const bad = JSON.stringify({ Topic: 'Accounts', Division: 'x', Action: 'Create', Key: '' });
    expect(v(`{"Content":${bad},"HashCode":"${signContent(bad, SECRET)}"}`)).toMatchObject({ ok: false, status: 400, reason: 'invalid_content' });
  });

  it('gives a replay the same content hash (the inbox key)', () => {
    const a = v(notificationBody(content, SECRET));
    const b = v(notificationBody(content, SECRET));
    const c = v(notificationBody({ ...content, EventCreatedOn: '2026-11-21T10:00:01.000Z' }, SECRET));
    expect(a.ok && a.kind === 'notification' && a.contentHash).toBe(b.ok && b.kind === 'notification' && b.contentHash);
    expect(a.ok && a.kind === 'notification' && a.contentHash).not.toBe(c.ok && c.kind === 'notification' && c.contentHash);
  });
});

describe('webhook mode (callback address)', () => {
  const mode = (env: Record<string, string>) =>
    new WebhookSubscriptionService(loadConfig({ NODE_ENV: 'production', ...env }), null as never, null as never, null as never, new WebhookHandlers()).mode();
  const exact = { EXACT_BASE_URL: 'https://start.exactonline.nl', EXACT_CLIENT_ID: 'x', EXACT_CLIENT_SECRET: 'y', EXACT_WEBHOOK_SECRET: 'z' };

  it('is on for an https PUBLIC_BASE_URL', () => {
    expect(mode({ ...exact, PUBLIC_BASE_URL: 'https://koppel.example.nl/' })).toEqual({ enabled: true, callbackUrl: 'https://koppel.example.nl/webhooks/exact', loopback: false });
  });
  it('is off for http or a missing PUBLIC_BASE_URL against Exact Online', () => {
    expect(mode({ ...exact, PUBLIC_BASE_URL: 'http://koppel.example.nl' })).toMatchObject({ enabled: false, reason: 'not_https' });
    expect(mode({ ...exact })).toMatchObject({ enabled: false, reason: 'not_https' });
    expect(mode({ ...exact, PUBLIC_BASE_URL: 'http://127.0.0.1:3000' })).toMatchObject({ enabled: false });
  });
  it('allows http:// on loopback only against the sandbox', () => {
    expect(mode({})).toMatchObject({ enabled: true, loopback: true, callbackUrl: 'http://localhost:3000/webhooks/exact' });
    expect(mode({ EXACT_BASE_URL: 'http://127.0.0.1:3001', EXACT_CLIENT_ID: 'x', EXACT_CLIENT_SECRET: 'y', EXACT_WEBHOOK_SECRET: 'z', PUBLIC_BASE_URL: 'http://127.0.0.1:4000' })).toMatchObject({ enabled: true, loopback: true });
    expect(mode({ PUBLIC_BASE_URL: 'http://10.0.0.5:3000' })).toMatchObject({ enabled: false });
  });
});
