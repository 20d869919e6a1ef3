import { z } from 'zod';
import { ValidationError, type FieldErrors } from './errors.js';

/** Trimmed text; empty becomes undefined so `.optional()` works for blank form fields. */
export const text = (max: number) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().max(max, 'validation.tooLong'));
export const requiredText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : v ?? ''),
    z.string().min(1, 'validation.required').max(max, 'validation.tooLong'),
  );
export const optionalText = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined),
    z.string().max(max, 'validation.tooLong').optional(),
  );

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
