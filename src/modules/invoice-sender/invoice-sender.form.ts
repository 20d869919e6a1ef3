import { z } from 'zod';
import { COUNTRIES } from '../locations/location.form.js';
import { isValidPostcode, isValidVat, normaliseVat, optionalText } from '../../common/validation.js';

export const LOGO_MAX_BYTES = 512 * 1024;
/** What an upload may be at most before it is refused outright (the form then says "too large"). */
export const UPLOAD_LIMIT_BYTES = 4 * 1024 * 1024;
export const SENDER_FIELDS = ['legalName', 'street', 'houseNumber', 'postcode', 'city', 'country', 'kvkNumber', 'vatNumber', 'phone', 'email', 'website'] as const;

const upper = (max: number) => optionalText(max).transform((v) => v?.toUpperCase());

/** The sender form: every field optional (a location's blank field uses the company default). */
export const InvoiceSenderForm = z
  .object({
    legalName: optionalText(160),
    street: optionalText(120),
    houseNumber: optionalText(20),
    postcode: upper(12),
    city: optionalText(80),
    country: z.preprocess((v) => (v === '' ? undefined : v), z.enum(COUNTRIES, { message: 'validation.country' }).optional()),
    kvkNumber: optionalText(20).transform((v) => v?.replace(/[\s.]/g, '')),
    vatNumber: optionalText(20).transform((v) => (v ? normaliseVat(v) : undefined)),
    phone: optionalText(30),
    email: optionalText(254),
    website: optionalText(200),
    removeLogo: z.preprocess((v) => v === 'on' || v === '1' || v === 'true', z.boolean()),
  })
  .superRefine((v, ctx) => {
    const address = [v.street, v.houseNumber, v.postcode, v.city];
    if (address.some(Boolean)) {
      // an address is printed as a whole: a started one must be complete
      (['street', 'houseNumber', 'postcode', 'city'] as const).forEach((f) => {
        if (!v[f]) ctx.addIssue({ code: 'custom', path: [f], message: 'validation.required' });
      });
      if (!v.country) ctx.addIssue({ code: 'custom', path: ['country'], message: 'validation.required' });
    }
    if (v.postcode && v.country && !isValidPostcode(v.postcode, v.country)) ctx.addIssue({ code: 'custom', path: ['postcode'], message: 'validation.postcode' });
    if (v.kvkNumber && !/^\d{8}$/.test(v.kvkNumber)) ctx.addIssue({ code: 'custom', path: ['kvkNumber'], message: 'sender.errors.kvk' });
    if (v.vatNumber && !isValidVat(v.vatNumber, v.country)) ctx.addIssue({ code: 'custom', path: ['vatNumber'], message: 'validation.vat' });
    if (v.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v.email)) ctx.addIssue({ code: 'custom', path: ['email'], message: 'validation.email' });
    if (v.website && !/^(https?:\/\/)?[a-z0-9-]+(\.[a-z0-9-]+)+(\/\S*)?$/i.test(v.website)) ctx.addIssue({ code: 'custom', path: ['website'], message: 'sender.errors.website' });
    if (v.phone && !/^\+?[0-9 ()-]{6,30}$/.test(v.phone)) ctx.addIssue({ code: 'custom', path: ['phone'], message: 'sender.errors.phone' });
  });

export type InvoiceSenderInput = z.infer<typeof InvoiceSenderForm>;

/** An uploaded file as the upload parser hands it over. */
export interface UploadedLogo {
  buffer: Buffer;
  size: number;
  mimetype: string;
  originalname: string;
}

/**
 * The logo's type from its first bytes (never from the name or the browser's claim): PNG or JPEG only —
 * SVG can carry scripts and links, so it is refused. Returns an i18n error key when the file is not acceptable.
 */
export function checkLogo(file: UploadedLogo | undefined, uploadError?: string): { type?: 'image/png' | 'image/jpeg'; error?: string } {
  if (uploadError === 'LIMIT_FILE_SIZE') return { error: 'sender.errors.logoSize' };
  if (uploadError) return { error: 'sender.errors.logoType' };
  if (!file || file.size === 0) return {};
  if (file.size > LOGO_MAX_BYTES) return { error: 'sender.errors.logoSize' };
  const b = file.buffer;
  if (b.length > 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return { type: 'image/png' };
  if (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return { type: 'image/jpeg' };
  return { error: 'sender.errors.logoType' };
}
