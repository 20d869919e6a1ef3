import { z } from 'zod';
import { int, isoDate as isoDateField, optionalId as optionalIdField, optionalText, requiredText } from '../../common/validation.js';

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
