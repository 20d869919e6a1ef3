import { z } from 'zod';
import { requiredText } from '../../common/validation.js';
import { ROLES } from './user.entity.js';
import { emailField as email, passwordField as password } from '../auth/auth.form.js';

export const NewUserForm = z.object({
  email,
  name: requiredText(120),
  role: z.enum(ROLES, { message: 'validation.role' }),
  password,
});
export type NewUserInput = z.infer<typeof NewUserForm>;

export const RoleForm = z.object({ role: z.enum(ROLES, { message: 'validation.role' }) });

/** Settings → My password: the current one, and the new one twice. */
export const PasswordChangeForm = z
  .object({ current: z.string().min(1, 'validation.required').max(200, 'validation.tooLong'), password, passwordRepeat: z.string() })
  .refine((v) => v.password === v.passwordRepeat, { path: ['passwordRepeat'], message: 'validation.passwordMismatch' });
export type PasswordChangeInput = z.infer<typeof PasswordChangeForm>;
