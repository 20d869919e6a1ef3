import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import type { ExactHourBudget, ExactProject, ExactProjectWbs } from '../../exact/planning.resources.js';
import type { Feed, FeedContext } from './planning.feeds.js';
import { WBS_VARIANTS, type PlanningOption, type PlanningOptions } from './planning.options.js';
import type { ArchivedReason, PlanActivityStatus, PlanCardKind, PlanCardLine } from './plan-card.entity.js';
import { SAFETY_NET_MINUTES, ZERO, cards, day, flag, lower, num, str, sum, ts } from './planning-feed.kit.js';
import { archiveActivities, archiveCards, masterRows, upsertActivities, upsertMaster, type ActivityInput, type CardInput, type WriteCounts } from './planning-store.js';

/**
 * The project side of the planning imports (issue #20, API.md §7.10):
 * - Project: the project header as a card (kind `project`);
 * - ProjectHours: the hour types budgeted on a project (project/ProjectHourBudgets) as activities (kind `hour_type`,
 *   `<project>:<item>`) with the budgeted hours, on the project's card;
 * - ProjectWBS / ProjectWBSCombined / ProjectWBSHeader (one of them): the WBS (sync/Project/ProjectWBS, deliverables
 *   Type 1 and activities Type 2) as a card per deliverable (`wbs`), one card per project with every deliverable
 *   (`wbs_project`), or the header with its first-layer deliverables as activities (`wbs_header`); WBS activities
 *   become activities (`wbs_activity`) with their budgeted hours and hour type (DefaultItem, HourType's items).
 * Headers and WBS rows are kept as master data (`project`, `wbs`), so the cards of a project are rebuilt from what is
 * stored whenever a header, a deliverable or an activity changes — in whatever order the pages bring them.
 */

interface ProjectHeader {
  number: string | null;
  description: string | null;
  relationExactId: string | null;
  relationName: string | null;
  accountManager: string | null;
  start: string | null;
  end: string | null;
  type: number | null;
  typeDescription: string | null;
  blockPlanning: boolean;
}

interface WbsNode {
  id: string;
  type: number;
  partOf: string | null;
  description: string | null;
  sequence: number;
  milestone: boolean;
  completed: boolean;
  hours: number | null;
  start: string | null;
  end: string | null;
  defaultItem: string | null;
}

type WbsVariant = 'ProjectWBS' | 'ProjectWBSCombined' | 'ProjectWBSHeader';
const WBS_KIND: Record<WbsVariant, PlanCardKind> = { ProjectWBS: 'wbs', ProjectWBSCombined: 'wbs_project', ProjectWBSHeader: 'wbs_header' };
export const WBS_CARD_KINDS: readonly PlanCardKind[] = Object.values(WBS_KIND);

/** The WBS variant switched on (the options screen lets only one be saved). */
export function wbsVariant(o: Partial<PlanningOptions>): WbsVariant | null {
  return (WBS_VARIANTS.find((v: PlanningOption) => o[v]) as WbsVariant | undefined) ?? null;
}

const ids = (v: (string | null)[]) => [...new Set(v.filter((x): x is string => !!x))];

/** A project has ended (its status follows its dates): its cards are complete. */
const ended = (fc: FeedContext, h: ProjectHeader | undefined): ArchivedReason | null => (h?.end && h.end <= fc.today ? 'completed' : null);

function projectCard(fc: FeedContext, id: string, h: ProjectHeader, customers: Map<string, number>, timestamp?: string | null): CardInput {
  return {
    kind: 'project', exactId: id, number: h.number, description: h.description, relationExactId: h.relationExactId, relationName: h.relationName,
    customerId: customers.get(h.relationExactId ?? '') ?? null, accountManager: h.accountManager, dueDate: h.end, exactStartDate: h.start,
    extra: { type: h.type, typeDescription: h.typeDescription, blockPlanning: h.blockPlanning }, archive: ended(fc, h),
    ...(timestamp !== undefined ? { exactTimestamp: timestamp } : {}),
  };
}

async function headersOf(fc: FeedContext, projectIds: string[]): Promise<{ heads: Map<string, ProjectHeader>; customers: Map<string, number> }> {
  const rows = await masterRows(fc.em, fc.division, 'project', projectIds);
  const heads = new Map([...rows].map(([id, r]) => [id, r.data as unknown as ProjectHeader]));
  const customers = await fc.customers(ids([...heads.values()].map((h) => h.relationExactId)));
  return { heads, customers };
}

// ---- project headers -------------------------------------------------------------------------------

export const projectsFeed: Feed = {
  name: 'projects',
  on: (o) => o.Project || o.ProjectHours || wbsVariant(o) !== null,
  topic: 'Projects',
  everyMinutes: SAFETY_NET_MINUTES,
  sync: { name: 'projects', select: ['ID', 'Code', 'Description', 'Account', 'AccountName', 'ManagerFullname', 'StartDate', 'EndDate', 'Type', 'TypeDescription', 'BlockPlanning', 'Timestamp'] },
  deleted: {
    21: async (fc, keys) => {
      let n = await archiveCards(fc.em, fc.division, { kind: 'project', exactIds: keys }, 'deleted');
      for (const kind of WBS_CARD_KINDS) n += await archiveCards(fc.em, fc.division, { kind, parentExactIds: keys }, 'deleted');
      return n;
    },
  },
  async apply(fc, raw) {
    const rows = raw as ExactProject[];
    const heads = new Map(rows.map((r): [string, ProjectHeader] => [lower(r.ID)!, {
      number: str(r.Code), description: str(r.Description), relationExactId: lower(r.Account), relationName: str(r.AccountName), accountManager: str(r.ManagerFullname),
      start: day(r.StartDate), end: day(r.EndDate), type: num(r.Type), typeDescription: str(r.TypeDescription), blockPlanning: r.BlockPlanning === true,
    }]));
    // kept for the cards made from hour budgets and the WBS
    await upsertMaster(fc.em, fc.division, 'project', rows.map((r) => {
      const h = heads.get(lower(r.ID)!)!;
      return { exactId: lower(r.ID)!, code: h.number, name: h.description, exactTimestamp: ts(r.Timestamp), data: { ...h } };
    }));
    let wanted = [...heads.keys()];
    if (!fc.options.Project) {
      // ProjectHours without Project: only the projects with hour budgets have a card (made by the hours) — keep those current
      const existing = fc.options.ProjectHours
        ? await fc.em.execute<{ exact_id: string }[]>(
          `select exact_id from plan_card where division = ? and kind = 'project' and exact_id in (select jsonb_array_elements_text(?::jsonb))`,
          [fc.division, JSON.stringify(wanted)],
        )
        : [];
      wanted = existing.map((e) => e.exact_id);
    }
    const customers = await fc.customers(ids([...heads.values()].map((h) => h.relationExactId)));
    const stamps = new Map(rows.map((r) => [lower(r.ID)!, ts(r.Timestamp)]));
    let counts: WriteCounts = await cards(fc, wanted.map((id) => projectCard(fc, id, heads.get(id)!, customers, stamps.get(id))));
    if (wbsVariant(fc.options)) counts = sum(counts, await materializeWbs(fc, [...heads.keys()]));
    return counts;
  },
};

/** Project switched off while ProjectHours stays on: the project cards without hour types leave (archived, kept). */
export async function archiveProjectsWithoutHours(em: EntityManager, division: number): Promise<number> {
  const rows = await em.execute<{ exact_id: string }[]>(
    `select c.exact_id from plan_card c where c.division = ? and c.kind = 'project' and c.status = 'open'
        and not exists (select 1 from plan_activity a where a.card_id = c.id and a.kind = 'hour_type' and a.status <> 'archived')`,
    [division],
  );
  return rows.length ? archiveCards(em, division, { kind: 'project', exactIds: rows.map((r) => r.exact_id) }, 'option_off') : 0;
}

// ---- hours per hour type ----------------------------------------------------------------------------

/** Exact has no deletion log for hour budgets: everything is read once a day (and when a person asks), changes in between. */
const FULL_LIST_MS = 24 * 3_600_000;
/** changes are read from a little before the newest Modified seen (a row saved while the last list ran is not missed) */
const MODIFIED_OVERLAP_MS = 10 * 60_000;

const hourKey = (r: ExactHourBudget) => `${lower(r.Project)}:${lower(r.Item)}`;

export const hourBudgetsFeed: Feed = {
  name: 'project-hours',
  on: (o) => o.ProjectHours,
  // no webhook topic and no sync API: polled (changes by Modified)
  everyMinutes: 60,
  deleted: {},
  async list(api, opts, st) {
    const m = /^(\d+):(\d+)$/.exec(st.cursor ?? '');
    const fullAt = m ? Number(m[1]) : 0;
    const seen = m ? Number(m[2]) : 0;
    const full = !m || st.userAsked || st.now.getTime() - fullAt >= FULL_LIST_MS;
    const rows: ExactHourBudget[] = [];
    let calls = 0;
    for await (const page of api.hourBudgets(full ? null : new Date(Math.max(0, seen - MODIFIED_OVERLAP_MS)), opts, st.budget)) {
      calls++;
      rows.push(...page);
    }
    const newest = rows.reduce((n, r) => Math.max(n, r.Modified instanceof Date ? r.Modified.getTime() : 0), seen);
    return { rows, calls: Math.max(1, calls), full, cursor: `${full ? st.now.getTime() : fullAt}:${newest}` };
  },
  async apply(fc, raw) {
    const rows = (raw as ExactHourBudget[]).filter((r) => r.Project && r.Item);
    const projectIds = ids(rows.map((r) => lower(r.Project)));
    const { heads, customers } = await headersOf(fc, projectIds);
    // the project cards the hours go on (made here when Project is off; unchanged when it is on)
    const c = await cards(fc, projectIds.filter((id) => heads.has(id)).map((id) => projectCard(fc, id, heads.get(id)!, customers)));
    const w = await upsertActivities(fc.em, fc.division, rows.map((r) => ({
      kind: 'hour_type' as const, exactId: hourKey(r), cardKind: 'project' as const, cardExactId: lower(r.Project)!, code: str(r.ItemCode),
      description: str(r.ItemDescription), estimatedHours: num(r.Budget), status: 'open' as const,
    })));
    return sum(c, w);
  },
  async afterList(fc, raw) {
    const present = new Set((raw as ExactHourBudget[]).map(hourKey));
    const open = await fc.em.execute<{ exact_id: string }[]>(
      `select exact_id from plan_activity where division = ? and kind = 'hour_type' and status <> 'archived'`,
      [fc.division],
    );
    return archiveActivities(fc.em, fc.division, 'hour_type', open.map((o) => o.exact_id).filter((id) => !present.has(id)));
  },
};

// ---- WBS ----------------------------------------------------------------------------------------------

export const projectWbsFeed: Feed = {
  name: 'project-wbs',
  on: (o) => wbsVariant(o) !== null,
  // no webhook topic for the WBS: polled
  everyMinutes: 60,
  sync: {
    name: 'projectWbs',
    select: ['ID', 'Type', 'Project', 'PartOf', 'Description', 'SequenceNumber', 'Milestone', 'Completed', 'BudgetedHours', 'StartDate', 'EndDate', 'DefaultItem', 'Timestamp'],
  },
  deleted: { 25: (fc, keys) => removeWbs(fc, keys) },
  async apply(fc, raw) {
    const rows = (raw as ExactProjectWbs[]).filter((r) => r.Project);
    // a WBS row's code is its project (indexed: a project's WBS is read by it)
    await upsertMaster(fc.em, fc.division, 'wbs', rows.map((r) => ({
      exactId: lower(r.ID)!, code: lower(r.Project), name: str(r.Description), exactTimestamp: ts(r.Timestamp),
      data: {
        type: num(r.Type) ?? 1, partOf: lower(r.PartOf), sequence: num(r.SequenceNumber) ?? 0, milestone: flag(r.Milestone), completed: flag(r.Completed),
        hours: num(r.BudgetedHours), start: day(r.StartDate), end: day(r.EndDate), defaultItem: lower(r.DefaultItem),
      },
    })));
    return materializeWbs(fc, ids(rows.map((r) => lower(r.Project))));
  },
};

/** Deliverables and activities deleted in Exact (sync/Deleted 25): their activities are archived, their projects rebuilt. */
async function removeWbs(fc: FeedContext, keys: string[]): Promise<number> {
  const gone = await fc.em.execute<{ code: string | null }[]>(
    `delete from plan_master where division = ? and kind = 'wbs' and exact_id in (select jsonb_array_elements_text(?::jsonb)) returning code`,
    [fc.division, JSON.stringify(keys)],
  );
  const n = (await archiveActivities(fc.em, fc.division, 'wbs_activity', keys)) + (await archiveActivities(fc.em, fc.division, 'wbs_deliverable', keys));
  const w = await materializeWbs(fc, ids(gone.map((g) => g.code)));
  return n + w.archived;
}

const lineOf = (d: WbsNode): PlanCardLine => ({ exactId: d.id, lineNumber: d.sequence, description: d.description });
const bySequence = (a: WbsNode, b: WbsNode) => a.sequence - b.sequence || a.id.localeCompare(b.id);
const minOf = (v: (string | null)[]) => v.filter((x): x is string => !!x).sort()[0] ?? null;
const maxOf = (v: (string | null)[]) => v.filter((x): x is string => !!x).sort().at(-1) ?? null;

/**
 * Rebuilds the WBS cards and activities of these projects from the stored WBS rows and headers, for the variant
 * switched on; cards of the variant the projects no longer need (a deliverable deleted) are archived.
 */
export async function materializeWbs(fc: FeedContext, projectIds: string[]): Promise<WriteCounts> {
  const variant = wbsVariant(fc.options);
  if (!variant || !projectIds.length) return ZERO;
  const kind = WBS_KIND[variant];
  const stored = await fc.em.execute<{ exact_id: string; code: string; name: string | null; data: Omit<WbsNode, 'id' | 'description'> }[]>(
    `select exact_id, code, name, data from plan_master where kind = 'wbs' and code in (select jsonb_array_elements_text(?::jsonb)) and division = ?`,
    [JSON.stringify(projectIds), fc.division],
  );
  const byProject = new Map<string, WbsNode[]>();
  for (const r of stored) byProject.set(r.code, [...(byProject.get(r.code) ?? []), { ...r.data, id: r.exact_id, description: r.name }]);
  const { heads, customers } = await headersOf(fc, [...byProject.keys()]);
  const hourTypes = await masterRows(fc.em, fc.division, 'item', ids(stored.map((r) => r.data.defaultItem)));
  const inputs: CardInput[] = [];
  const acts: ActivityInput[] = [];
  for (const [pid, nodes] of byProject) {
    const h = heads.get(pid);
    const base = {
      kind, parentExactId: pid, number: h?.number ?? null, relationExactId: h?.relationExactId ?? null, relationName: h?.relationName ?? null,
      customerId: customers.get(h?.relationExactId ?? '') ?? null, accountManager: h?.accountManager ?? null,
    };
    const header = (): CardInput => ({
      ...base, exactId: pid, description: h?.description ?? null, dueDate: h?.end ?? null, exactStartDate: h?.start ?? null,
      extra: { projectDescription: h?.description ?? null }, archive: ended(fc, h),
    });
    const deliverables = nodes.filter((n) => n.type === 1).sort(bySequence);
    const activities = nodes.filter((n) => n.type === 2).sort(bySequence);
    const known = new Map(deliverables.map((d) => [d.id, d]));
    const activity = (a: WbsNode, cardExactId: string): ActivityInput => ({
      kind: 'wbs_activity', exactId: a.id, cardKind: kind, cardExactId, sequence: a.sequence, code: hourTypes.get(a.defaultItem ?? '')?.code ?? null,
      description: a.description, estimatedHours: a.hours, exactStartDate: a.start, exactEndDate: a.end, status: (a.completed ? 'finished' : 'open') as PlanActivityStatus,
    });
    if (variant === 'ProjectWBS') {
      for (const d of deliverables) {
        const below = activities.filter((a) => a.partOf === d.id);
        let level = 1;
        for (let p = d.partOf ? known.get(d.partOf) : undefined; p && level < 20; p = p.partOf ? known.get(p.partOf) : undefined) level++;
        inputs.push({
          ...base, exactId: d.id, description: d.description, dueDate: maxOf(below.map((a) => a.end)) ?? h?.end ?? null, exactStartDate: minOf(below.map((a) => a.start)) ?? h?.start ?? null,
          extra: { projectDescription: h?.description ?? null, partOf: d.partOf, level, sequence: d.sequence, milestone: d.milestone },
          archive: d.completed ? 'completed' : ended(fc, h),
        });
      }
      // activities outside any deliverable (or whose deliverable has not arrived yet) go on a card for the project
      const loose = activities.filter((a) => !a.partOf || !known.has(a.partOf));
      if (loose.length) inputs.push(header());
      for (const a of activities) acts.push(activity(a, a.partOf && known.has(a.partOf) ? a.partOf : pid));
    } else if (variant === 'ProjectWBSCombined') {
      inputs.push({ ...header(), linesMerge: deliverables.map(lineOf), linesReplace: true });
      for (const a of activities) acts.push(activity(a, pid));
    } else {
      // the header with the first layer (vPlan: "only the header … only all deliverables from the first layer"): each
      // top deliverable is the plannable activity, holding the hours of every activity below it at any depth; those
      // activities are shown on the card under their deliverable (the card's lines, `partOf`), not planned apart, so
      // the card's hours count each once
      const topOf = (n: WbsNode): { top: WbsNode; path: string[] } | null => {
        const path: string[] = [];
        let cur: WbsNode | undefined = n;
        for (let i = 0; cur?.partOf && i < 20; i++) {
          cur = known.get(cur.partOf);
          if (cur?.partOf) path.unshift(cur.description ?? '');
        }
        return cur && !cur.partOf && cur.type === 1 ? { top: cur, path } : null;
      };
      const lines: PlanCardLine[] = [];
      for (const d of deliverables.filter((x) => !x.partOf)) {
        const under = activities.flatMap((a) => {
          const t = a.partOf ? topOf(a) : null;
          return t?.top.id === d.id ? [{ a, path: t.path }] : [];
        });
        const hours = under.reduce((n, u) => n.plus(u.a.hours ?? 0), new Decimal(0));
        for (const { a, path } of under) {
          lines.push({
            exactId: a.id, lineNumber: lines.length + 1, itemCode: hourTypes.get(a.defaultItem ?? '')?.code ?? null, description: a.description, partOf: d.id,
            path: path.length ? path.join(' › ') : null, hours: a.hours, startDate: a.start, endDate: a.end, completed: a.completed,
          });
        }
        acts.push({
          kind: 'wbs_deliverable', exactId: d.id, cardKind: kind, cardExactId: pid, sequence: d.sequence, description: d.description,
          estimatedHours: hours.toNumber(), exactStartDate: minOf(under.map((u) => u.a.start)), exactEndDate: maxOf(under.map((u) => u.a.end)),
          status: under.length && under.every((u) => u.a.completed) ? 'finished' : 'open',
        });
      }
      inputs.push({ ...header(), linesMerge: lines, linesReplace: true });
      for (const a of activities.filter((x) => !x.partOf)) acts.push(activity(a, pid));
    }
  }
  const c = await cards(fc, inputs);
  const w = await upsertActivities(fc.em, fc.division, acts);
  const produced = new Set(inputs.map((i) => i.exactId));
  const open = await fc.em.execute<{ exact_id: string }[]>(
    `select exact_id from plan_card where division = ? and kind = ? and status = 'open' and parent_exact_id in (select jsonb_array_elements_text(?::jsonb))`,
    [fc.division, kind, JSON.stringify(projectIds)],
  );
  const gone = open.map((o) => o.exact_id).filter((id) => !produced.has(id));
  const archived = gone.length ? await archiveCards(fc.em, fc.division, { kind, exactIds: gone }, 'deleted') : 0;
  return sum(sum(c, w), { created: 0, updated: 0, archived });
}
