import { z } from 'zod';
import { checkbox as checkboxField, int, isoDate as isoDateField, optionalId as optionalIdField, optionalText, requiredText, toFieldErrors } from '../../common/validation.js';
import { ValidationError, type FieldErrors } from '../../common/errors.js';

const decimal = (msg = 'validation.invalid') =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim().replace(',', '.') : v), z.string().regex(/^-?\d{1,10}(\.\d{1,4})?$/, msg));
const isoDate = isoDateField();
const optionalId = optionalIdField();

export const InvoiceLineForm = z.object({
  description: requiredText(500),
  quantity: decimal(),
  unitPrice: decimal(),
  discountPercent: z.preprocess((v) => (v === '' || v === undefined ? '0' : v), decimal()).refine((v) => Number(v) >= 0 && Number(v) <= 100, 'validation.invalid'),
  vatRateId: int({ message: 'validation.required' }),
  productId: optionalId,
  glAccountId: optionalId,
  costCenterId: optionalId,
  costUnitId: optionalId,
});

export const InvoiceForm = z.object({
  locationId: int({ message: 'validation.required' }),
  customerId: int({ message: 'validation.required' }),
  number: z.preprocess((v) => (v === '' || v === undefined ? undefined : String(v).trim()), z.string().regex(/^\d{1,15}$/, 'invoices.validation.number').optional()),
  invoiceDate: isoDate,
  // an empty date field means "not given" (the location's payment term decides)
  dueDate: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), isoDate.optional()),
  reference: optionalText(100),
  language: z.enum(['nl', 'en']).default('nl'),
  lines: z.array(InvoiceLineForm).min(1, 'invoices.validation.noLines'),
});

export type InvoiceInput = z.infer<typeof InvoiceForm>;
export type InvoiceLineInput = z.infer<typeof InvoiceLineForm>;

/** Form bodies carry lines as flat keys "lines[0][description]"; this turns them into an array. */
export function linesFromBody(body: Record<string, unknown>): Record<string, unknown>[] {
  if (Array.isArray(body.lines)) return body.lines as Record<string, unknown>[];
  const rows = new Map<number, Record<string, unknown>>();
  for (const [key, value] of Object.entries(body)) {
    const m = /^lines\[(\d+)\]\[(\w+)\]$/.exec(key);
    if (!m) continue;
    const i = Number(m[1]);
    if (!rows.has(i)) rows.set(i, {});
    rows.get(i)![m[2]] = value;
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, r]) => r)
    .filter((r) => Object.values(r).some((v) => v !== '' && v !== undefined));
}

export const LINE_FIELDS = ['description', 'quantity', 'unitPrice', 'discountPercent', 'vatRateId', 'productId', 'glAccountId', 'costCenterId', 'costUnitId'] as const;
/** A line row of the form as typed (strings), with its position and its own field errors. */
export type LineValues = Partial<Record<(typeof LINE_FIELDS)[number], string>> & { index: number; errors?: FieldErrors };

const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));
/** A line row nobody typed in (the VAT select alone does not make a line). */
const isBlankLine = (r: Record<string, unknown>) => ['description', 'quantity', 'unitPrice', 'productId'].every((k) => str(r[k]).trim() === '');

/** The form's lines as typed, in order; blank rows dropped and renumbered 0..n-1. */
export function typedLines(body: Record<string, unknown>): LineValues[] {
  return linesFromBody(body)
    .filter((r) => !isBlankLine(r))
    .map((r, index) => {
      const line: LineValues = { index };
      for (const f of LINE_FIELDS) line[f] = str(r[f]);
      return line;
    });
}

/** The body with blank line rows removed and the rest renumbered, as InvoicesService.parse expects it. */
export function cleanBody(body: Record<string, unknown>, lines: LineValues[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!k.startsWith('lines[')) out[k] = v;
  for (const l of lines) for (const f of LINE_FIELDS) out[`lines[${l.index}][${f}]`] = l[f] ?? '';
  return out;
}

/** Field errors per line (the service reports lines as a whole). */
export function lineErrors(lines: LineValues[]): void {
  for (const l of lines) {
    const r = InvoiceLineForm.safeParse(l);
    if (!r.success) l.errors = toFieldErrors(r.error);
  }
}

/**
 * The row a product was chosen on: `lineIndex` (hx-vals of the row's product select); without it (an older page), the only
 * row in the body. Never "the first row of the body": htmx posts the whole form, so that would be line 1 for every row.
 */
export function lineIndexOf(body: Record<string, unknown>): number {
  const given = str(body.lineIndex).trim();
  if (/^\d{1,4}$/.test(given)) return Number(given);
  const rows = new Set(Object.keys(body).map((k) => /^lines\[(\d+)\]\[/.exec(k)?.[1]).filter((x): x is string => !!x));
  if (rows.size === 1) return Number([...rows][0]);
  throw new ValidationError({ lineIndex: ['validation.invalid'] });
}

/** The one row a product was chosen on, as typed. */
export function typedLine(body: Record<string, unknown>): LineValues {
  const index = lineIndexOf(body);
  const line: LineValues = { index };
  for (const f of LINE_FIELDS) line[f] = str(body[`lines[${index}][${f}]`]);
  return line;
}

const checkbox = checkboxField();

/** "NL91 ABNA 0417 1643 00" → "NL91ABNA0417164300"; checked with the ISO 13616 mod-97 rule. */
export function normaliseIban(v: string): string {
  return v.toUpperCase().replace(/\s+/g, '');
}
export function isValidIban(iban: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  const digits = moved.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const ch of digits) rest = (rest * 10 + Number(ch)) % 97;
  return rest === 1;
}

export const LocationInvoicingForm = z.object({
  glAccountId: optionalId,
  costCenterId: optionalId,
  costUnitId: optionalId,
  exportMode: z.enum(['manual', 'automatic'], { message: 'validation.invalid' }),
  includePdf: checkbox,
  paymentTermDays: z.coerce.number({ message: 'validation.invalid' }).int('validation.invalid').min(0, 'validation.invalid').max(365, 'validation.invalid'),
  nextNumber: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v), z.string().regex(/^[1-9]\d{0,14}$/, 'invoices.validation.number')),
  iban: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() !== '' ? normaliseIban(v) : undefined),
    z.string().refine(isValidIban, 'invoices.validation.iban').optional(),
  ),
});
export type LocationInvoicingInput = z.infer<typeof LocationInvoicingForm>;

