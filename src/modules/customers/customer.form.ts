import { z } from 'zod';
import { int, isValidPostcode, isValidVat, normaliseVat, optionalText, requiredText } from '../../common/validation.js';
import { COUNTRIES } from '../locations/location.form.js';

export { COUNTRIES };

const upper = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toUpperCase() : undefined);

export const CustomerForm = z
  .object({
    type: z.enum(['business', 'private'], { message: 'validation.invalid' }),
    /** Empty: Koppel assigns the next number. */
    number: z.preprocess(upper, z.string().max(18, 'validation.tooLong').regex(/^[A-Z0-9_-]+$/, 'validation.code').optional()),
    name: requiredText(200),
    contactPerson: optionalText(120),
    street: optionalText(120),
    houseNumber: optionalText(20),
    postcode: z.preprocess(upper, z.string().max(12, 'validation.tooLong').optional()),
    city: optionalText(80),
    country: z.enum(COUNTRIES, { message: 'validation.country' }),
    email: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined), z.email('validation.email').max(254, 'validation.tooLong').optional()),
    phone: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined), z.string().max(40, 'validation.tooLong').regex(/^[0-9+()\-. /]+$/, 'validation.invalid').optional()),
    vatNumber: optionalText(20).transform((v) => (v ? normaliseVat(v) : undefined)),
    cocNumber: z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v.replace(/[\s.]/g, '') : undefined), z.string().max(20, 'validation.tooLong').regex(/^[0-9A-Z]+$/i, 'validation.invalid').optional()),
    locationId: int({ message: 'validation.required' }),
  })
  .superRefine((v, ctx) => {
    // an address is optional, but a started one must be complete (street, postcode and city)
    const parts = { street: v.street, postcode: v.postcode, city: v.city };
    if (Object.values(parts).some(Boolean) || v.houseNumber) {
      for (const [k, val] of Object.entries(parts)) if (!val) ctx.addIssue({ code: 'custom', path: [k], message: 'validation.required' });
    }
    if (v.postcode && !isValidPostcode(v.postcode, v.country)) ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'validation.postcode' });
    if (v.vatNumber && !isValidVat(v.vatNumber, v.country)) ctx.addIssue({ code: 'custom', path: ['vatNumber'], message: 'validation.vat' });
  });

export type CustomerInput = z.infer<typeof CustomerForm>;
export const CUSTOMER_FIELDS = ['type', 'number', 'name', 'contactPerson', 'street', 'houseNumber', 'postcode', 'city', 'country', 'email', 'phone', 'vatNumber', 'cocNumber', 'locationId'] as const;
/** The fields whose change must reach Exact (a change bumps Customer.version). */
export const EXACT_FIELDS = ['name', 'street', 'houseNumber', 'postcode', 'city', 'country', 'email', 'phone', 'vatNumber', 'cocNumber'] as const;
