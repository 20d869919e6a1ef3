import type { Role } from './roles.js';

export interface NavItem {
  /** matches the `nav` a page passes to the layout, and the i18n key nav.<key> */
  key: string;
  href: string;
  /** who may open the page the item leads to (the @Roles of its GET route); admins see everything */
  roles: readonly Role[];
}

const ALL: readonly Role[] = ['admin', 'accountant', 'planner'];
const FINANCE: readonly Role[] = ['admin', 'accountant'];

/**
 * The main navigation, per role: an item is shown only to a role that may use what it leads to, so nobody
 * meets a "no access" page from the menu. Keep `roles` equal to the @Roles of the target's GET route
 * (test/e2e/navigation.e2e-spec.ts opens every item as every role).
 */
export const MAIN_NAV: readonly NavItem[] = [
  { key: 'dashboard', href: '/', roles: ALL },
  { key: 'customers', href: '/customers', roles: FINANCE },
  { key: 'invoices', href: '/invoices', roles: FINANCE },
  { key: 'accounting', href: '/accounting', roles: FINANCE },
  { key: 'planning', href: '/planning', roles: ALL },
  { key: 'time', href: '/time', roles: ALL },
  { key: 'sync', href: '/sync', roles: ALL },
  { key: 'settings', href: '/settings', roles: FINANCE },
];

/** The settings sub-navigation, per role. */
export const SETTINGS_NAV: readonly NavItem[] = [
  { key: 'locations', href: '/settings/locations', roles: FINANCE },
  { key: 'users', href: '/settings/users', roles: ['admin'] },
  { key: 'integrations', href: '/settings/integrations', roles: ['admin'] },
  { key: 'invoiceSender', href: '/settings/invoice-sender', roles: ['admin'] },
];

const PLANNERS: readonly Role[] = ['admin', 'accountant', 'planner'];

/** The Planning sub-navigation (tabs on the planning pages): planners and admins plan, accountants may look. */
export const PLANNING_NAV: readonly NavItem[] = [
  { key: 'planningBoard', href: '/planning/board', roles: PLANNERS },
  { key: 'planningCards', href: '/planning/cards', roles: PLANNERS },
  { key: 'planningResources', href: '/planning/resources', roles: PLANNERS },
  { key: 'planningItems', href: '/planning/items', roles: PLANNERS },
];

export function navFor(items: readonly NavItem[], role: Role | undefined): NavItem[] {
  if (!role) return [];
  return items.filter((i) => role === 'admin' || i.roles.includes(role));
}
