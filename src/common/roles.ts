/** The roles a Koppel user can have (the users module stores them; guards and menus check them). */
export const ROLES = ['admin', 'accountant', 'planner'] as const;
export type Role = (typeof ROLES)[number];
