import type { NextFunction, Request, Response } from 'express';

/** Largest notification body accepted (Exact's are ~400 bytes). */
export const WEBHOOK_BODY_LIMIT = 64 * 1024;

export interface WebhookRawRequest extends Request {
  /** The body bytes exactly as received (undefined when there was none). */
  rawBody?: Buffer;
  /** Set when the body was larger than WEBHOOK_BODY_LIMIT (it is not read further). */
  rawBodyTooLarge?: boolean;
}

/**
 * Body reader for the webhook receiver, mounted in bootstrap BEFORE the JSON parser on /webhooks/exact
 * only: it keeps the raw bytes (the HMAC covers the Content text exactly as sent) whatever the
 * Content-Type, and stops at 64 KB. It marks the body as read so the global parsers leave it alone;
 * every other route keeps its parsers unchanged.
 */
export function webhookRawBody(limit = WEBHOOK_BODY_LIMIT) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const r = req as WebhookRawRequest & { _body?: boolean };
    if (req.method !== 'POST') return next();
    r._body = true; // body-parser: "already parsed"
    const declared = Number(req.headers['content-length'] ?? NaN);
    if (declared > limit) {
      r.rawBodyTooLarge = true;
      res.setHeader('Connection', 'close');
      return next();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err?: Error) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      if (err) return next(err);
      if (!r.rawBodyTooLarge) r.rawBody = size ? Buffer.concat(chunks, size) : undefined;
      next();
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        r.rawBodyTooLarge = true;
        chunks.length = 0;
        res.setHeader('Connection', 'close');
        req.pause();
        finish();
        return;
      }
      chunks.push(c);
    };
    const onEnd = () => finish();
    const onError = (e: Error) => finish(e);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  };
}
