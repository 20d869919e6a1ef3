import type { ExactAccount } from '../../exact/exact.types.js';
import { isValidVat, normaliseVat } from '../../common/validation.js';
import type { AccountSnapshot, Customer, CustomerType } from './customer.entity.js';

/** The account fields Koppel reads from Exact (every read uses this $select). */
export const ACCOUNT_SELECT = [
  'ID', 'Code', 'Name', 'AddressLine1', 'Postcode', 'City', 'Country', 'Email', 'Phone', 'VATNumber', 'ChamberOfCommerce', 'Status', 'IsSales', 'Blocked',
] as const;

export type CustomerData = Pick<Customer, 'name' | 'street' | 'houseNumber' | 'postcode' | 'city' | 'country' | 'email' | 'phone' | 'vatNumber' | 'cocNumber'>;

const clean = (v: string | null | undefined) => (v ?? '').replace(/\s+/g, ' ').trim();

/** "Kerkstraat 12a" → street "Kerkstraat", house number "12a" (the last part that starts with a digit). */
export function splitAddressLine(line: string | null | undefined): { street: string | null; houseNumber: string | null } {
  const s = clean(line);
  if (!s) return { street: null, houseNumber: null };
  const m = /^(.*\D)\s+(\d[\w\-/ ]{0,19})$/.exec(s);
  return m ? { street: m[1].trim(), houseNumber: m[2].trim() } : { street: s, houseNumber: null };
}

export function addressLine(c: Pick<Customer, 'street' | 'houseNumber'>): string {
  return [clean(c.street), clean(c.houseNumber)].filter(Boolean).join(' ');
}

/** A customer has an address when street, postcode and city are filled (Exact needs it for invoices). */
export function hasAddress(c: Pick<Customer, 'street' | 'postcode' | 'city'>): boolean {
  return !!(clean(c.street) && clean(c.postcode) && clean(c.city));
}

export function snapshotOfCustomer(c: Customer | CustomerData): AccountSnapshot {
  return { name: clean(c.name), addressLine1: addressLine(c), postcode: clean(c.postcode), city: clean(c.city), country: clean(c.country).toUpperCase() };
}

export function snapshotOfAccount(a: ExactAccount): AccountSnapshot {
  return { name: clean(a.Name), addressLine1: clean(a.AddressLine1), postcode: clean(a.Postcode), city: clean(a.City), country: clean(a.Country).toUpperCase() };
}

const norm = {
  name: (v: string) => v.toLowerCase(),
  addressLine1: (v: string) => v.toLowerCase(),
  postcode: (v: string) => v.replace(/\s/g, '').toUpperCase(),
  city: (v: string) => v.toLowerCase(),
  country: (v: string) => v.toUpperCase(),
};

/** The fields (name / address parts) that differ, compared the way a person would (case, spacing). */
export function snapshotDiff(a: AccountSnapshot, b: AccountSnapshot): (keyof AccountSnapshot)[] {
  return (Object.keys(norm) as (keyof AccountSnapshot)[]).filter((k) => norm[k](a[k] ?? '') !== norm[k](b[k] ?? ''));
}

export const sameSnapshot = (a: AccountSnapshot, b: AccountSnapshot) => snapshotDiff(a, b).length === 0;

/** What Koppel sends for a customer (name, address, e-mail, phone, VAT number, CoC; Code only on create). */
export function toExactAccount(c: Customer): Partial<ExactAccount> & Record<string, unknown> {
  return {
    Name: clean(c.name),
    AddressLine1: addressLine(c) || null,
    Postcode: clean(c.postcode) || null,
    City: clean(c.city) || null,
    Country: clean(c.country).toUpperCase() || null,
    Email: clean(c.email) || null,
    Phone: clean(c.phone) || null,
    VATNumber: clean(c.vatNumber) || null,
    ChamberOfCommerce: clean(c.cocNumber) || null,
  };
}

/** Only the fields whose values differ (a PUT sends only changed fields, API.md §3.2). */
export function changedFields(want: Record<string, unknown>, have: ExactAccount): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(want)) {
    const cur = (have as unknown as Record<string, unknown>)[k];
    const a = typeof v === 'string' ? v.trim() : (v ?? '');
    const b = typeof cur === 'string' ? cur.trim() : (cur ?? '');
    if (String(a) !== String(b)) out[k] = v;
  }
  return out;
}

/** Koppel's customer data from an Exact account (import, inbound changes). */
export function customerDataFromAccount(a: ExactAccount): CustomerData {
  const { street, houseNumber } = splitAddressLine(a.AddressLine1);
  const vat = a.VATNumber ? normaliseVat(a.VATNumber) : null;
  return {
    name: clean(a.Name).slice(0, 200),
    street: street?.slice(0, 120) ?? null,
    houseNumber: houseNumber?.slice(0, 20) ?? null,
    postcode: clean(a.Postcode).toUpperCase().slice(0, 12) || null,
    city: clean(a.City).slice(0, 80) || null,
    country: (clean(a.Country).toUpperCase() || 'NL').slice(0, 2),
    email: clean(a.Email).slice(0, 254) || null,
    phone: clean(a.Phone).slice(0, 40) || null,
    vatNumber: vat ? vat.slice(0, 20) : null,
    cocNumber: clean(a.ChamberOfCommerce).slice(0, 20) || null,
  };
}

/** Business when Exact knows a VAT or CoC number, else private (Exact has no such flag). */
export function guessType(a: ExactAccount): CustomerType {
  return a.VATNumber || a.ChamberOfCommerce ? 'business' : 'private';
}

export const trimCode = (code: string | null | undefined) => (code ?? '').trim();

export function vatProblem(c: Pick<Customer, 'vatNumber' | 'country'>): boolean {
  return !!c.vatNumber && !isValidVat(normaliseVat(c.vatNumber), c.country);
}

/** A name as a person compares it: case, accents, punctuation and spacing do not count. */
export function companyName(name: string | null | undefined): string {
  return (name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/**
 * Whether an Exact account found by Code is the same company as the Koppel customer: the same name, or the same VAT
 * number, or the same CoC number. A Code alone proves nothing (Exact numbers relations per division, and the same
 * number is another company in another division); an account that is not the same company is never linked or written.
 */
export function sameCompany(c: Pick<Customer, 'name' | 'vatNumber' | 'cocNumber'>, a: ExactAccount): boolean {
  if (companyName(c.name) && companyName(c.name) === companyName(a.Name)) return true;
  const vat = c.vatNumber ? normaliseVat(c.vatNumber) : '';
  if (vat && a.VATNumber && normaliseVat(a.VATNumber) === vat) return true;
  const coc = (c.cocNumber ?? '').replace(/\s/g, '');
  return !!coc && (a.ChamberOfCommerce ?? '').replace(/\s/g, '') === coc;
}
