import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { RejectionReason, WebhookAction } from './webhooks.types.js';

/** The fields of a notification's Content (API.md §6.3). */
export interface NotificationContent {
  Topic: string;
  ClientId: string | null;
  Division: number;
  Action: WebhookAction;
  Key: string;
  ExactOnlineEndpoint: string | null;
  EventCreatedOn: string | null;
}

export type VerifyResult =
  | { ok: true; kind: 'validation' }
  | { ok: true; kind: 'notification'; content: NotificationContent; contentText: string; contentHash: string }
  | { ok: false; status: 400 | 401; reason: RejectionReason; detail: string };

// The whole body: {"Content":<object>,"HashCode":"<hex>"} — picqer's regex, anchored on both ends.
const ENVELOPE = /^\{"Content":(\{[\s\S]*\}),"HashCode":"([^"]*)"\}$/;
const HEX64 = /^[0-9A-F]{64}$/;

/** UPPERCASE hex HMAC-SHA256 of the Content text with the app's webhook secret (API.md §6.4). */
export function signContent(contentText: string, secret: string): string {
  return createHmac('sha256', secret).update(contentText, 'utf8').digest('hex').toUpperCase();
}

/** The body Exact sends: compact Content text, then its signature. */
export function notificationBody(content: Record<string, unknown>, secret: string): string {
  const text = JSON.stringify(content);
  return `{"Content":${text},"HashCode":"${signContent(text, secret)}"}`;
}

/**
 * Verifies one call to the callback: an empty body is Exact's validation POST; anything else must be
 * the exact envelope with a valid UPPERCASE HMAC over the raw Content bytes (compared in constant time).
 * Nothing is re-serialised: the signature covers the text as received.
 */
export function verifyNotification(raw: Buffer | undefined, secret: string): VerifyResult {
  if (!raw || raw.length === 0) return { ok: true, kind: 'validation' };
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, reason: 'malformed', detail: 'body is not JSON' };
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, status: 400, reason: 'malformed', detail: 'body is not a JSON object' };
  const obj = parsed as Record<string, unknown>;
  if (typeof obj.HashCode !== 'string' || obj.HashCode === '') return { ok: false, status: 401, reason: 'missing_signature', detail: 'no HashCode' };
  const m = ENVELOPE.exec(text);
  if (!m || typeof obj.Content !== 'object' || obj.Content === null) {
    return { ok: false, status: 401, reason: 'bad_signature', detail: 'body is not {"Content":…,"HashCode":"…"}' };
  }
  const [, contentText, given] = m;
  if (!HEX64.test(given)) return { ok: false, status: 401, reason: 'bad_signature', detail: 'HashCode is not 64 uppercase hex characters' };
  const expected = Buffer.from(signContent(contentText, secret), 'ascii');
  if (!timingSafeEqual(expected, Buffer.from(given, 'ascii'))) return { ok: false, status: 401, reason: 'bad_signature', detail: 'HashCode does not match' };

  // Signed by Exact: now the content must make sense.
  let content: Record<string, unknown>;
  try {
    content = JSON.parse(contentText) as Record<string, unknown>;
  } catch {
    return { ok: false, status: 400, reason: 'invalid_content', detail: 'Content is not JSON' };
  }
  const division = typeof content.Division === 'string' ? Number(content.Division) : content.Division;
  const str = (v: unknown, max: number) => typeof v === 'string' && v.length > 0 && v.length <= max;
  if (!str(content.Topic, 60) || !Number.isInteger(division) || (division as number) <= 0 || !str(content.Key, 100) || (content.Action !== 'Update' && content.Action !== 'Delete')) {
    return { ok: false, status: 400, reason: 'invalid_content', detail: 'Content needs Topic, Division, Key and Action Update|Delete' };
  }
  const opt = (v: unknown, max: number) => (typeof v === 'string' ? v.slice(0, max) : null);
  return {
    ok: true,
    kind: 'notification',
    contentText,
    contentHash: createHash('sha256').update(contentText, 'utf8').digest('hex'),
    content: {
      Topic: content.Topic as string,
      ClientId: opt(content.ClientId, 64),
      Division: division as number,
      Action: content.Action,
      Key: content.Key as string,
      ExactOnlineEndpoint: opt(content.ExactOnlineEndpoint, 2000),
      EventCreatedOn: opt(content.EventCreatedOn, 40),
    },
  };
}
