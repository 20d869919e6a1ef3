import type { User } from './user.entity.js';

/** A row of Settings → Users; `self` marks the logged-in administrator (who cannot lock themselves out). */
export const userRow = (u: User, selfId?: number) => ({ id: u.id, email: u.email, name: u.name, role: u.role, disabled: u.disabled, lastLoginAt: u.lastLoginAt, self: u.id === selfId });
