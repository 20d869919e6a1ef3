import type { PlanningSettings, PlanningEntitySummary } from './planning-settings.entity.js';
import { optionProblems, PLANNING_OPTIONS, type OptionGroup, type PlanningOption } from './planning.options.js';
import type { OptionState, PlanningService } from './planning.service.js';
import type { CardFilter, CardRow, RelationData } from './planning-cards.service.js';
import type { SyncState } from '../sync/sync-state.entity.js';

/** View models of the planning screens (no entity reaches a template). */

export function toOptionsView(s: PlanningSettings, states: OptionState[], groups: readonly OptionGroup[], feedNames: string[], syncState: SyncState | undefined, cost: { today: number; forecast: number; share: number; webhooks: boolean }, rights: { checkedAt: Date | null }, posted?: Record<string, boolean>) {
  const byOption = new Map(states.map((x) => [x.option, x]));
  const on = (o: PlanningOption) => (posted ? posted[o] === true : byOption.get(o)!.on);
  const options = Object.fromEntries(states.map((x) => [x.option, on(x.option)])) as Record<PlanningOption, boolean>;
  const { warnings } = optionProblems(options);
  const active = s.activeOptions ?? null;
  const changed = !active || states.some((x) => (active[x.option] === true) !== (s.options[x.option] === true));
  return {
    division: s.division,
    groups: groups.map((g) => ({
      key: g.key,
      rows: g.options.map((o) => {
        const st = byOption.get(o.option)!;
        return { option: o.option, level: o.level, primary: o.primary, on: on(o.option), refused: st.refused, disabled: st.refused.length > 0 && !on(o.option), imported: st.imported };
      }),
    })),
    warnings,
    rightsChecked: !!rights.checkedAt,
    rightsCheckedAt: rights.checkedAt,
    saved: !!s.savedAt,
    savedAt: s.savedAt ?? null,
    activatedAt: s.activatedAt ?? null,
    firstImportAt: s.firstImportAt ?? null,
    state: s.state,
    needsActivate: !!s.savedAt && changed,
    running: syncState?.status === 'queued' || syncState?.status === 'running',
    sync: syncState ? { status: syncState.status, progress: syncState.progressDone, lastError: syncState.lastError ?? null, lastOkAt: syncState.lastOkAt ?? null } : null,
    feeds: feedNames.filter((n) => s.summaries[n] || (active && s.summaries[n])).map((n) => toFeedView(n, s.summaries[n])),
    deleted: s.summaries.deleted ? toFeedView('deleted', s.summaries.deleted) : null,
    cost,
    pending: Object.keys(s.pending ?? {}),
  };
}

/** The Sync page's planning panel: a table per division (entities in the order a run takes them, sync/Deleted last). */
export function toSyncPanelView(rows: { settings: PlanningSettings; cost: { today: number; forecast: number; share: number; webhooks: boolean; limit: number } }[], feedNames: string[]) {
  return rows.map(({ settings: s, cost }) => ({
    division: s.division, state: s.state, firstImportAt: s.firstImportAt ?? null, cost,
    feeds: [...feedNames, 'deleted'].filter((n) => s.summaries[n]).map((n) => toFeedView(n, s.summaries[n])),
  }));
}

export function toFeedView(name: string, x: PlanningEntitySummary | undefined) {
  return {
    name,
    records: x?.records ?? 0, created: x?.created ?? 0, updated: x?.updated ?? 0, archived: x?.archived ?? 0, calls: x?.calls ?? 0,
    callsToday: x?.callsToday ?? 0, at: x?.at ? new Date(x.at) : null, done: x?.done === true, error: x?.error ?? null,
  };
}

export function toCardRowView(r: CardRow, today: string) {
  return {
    id: r.id, kind: r.kind, number: r.number ?? '—', description: r.description ?? '', relation: r.relation_name ?? '', customerId: r.customer_id,
    warehouse: r.warehouse_code ?? '', due: r.due_date, planned: r.planned_start ? `${r.planned_start}${r.planned_end && r.planned_end !== r.planned_start ? ` – ${r.planned_end}` : ''}` : null,
    late: !!(r.due_date && r.status === 'open' && (r.planned_end ? r.planned_end > r.due_date : r.due_date < today)),
    archived: r.status === 'archived', reason: r.archived_reason, activities: r.activities, hours: r.hours, updated: r.updated_at,
  };
}

export function toCardsQuery(f: CardFilter) {
  return { kind: f.kind, status: f.status, customer: f.customer, warehouse: f.warehouse, from: f.from, to: f.to, q: f.q, division: f.division, sort: f.sort, dir: f.dir };
}

/** Sort links of the Cards table: the same filters, the column, the direction toggled when it is the current one. */
export function cardSortLinks(f: CardFilter): Record<string, string> {
  const q = toCardsQuery(f);
  const link = (sort: string) => {
    const p = new URLSearchParams();
    for (const [k, v] of Object.entries({ ...q, sort, dir: q.sort === sort && q.dir === 'asc' ? 'desc' : 'asc' })) if (v !== undefined && v !== '') p.set(k, String(v));
    return `/planning/cards?${p.toString()}`;
  };
  return { number: link('number'), due: link('due'), updated: link('updated') };
}

const s = (v: unknown) => (v === null || v === undefined ? null : String(v));

export function toCardPageView(d: { relation?: { code: string | null; name: string | null; data: RelationData | null } | null; card: Record<string, unknown>; activities: Record<string, unknown>[]; related: { kind: string; exactId: string; number?: string }[]; relatedCards: { id: number; kind: string; exact_id: string; number: string | null }[]; madeFor: { id: number; kind: string; number: string | null }[]; events: { id: number; source: string; action: string; changes: Record<string, [unknown, unknown]> | null; created_at: Date }[] }, exactUrl: string) {
  const c = d.card;
  const extra = (c.extra as Record<string, unknown>) ?? {};
  return {
    id: Number(c.id), kind: s(c.kind), number: s(c.number) ?? '—', description: s(c.description), division: Number(c.division), exactId: s(c.exact_id), exactUrl,
    relation: s(c.relation_name), customerId: c.customer_id ? Number(c.customer_id) : null, customerName: s(c.customer_name), accountManager: s(c.account_manager),
    warehouse: s(c.warehouse_code), due: s(c.due), exactStart: s(c.exact_start), quantity: c.qty === null ? null : Number(c.qty), unit: s(c.unit),
    status: s(c.status), reason: s(c.archived_reason), archivedAt: c.archived_at ?? null, exactStatus: c.exact_status ?? null,
    plannedFrom: s(c.planned_from), plannedTo: s(c.planned_to), resourceName: s(c.resource_name), notes: s(c.notes), version: Number(c.version),
    extra: Object.entries(extra).filter(([, v]) => v !== null && v !== undefined && v !== '' && v !== false).map(([k, v]) => ({ key: k, value: v === true ? '✓' : String(v) })),
    // ProjectWBSHeader: the lines are the WBS activities below the first-layer deliverables, shown under them
    lines: s(c.kind) === 'wbs_header' ? [] : ((c.lines as Record<string, unknown>[]) ?? []).map((l) => ({ ...l })),
    materials: ((c.materials as Record<string, unknown>[]) ?? []).map((m) => ({ ...m })),
    ...relationView(d.relation ?? null, s(c.kind)),
    activities: d.activities.map((a) => ({
      ...a, hours: a.estimated_hours,
      below: a.kind === 'wbs_deliverable' ? ((c.lines as Record<string, unknown>[]) ?? []).filter((l) => l.partOf === a.exact_id).map((l) => ({ ...l })) : [],
    })),
    related: d.related.map((r) => ({ ...r, id: d.relatedCards.find((x) => x.exact_id === r.exactId)?.id ?? null })),
    madeFor: d.madeFor,
    events: d.events.map((e) => ({
      at: e.created_at, source: e.source, action: e.action,
      changes: Object.entries(e.changes ?? {}).map(([field, [from, to]]) => ({ field, from: fmt(from), to: fmt(to) })),
    })),
  };
}

/** The card's customer or supplier from the relations master data: one address line and the contact details. */
function relationView(r: { data: RelationData | null } | null, kind: string | null) {
  const a = r?.data?.address;
  const address = a ? [[a.line1, a.line2].filter(Boolean).join(' '), [a.postcode, a.city].filter(Boolean).join(' '), a.country].filter(Boolean).join(', ') : '';
  const contact = [r?.data?.phone, r?.data?.email].filter(Boolean).join(' · ');
  return { relationAddress: address || null, relationContact: contact || null, relationRole: kind?.startsWith('purchase') ? 'supplier' : 'customer' };
}

function fmt(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'object') return JSON.stringify(v).slice(0, 80);
  return String(v);
}

export function toResourceView(r: Record<string, unknown>) {
  return {
    id: Number(r.id), kind: s(r.kind), code: s(r.code), name: s(r.name), group: s(r.group), active: r.active === true, exactSchedule: r.exact_schedule === true,
    fromExact: !!r.exact_id, division: r.division ?? null, user: s(r.user_name), activities: Number(r.activities ?? 0), leaveDays: Number(r.leave_days ?? 0),
  };
}

export function toItemView(r: Record<string, unknown>) {
  const d = (r.data ?? {}) as Record<string, unknown>;
  return { id: Number(r.id), division: Number(r.division), code: s(r.code), name: s(r.name), unit: s(d.unitDescription) ?? s(d.unit), hourType: d.isTime === true, searchCode: s(d.searchCode), archived: r.archived === true };
}

/** The planning sync per division and entity, for the Cards page. */
export function toSyncStatusView(rows: { division: number; state: string; first_import_at: Date | null; summaries: Record<string, PlanningEntitySummary> }[]) {
  return rows.map((r) => ({
    division: r.division, state: r.state, firstImportAt: r.first_import_at,
    feeds: Object.entries(r.summaries ?? {}).map(([name, x]) => toFeedView(name, x)),
  }));
}

/** Settings → Exact → Planning: the page, or the form refused again with what was ticked and why (a missing right in the Health page's words). */
export function toOptionsPageView(
  m: Awaited<ReturnType<PlanningService['screen']>>,
  refused?: { body: Record<string, unknown>; fieldErrors?: Record<string, string[]>; blocked?: { key: string; params?: Record<string, unknown> } },
) {
  const page = { title: 'planning.options.title', nav: 'settings', ...m };
  if (!refused) return { ...page, options: m.settings ? toOptionsView(...m.settings) : null };
  const posted = Object.fromEntries(PLANNING_OPTIONS.map((o) => [o, refused.body[o] === 'on'])) as Record<PlanningOption, boolean>;
  const errors = refused.fieldErrors ?? { options: ['planning.options.refused'] };
  return { ...page, options: m.settings ? toOptionsView(...m.settings, posted) : null, errors, errorKeys: Object.values(errors).flat(), blocked: refused.blocked ?? null };
}
