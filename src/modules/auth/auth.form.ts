import { z } from 'zod';
import { requiredText } from '../../common/validation.js';
import { SUPPORTED_LANGUAGES } from '../../common/i18n/i18n.js';

/** An e-mail address as a login name (trimmed, lower case); the users module's forms use it too. */
export const emailField = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''),
  z.string().min(1, 'validation.required').max(254, 'validation.tooLong').email('validation.email'),
);
/** A new password. */
export const passwordField = z.string().min(10, 'validation.passwordShort').max(200, 'validation.tooLong');

export const SetupForm = z
  .object({ email: emailField, name: requiredText(120), password: passwordField, passwordRepeat: z.string() })
  .refine((v) => v.password === v.passwordRepeat, { path: ['passwordRepeat'], message: 'validation.passwordMismatch' });

export const LoginForm = z.object({
  email: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''), z.string().max(254)),
  password: z.string().max(200).default(''),
});

export const LanguageForm = z.object({ language: z.enum(SUPPORTED_LANGUAGES) });
