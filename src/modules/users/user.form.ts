import { z } from 'zod';
import { requiredText } from '../../common/validation.js';
import { ROLES, LANGUAGES } from './user.entity.js';

const email = z.preprocess(
  (v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''),
  z.string().min(1, 'validation.required').max(254, 'validation.tooLong').email('validation.email'),
);
const password = z.string().min(10, 'validation.passwordShort').max(200, 'validation.tooLong');

export const NewUserForm = z.object({
  email,
  name: requiredText(120),
  role: z.enum(ROLES, { message: 'validation.role' }),
  password,
});
export type NewUserInput = z.infer<typeof NewUserForm>;

export const SetupForm = z
  .object({ email, name: requiredText(120), password, passwordRepeat: z.string() })
  .refine((v) => v.password === v.passwordRepeat, { path: ['passwordRepeat'], message: 'validation.passwordMismatch' });

export const LoginForm = z.object({
  email: z.preprocess((v) => (typeof v === 'string' ? v.trim().toLowerCase() : ''), z.string().max(254)),
  password: z.string().max(200).default(''),
});

export const RoleForm = z.object({ role: z.enum(ROLES, { message: 'validation.role' }) });
export const LanguageForm = z.object({ language: z.enum(LANGUAGES) });

/** Settings → My password: the current one, and the new one twice. */
export const PasswordChangeForm = z
  .object({ current: z.string().min(1, 'validation.required').max(200, 'validation.tooLong'), password, passwordRepeat: z.string() })
  .refine((v) => v.password === v.passwordRepeat, { path: ['passwordRepeat'], message: 'validation.passwordMismatch' });
export type PasswordChangeInput = z.infer<typeof PasswordChangeForm>;
