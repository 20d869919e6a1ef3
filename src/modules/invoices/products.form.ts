import { z } from 'zod';
import { optionalId as optionalIdField, requiredText } from '../../common/validation.js';

const optionalId = optionalIdField();
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean());
const optionalPrice = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().replace(',', '.') : undefined),
  z.string().regex(/^-?\d{1,10}(\.\d{1,4})?$/, 'validation.invalid').optional(),
);

export const ProductForm = z.object({
  code: z.preprocess((v) => (typeof v === 'string' ? v.trim() : v ?? ''), z.string().min(1, 'validation.required').max(30, 'validation.tooLong').regex(/^[A-Za-z0-9._\-]+$/, 'validation.code')),
  name: requiredText(200),
  unitPrice: optionalPrice,
  vatRateId: optionalId,
  groupId: optionalId,
  glAccountId: optionalId,
  costCenterId: optionalId,
  costUnitId: optionalId,
  active: checkbox,
});
export type ProductInput = z.infer<typeof ProductForm>;

export const ProductGroupForm = z.object({
  name: requiredText(80),
  glAccountId: optionalId,
  costCenterId: optionalId,
  costUnitId: optionalId,
});
export type ProductGroupInput = z.infer<typeof ProductGroupForm>;

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

