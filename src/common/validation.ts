import { z } from 'zod';
import { ValidationError, type FieldErrors } from './errors.js';

/**
 * Control characters (C0 except tab and line breaks, DEL, C1) have no place in anything a person types:
 * they break Exact's XML/JSON, PDFs and exports. Text fields refuse them with a clear message.
 */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
export const hasControlChars = (v: string): boolean => CONTROL.test(v);
const noControl = (s: z.ZodString) => s.refine((v) => !hasControlChars(v), 'validation.controlChars');

/** Trimmed text; empty becomes undefined so `.optional()` works for blank form fields. */
export const text = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), noControl(z.string().max(max, 'validation.tooLong')));
export const requiredText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v ?? ''),
    noControl(z.string().min(1, 'validation.required').max(max, 'validation.tooLong')),
  );
export const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
    noControl(z.string().max(max, 'validation.tooLong')).optional(),
  );

/** A real calendar date as YYYY-MM-DD, years 1900–9999 (0000-00-00, 2026-02-30 and 9999-99-99 are not dates). */
export function isIsoDate(v: unknown): v is string {
  if (typeof v !== 'string') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 1900 || mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}
export const isoDate = (message = 'validation.date') =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().refine(isIsoDate, message));

/** The largest value of a PostgreSQL integer column (ids, divisions, days). */
export const PG_INT_MAX = 2_147_483_647;

/**
 * A whole number typed as decimal digits within [min, max] (default: a positive PostgreSQL integer).
 * "Infinity", "1e3", "0x10", "12.0" and numbers beyond the column's range are refused, never passed on.
 */
export function toInt(v: unknown, min = 1, max = PG_INT_MAX): number | undefined {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!/^-?\d{1,10}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= min && n <= max ? n : undefined;
}
export const int = (opts: { min?: number; max?: number; message?: string } = {}) =>
  z.preprocess((v) => toInt(v, opts.min ?? 1, opts.max ?? PG_INT_MAX) ?? NaN, z.number({ message: opts.message ?? 'validation.invalid' }));
/** A record id from a form (positive integer); blank means "none". */
export const optionalId = (message = 'validation.invalid') =>
  z.preprocess((v) => (v === '' || v === undefined || v === null ? undefined : (toInt(v) ?? NaN)), z.number({ message }).optional());
/** A checkbox: ticked ('on', 'true', '1') or absent/unticked. */
export const checkbox = () => z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean());

const VAT_PATTERNS: Record<string, RegExp> = {
  NL: /^NL\d{9}B\d{2}$/,
  BE: /^BE[01]\d{9}$/,
  DE: /^DE\d{9}$/,
  FR: /^FR[0-9A-Z]{2}\d{9}$/,
  LU: /^LU\d{8}$/,
  GB: /^GB(\d{9}|\d{12}|GD\d{3}|HA\d{3})$/,
};
const POSTCODE_PATTERNS: Record<string, RegExp> = {
  NL: /^\d{4} ?[A-Z]{2}$/,
  BE: /^\d{4}$/,
  DE: /^\d{5}$/,
  LU: /^(L-)?\d{4}$/,
  FR: /^\d{5}$/,
};

/** Upper-case, without spaces and dots: "nl 8588.12.345 b01" → "NL858812345B01". */
export function normaliseVat(v: string): string {
  return v.toUpperCase().replace(/[\s.\-]/g, '');
}

/** Checks a VAT number's format for its country (generic EU shape for countries without a rule). */
export function isValidVat(vat: string, country?: string): boolean {
  const prefix = vat.slice(0, 2);
  if (country && prefix !== country && !(country === 'GR' && prefix === 'EL')) return false;
  const rule = VAT_PATTERNS[prefix];
  return rule ? rule.test(vat) : /^[A-Z]{2}[0-9A-Z]{2,13}$/.test(vat);
}

export function isValidPostcode(postcode: string, country: string): boolean {
  const rule = POSTCODE_PATTERNS[country];
  return rule ? rule.test(postcode.toUpperCase()) : postcode.length >= 2;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An Exact ID (GUID) as typed or posted; anything else never reaches a query. */
export function isGuid(v: unknown): v is string {
  return typeof v === 'string' && GUID.test(v);
}

/** Parses a form body with a zod schema; throws ValidationError with i18n keys per field. */
export function parseForm<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new ValidationError(toFieldErrors(result.error));
}

export function toFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    // our schemas use i18n keys as messages ("validation.required", "invoices.validation.number"); zod's own are sentences
    const key = /^[a-z][\w]*(\.[\w]+)+$/.test(issue.message) ? issue.message : 'validation.invalid';
    (out[field] ??= []).push(key);
  }
  return out;
}

/** Inline validation of one field: the first error key `validate` reports for it, if any. */
export async function firstFieldError(validate: () => Promise<unknown>, field: string): Promise<string | undefined> {
  try {
    await validate();
    return undefined;
  } catch (e) {
    if (e instanceof ValidationError) return e.fieldErrors[field]?.[0];
    throw e;
  }
}
