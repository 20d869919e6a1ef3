import multer from 'multer';
import type { NextFunction, Request, Response } from 'express';
import { UPLOAD_LIMIT_BYTES, type UploadedLogo } from './invoice-sender.form.js';

/** Where the sender forms post (multipart, with the logo). */
export const SENDER_UPLOAD_PATH = '/settings/invoice-sender';

const parser = multer({ storage: multer.memoryStorage(), limits: { fileSize: UPLOAD_LIMIT_BYTES, files: 1, fields: 30, fieldSize: 4096, parts: 32 } }).single('logo');

/**
 * Parses the multipart sender forms BEFORE the CSRF check (which reads `_csrf` from the body; put it first in the
 * form). The file stays in memory (a few MB at most) and is checked by its bytes in the service. A file beyond the
 * limit is not an error page: the form is shown again saying so (`req.uploadError`).
 */
export function senderUpload(req: Request, res: Response, next: NextFunction): void {
  if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
  parser(req, res, (err?: unknown) => {
    if (err) (req as Request & { uploadError?: string }).uploadError = (err as { code?: string }).code ?? 'UPLOAD';
    next();
  });
}

export const uploadedLogo = (req: Request): { file?: UploadedLogo; error?: string } => {
  const r = req as Request & { file?: UploadedLogo; uploadError?: string };
  return { file: r.file, error: r.uploadError };
};
