import { z } from 'zod';
import { Decimal } from 'decimal.js';
import { isoDate, optionalId, optionalText, requiredText, int } from '../../common/validation.js';
import { PAYMENT_METHODS, TRANSACTION_DIRECTIONS, TRANSACTION_STATES } from './transaction.entity.js';

/** An amount as typed: "12,50" or "12.50", more than zero, at most two decimals, below a billion. */
const amount = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().replace(/\s/g, '').replace(',', '.') : v),
  z
    .string()
    .min(1, 'validation.required')
    .refine((v) => /^\d{1,9}(\.\d{1,2})?$/.test(v), 'transactions.validation.amount')
    .refine((v) => !/^\d{1,9}(\.\d{1,2})?$/.test(v) || new Decimal(v).gt(0), 'transactions.validation.amountPositive'),
);

/** The "New transaction" form. */
export const TransactionForm = z.object({
  locationId: int({ message: 'transactions.validation.location' }),
  typeId: int({ message: 'transactions.validation.type' }),
  date: isoDate(),
  amount,
  /** cash / other; left empty: the type's own (a cash type is paid in cash, another by other means). */
  method: z.preprocess((v) => (v === '' || v === null ? undefined : v), z.enum(PAYMENT_METHODS as [string, ...string[]], { message: 'transactions.validation.method' }).optional()),
  customerId: optionalId(),
  invoiceId: optionalId(),
  description: optionalText(200),
});
export type TransactionInput = z.infer<typeof TransactionForm>;

/** A transaction type. */
export const TransactionTypeForm = z.object({
  name: requiredText(80),
  glAccountId: optionalId(),
  cash: z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean()),
  direction: z.enum(TRANSACTION_DIRECTIONS as [string, ...string[]], { message: 'validation.invalid' }),
  active: z.preprocess((v) => v === 'on' || v === 'true' || v === true || v === '1', z.boolean()),
});
export type TransactionTypeInput = z.infer<typeof TransactionTypeForm>;

const journalCode = optionalText(20).refine((v) => v === undefined || /^[\w.-]+$/.test(v), 'transactions.validation.journal');

/** The settings of one location (journals, description, debtors GL); the GL per type comes as glType[<typeId>]. */
export const LocationSettingsForm = z.object({
  cashJournalCode: journalCode,
  miscJournalCode: journalCode,
  descriptionTemplate: optionalText(200),
  debtorsGlAccountId: optionalId(),
});
export type LocationSettingsInput = z.infer<typeof LocationSettingsForm>;

/** Filters of the transactions report. */
export const ReportFilterForm = z.object({
  locationId: optionalId().catch(undefined),
  typeId: optionalId().catch(undefined),
  dateFrom: isoDate().optional().catch(undefined),
  dateTo: isoDate().optional().catch(undefined),
  state: z.enum(TRANSACTION_STATES as [string, ...string[]]).optional().catch(undefined),
  customerId: optionalId().catch(undefined),
  invoiceId: optionalId().catch(undefined),
});
export type ReportFilter = z.infer<typeof ReportFilterForm>;
