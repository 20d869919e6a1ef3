import { z } from 'zod';
import { checkbox as checkboxField, optionalId as optionalIdField, requiredText } from '../../common/validation.js';

const optionalId = optionalIdField();
const checkbox = checkboxField();
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
