import type { LedgerImport, SkippedItem } from './ledger-import.entity.js';
import type { GlAccount, GlAccountLink } from './gl-account.entity.js';
import type { ExactError } from '../../exact/errors.js';

/** View models of the Accounting pages (templates never get entities). */

export const LINK_CLASS: Record<string, string> = { linked: 'badge-ok', missing: 'badge-err', blocked: 'badge-warn', unchecked: '' };

export function toImportView(imp: LedgerImport | null | undefined) {
  if (!imp) return undefined;
  const busy = imp.status === 'queued' || imp.status === 'running';
  // skipped items grouped by reason: "12 × not a revenue account (1000, 1100, …)"
  const groups = new Map<string, { reason: string; params?: Record<string, unknown>; count: number; examples: string[] }>();
  for (const s of imp.skipped ?? ([] as SkippedItem[])) {
    const g = groups.get(s.reason) ?? { reason: s.reason, params: s.params, count: 0, examples: [] };
    g.count++;
    if (g.examples.length < 8) g.examples.push(s.key);
    if (s.reason === 'ledgers.skip.exactRejected') g.params = s.params;
    groups.set(s.reason, g);
  }
  return {
    id: imp.id,
    division: imp.division,
    resource: imp.resource,
    mode: imp.mode,
    allTypes: imp.allTypes,
    status: imp.status,
    statusClass: imp.status === 'done' ? 'badge-ok' : imp.status === 'failed' ? 'badge-err' : 'badge-warn',
    busy,
    done: imp.status === 'done',
    failed: imp.status === 'failed',
    created: imp.created,
    updated: imp.updated,
    unchanged: imp.unchanged,
    skippedCount: imp.skippedCount,
    skippedGroups: [...groups.values()].map((g) => ({ ...g, examples: g.examples.join(', '), more: g.count > g.examples.length })),
    apiCalls: imp.apiCalls ?? 0,
    progressDone: imp.progressDone,
    progressTotal: imp.progressTotal ?? undefined,
    error: imp.error,
    startedAt: imp.startedAt,
    finishedAt: imp.finishedAt,
    createdAt: imp.createdAt,
  };
}

export function toGlAccountRow(account: GlAccount, links: Map<number, GlAccountLink>, divisions: { code: number }[]) {
  return {
    id: account.id,
    number: account.number,
    name: account.name,
    description: account.description,
    analytic: account.analytic,
    source: account.source,
    exactType: account.exactType,
    links: divisions.map((d) => {
      const l = links.get(d.code);
      const status = l?.status ?? 'unchecked';
      return { division: d.code, status, statusClass: LINK_CLASS[status], missingSince: l?.missingSince, exactDescription: l?.exactDescription };
    }),
  };
}

const JOURNAL_TYPE_KEYS = [10, 12, 16, 20, 21, 22, 23, 90];

/** The GL account form's values of a stored account. */
export const glAccountValues = (a: GlAccount) => ({ number: a.number, name: a.name, description: a.description, analytic: a.analytic });

export const journalRow = (j: { code: string; description: string; type: number; blocked: boolean; missing: boolean }) => ({
  code: j.code,
  description: j.description,
  type: j.type,
  typeKey: JOURNAL_TYPE_KEYS.includes(j.type) ? `ledgers.journalTypes.${j.type}` : undefined,
  blocked: j.blocked,
  missing: j.missing,
});

export const vatCodeView = (c: { code: string; description: string; percentage: string | number; type?: string | null; transactionType?: string | null; charged?: boolean | null; blocked: boolean; missing: boolean }) => ({
  code: c.code,
  description: c.description,
  percentage: (Number(c.percentage) * 100).toFixed(2).replace(/\.00$/, ''),
  type: c.type,
  transactionType: c.transactionType,
  charged: c.charged,
  blocked: c.blocked,
  missing: c.missing,
});

/** One VAT rate of Koppel with its mapped Exact code, the export's verdict and the usable codes to choose from. */
export function vatRateRow(
  r: { id: number; name: string; percentage: string; reverseCharge: boolean; country?: string | null; active: boolean },
  mapping: { vatCode?: string | null; automatic?: boolean } | undefined,
  problem: unknown,
  usable: ReturnType<typeof vatCodeView>[],
) {
  return {
    id: r.id, name: r.name, percentage: r.percentage, reverseCharge: r.reverseCharge, country: r.country, active: r.active,
    vatCode: mapping?.vatCode, automatic: mapping?.automatic, problem,
    options: usable.map((c) => ({ ...c, selected: c.code === mapping?.vatCode })),
  };
}

/** A cost centre or unit with its state per division. */
export function costRow(item: { code: string; description: string; source: string }, links: Map<number, { status: string }>, divisions: { code: number }[]) {
  return {
    code: item.code, description: item.description, source: item.source,
    links: divisions.map((d) => {
      const s = links.get(d.code)?.status ?? 'unchecked';
      return { division: d.code, status: s, statusClass: LINK_CLASS[s] };
    }),
  };
}

/** Exact's refusal as the Accounting pages say it (i18n key, parameters and Exact's own words). */
export function exactProblem(e: ExactError) {
  if (e.kind === 'not_connected') return { key: 'ledgers.errors.notConnected', params: {} };
  if (e.kind === 'forbidden') return { key: 'ledgers.errors.divisionNotGranted', params: { division: e.division ?? '' }, exactMessage: e.exactMessage };
  return { key: `exact.errors.${e.kind}`, params: { division: e.division ?? '', exactMessage: e.exactMessage ?? '' }, exactMessage: e.exactMessage };
}
