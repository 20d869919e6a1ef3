import { z } from 'zod';
import { isValidPostcode, isValidVat, normaliseVat, optionalText, requiredText } from '../../common/validation.js';

export const COUNTRIES = ['NL', 'BE', 'DE', 'LU', 'FR', 'GB'] as const;

export const LocationForm = z
  .object({
    name: requiredText(120),
    code: z.preprocess(
      (v) => (typeof v === 'string' ? v.trim().toUpperCase() : ''),
      z.string().min(1, 'validation.required').max(20, 'validation.tooLong').regex(/^[A-Z0-9_-]+$/, 'validation.code'),
    ),
    street: requiredText(120),
    houseNumber: requiredText(20),
    postcode: z.preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : ''), z.string().min(1, 'validation.required').max(12, 'validation.tooLong')),
    city: requiredText(80),
    country: z.enum(COUNTRIES, { message: 'validation.country' }),
    vatNumber: optionalText(20).transform((v) => (v ? normaliseVat(v) : undefined)),
  })
  .superRefine((v, ctx) => {
    if (v.postcode && !isValidPostcode(v.postcode, v.country)) ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'validation.postcode' });
    if (v.vatNumber && !isValidVat(v.vatNumber, v.country)) ctx.addIssue({ code: 'custom', path: ['vatNumber'], message: 'validation.vat' });
  });

export type LocationInput = z.infer<typeof LocationForm>;
export const LOCATION_FIELDS = ['name', 'code', 'street', 'houseNumber', 'postcode', 'city', 'country', 'vatNumber'] as const;
