import type { Request } from 'express';

export type FlashKind = 'success' | 'info' | 'warning' | 'error';
export interface FlashMessage {
  kind: FlashKind;
  /** i18n key and its parameters, translated when shown. */
  key: string;
  params?: Record<string, unknown>;
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    lang?: string;
    flash?: FlashMessage[];
    initialised?: boolean;
    /** When the user logged in (ms since epoch): the session's absolute lifetime counts from here. */
    createdAt?: number;
  }
}

/** Adds a message shown once on the next page. */
export function flash(req: Request, kind: FlashKind, key: string, params?: Record<string, unknown>): void {
  if (!req.session) return;
  (req.session.flash ??= []).push({ kind, key, params });
}

export function takeFlash(req: Request): FlashMessage[] {
  const messages = req.session?.flash ?? [];
  if (req.session && messages.length) req.session.flash = [];
  return messages;
}
