import type { LedgerImport, SkippedItem } from './ledger-import.entity.js';
import type { GlAccount, GlAccountLink } from './gl-account.entity.js';

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
