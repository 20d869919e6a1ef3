import type { InvoiceSender } from './invoice-sender.entity.js';
import type { Location } from '../locations/location.entity.js';
import { SENDER_FIELDS } from './invoice-sender.form.js';

/** The form's values from a stored sender (no entity reaches a template). */
export function senderValues(s: InvoiceSender): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of SENDER_FIELDS) out[f] = s[f] ?? '';
  return out;
}

/** What the form shows besides the values: whether a logo is stored and where it can be seen. */
export function senderMeta(s: InvoiceSender, logoUrl: string): { hasLogo: boolean; logoUrl: string; stored: boolean } {
  return { hasLogo: Boolean(s.logoType), logoUrl, stored: Boolean(s.id) };
}

export interface SenderLocationRow {
  id: number;
  name: string;
  code: string;
  own: boolean;
}

export const senderLocationRows = (locations: Location[], own: Set<number>): SenderLocationRow[] =>
  locations.map((l) => ({ id: l.id, name: l.name, code: l.code, own: own.has(l.id) }));
