import { z } from 'zod';
import { int, optionalText, requiredText } from '../../common/validation.js';

const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === '1' || v === true || (Array.isArray(v) && v.includes('on')), z.boolean());
const code = (max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' ? v.trim() : ''),
    z.string().min(1, 'validation.required').max(max, 'validation.tooLong').regex(/^[0-9A-Za-z._-]+$/, 'validation.code'),
  );

export const GlAccountForm = z.object({
  number: code(20),
  name: requiredText(200),
  description: optionalText(2000),
  analytic: checkbox,
});
export type GlAccountInput = z.infer<typeof GlAccountForm>;
export const GL_ACCOUNT_FIELDS = ['number', 'name', 'description', 'analytic'] as const;

export const CostDimensionForm = z.object({
  kind: z.enum(['center', 'unit'], { message: 'validation.invalid' }),
  code: code(8),
  description: requiredText(200),
});
export type CostDimensionInput = z.infer<typeof CostDimensionForm>;

export const LedgerSettingsForm = z.object({
  costDimensionsEnabled: checkbox,
  invoiceLinesCarryCostDimensions: checkbox,
  costUnitsFromResources: checkbox,
  resourceCostKind: z.preprocess((v) => (v === undefined || v === '' ? 'unit' : v), z.enum(['center', 'unit'], { message: 'validation.invalid' })),
});

export const DivisionParam = int();

export const ImportForm = z.object({
  division: DivisionParam,
  allTypes: checkbox.optional(),
});

export const LocationExactForm = z.object({
  exactDivision: z.preprocess((v) => (v === '' || v === undefined || v === null ? undefined : v), DivisionParam.optional()),
  salesJournalCode: optionalText(20),
  creditJournalCode: optionalText(20),
  confirm: checkbox.optional(),
});
export type LocationExactInput = z.infer<typeof LocationExactForm>;
