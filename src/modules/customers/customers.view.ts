import type { Location } from '../locations/location.entity.js';
import type { Customer, CustomerExactLink, CustomerSettings, ExportSummary } from './customer.entity.js';
import { CUSTOMER_FIELDS, COUNTRIES } from './customer.form.js';
import { snapshotDiff } from './customer.mapping.js';

/** A location as the customer screens show it (select options, send moments). */
export const locationOption = (l: Location) => ({ id: l.id, name: l.name, code: l.code, exactDivision: l.exactDivision, customerSendMoment: l.customerSendMoment });

/** A row of the customers list. */
export const customerRow = (c: Customer) => ({
  id: c.id,
  number: c.number,
  type: c.type,
  name: c.name,
  contactPerson: c.contactPerson,
  city: c.city,
  country: c.country,
  vatNumber: c.vatNumber,
  location: c.location ? { id: c.location.id, name: c.location.name } : undefined,
});

/** The customer's card on its detail page. */
export const customerView = (c: Customer) => ({
  ...customerRow(c),
  street: c.street,
  houseNumber: c.houseNumber,
  postcode: c.postcode,
  email: c.email,
  phone: c.phone,
  cocNumber: c.cocNumber,
  status: c.status,
});

/** The form's values of a stored customer. */
export const customerValues = (c: Customer): Record<string, unknown> =>
  Object.fromEntries(CUSTOMER_FIELDS.map((f) => [f, f === 'locationId' ? c.location?.id : c[f]]));

export const formModel = (locations: Location[], values: Record<string, unknown>, extra: Record<string, unknown>) => ({
  nav: 'customers',
  countries: COUNTRIES,
  locations: locations.map(locationOption),
  values,
  ...extra,
});

/** The Exact link of one division: its state, a link into Exact and, on a conflict, the fields side by side. */
export function linkView(l: CustomerExactLink, exactBaseUrl: string) {
  const base = exactBaseUrl.replace(/\/+$/, '');
  const diff = l.conflict ? snapshotDiff(l.conflict.koppel, l.conflict.exact) : [];
  return {
    division: l.division,
    exactId: l.exactId,
    code: l.exactCode,
    state: l.state,
    syncedAt: l.syncedAt,
    lastError: l.lastError,
    url: l.exactId ? `${base}/docs/CRMAccountCard.aspx?_Division_=${l.division}&AccountID=${encodeURIComponent(l.exactId)}` : undefined,
    conflict: l.conflict
      ? (['name', 'addressLine1', 'postcode', 'city', 'country'] as const).map((k) => ({ field: k, koppel: l.conflict!.koppel[k], exact: l.conflict!.exact[k], differs: diff.includes(k) }))
      : undefined,
  };
}

export const settingsView = (s: CustomerSettings) => ({ exactChanges: s.exactChanges, importNew: s.importNew });

/** What is known of an "Export customers" run: its state, its (running or final) summary, why it stopped. */
export interface CustomerExportProgress {
  id: number;
  status: 'queued' | 'running' | 'done' | 'failed';
  summary?: ExportSummary;
  error?: string;
}

/** The export page and its polling fragment (customers/export, fragments/customers/export-progress). */
export function customerExportView(p: CustomerExportProgress) {
  const running = p.status === 'queued' || p.status === 'running';
  const s = p.summary;
  const pct = s && s.total ? Math.round((100 * s.done) / s.total) : running ? 0 : 100;
  return { title: 'customers.export.title', nav: 'customers', run: { id: p.id, status: p.status, error: p.error }, summary: s, pct, running };
}
