import type { EntityContext } from '../entity.context.js';
import { badRequest } from '../entity.engine.js';
import type { EntityDef } from '../entity.types.js';
import type { FieldType, Row } from '../sandbox.types.js';
import { GPUD, dateOrder, need, readOnly, ref, spec } from './planning.common.js';
import {
  HOURTYPE_FIELDS, PROJECTHOURBUDGET_FIELDS, PROJECTPLANNING_FIELDS, PROJECTTIMETRANSACTION_FIELDS, PROJECT_FIELDS, WBSACTIVITY_FIELDS,
  WBSDELIVERABLE_FIELDS,
} from './planning.fields.js';

/** Projects, WBS, hour types, hour budgets, project hours and project planning (API.md §7.10). */

export const PROJECT_TYPES: Record<number, string> = { 1: 'Campagne', 2: 'Vaste prijs', 3: 'Nacalculatie', 4: 'Niet factureerbaar', 5: 'Vooruitbetaald' };
const HOUR_STATUS_WRITABLE = [1, 2, 10];

function fmt(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function employeeName(ctx: EntityContext, id: unknown, label = 'Medewerker'): Row | undefined {
  return ref(ctx, 'Employees', id, label);
}

function timeItem(ctx: EntityContext, id: unknown, label = 'Uursoort'): Row {
  const item = need(ctx, 'Items', id, label);
  if (Number(item.IsTime) !== 1) throw badRequest(`Ongeldig: ${label} - artikel ${String(item.Code)} is geen uursoort`);
  return item;
}

const projectFields = spec(PROJECT_FIELDS);
const projects: EntityDef = {
  name: 'Projects', paths: ['project/Projects'], type: 'Project', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: projectFields,
  readOnly: readOnly(projectFields, ['HasWBSLines', 'TypeDescription', 'PrepaidTypeDescription', 'BudgetTypeDescription', 'CostsAmountFC', 'DivisionName']),
  required: ['Description', 'Type'], labels: { Code: 'Code', Description: 'Omschrijving', Type: 'Type' },
  navs: [{ field: 'BudgetedHoursPerHourType', entity: 'ProjectHourBudgets', fk: 'Project' }],
  sync: 'Project/Projects', deletedType: 21, topics: ['Projects'], module: 'Projects',
  validate(ctx, row, mode, before) {
    if (row.Code === null || row.Code === undefined || String(row.Code).trim() === '') {
      // Code is optional only in Professional Services (PSA) packages: there Exact numbers the project itself (API.md §7.10)
      if (ctx.state.divisions.get(ctx.division)?._package !== 'EOL-PSA') throw badRequest('Verplicht: Code');
      let max = 0;
      for (const p of ctx.table('Projects').rows.values()) { const n = Number(p.Code); if (Number.isInteger(n)) max = Math.max(max, n); }
      row.Code = String(max + 1);
    }
    const norm = (v: unknown) => String(v ?? '').trim().toLowerCase();
    if (ctx.find('Projects', (p) => norm(p.Code) === norm(row.Code) && p.ID !== before?.ID)) throw badRequest(`Code bestaat al: ${String(row.Code)}`);
    if (!PROJECT_TYPES[Number(row.Type)]) throw badRequest('Ongeldig: Type (1 campagne, 2 vaste prijs, 3 nacalculatie, 4 niet factureerbaar, 5 vooruitbetaald)');
    row.TypeDescription = PROJECT_TYPES[Number(row.Type)];
    if (Number(row.Type) === 5) { row.PrepaidType ??= 1; if (![1, 2].includes(Number(row.PrepaidType))) throw badRequest('Ongeldig: PrepaidType'); }
    row.PrepaidTypeDescription = Number(row.Type) === 5 ? (Number(row.PrepaidType) === 1 ? 'Retainer' : 'Uursoortbundel') : null;
    const acc = ref(ctx, 'Accounts', row.Account, 'Relatie');
    row.AccountName = acc?.Name ?? null; row.AccountCode = acc?.Code ?? null;
    const mgr = employeeName(ctx, row.Manager, 'Projectmanager');
    row.ManagerFullname = mgr?.FullName ?? null;
    ref(ctx, 'Items', row.FixedPriceItem, 'Artikel vaste prijs');
    ref(ctx, 'Items', row.PrepaidItem, 'Artikel vooruitbetaling');
    if (mode === 'create') {
      for (const b of ['BlockEntry', 'BlockInvoicing', 'BlockPlanning', 'BlockPurchasing', 'BlockRebilling', 'UseBillingMilestones', 'AllowAdditionalInvoicing']) row[b] ??= false;
      row.StartDate ??= ctx.today(); row.BudgetOverrunHours ??= 10; row.IsWBSRequiredForEntry ??= 0; row.HasWBSLines = false; row.CostsAmountFC = 0;
    }
    if (![10, 20].includes(Number(row.BudgetOverrunHours))) throw badRequest('Ongeldig: BudgetOverrunHours (10 toegestaan, 20 niet toegestaan)');
    if (![0, 1, 2].includes(Number(row.IsWBSRequiredForEntry))) throw badRequest('Ongeldig: IsWBSRequiredForEntry');
    dateOrder(row.StartDate, row.EndDate, 'Ongeldig: Einddatum ligt voor de startdatum');
  },
  beforeDelete(ctx, row) {
    if (ctx.find('ProjectTimeTransactions', (t) => t.Project === row.ID)) throw badRequest(`Project ${String(row.Code)} heeft urenboekingen en kan niet worden verwijderd`);
    for (const e of ['WBSActivities', 'WBSDeliverables', 'ProjectHourBudgets', 'ProjectPlanning']) {
      for (const r of ctx.filter(e, (x) => x.Project === row.ID)) ctx.remove(e, r.ID as string, false);
    }
  },
};

function projectOf(ctx: EntityContext, row: Row): Row {
  const p = need(ctx, 'Projects', row.Project, 'Project');
  row.ProjectDescription = p.Description;
  row.ProjectCode = p.Code;
  return p;
}

function partOf(ctx: EntityContext, row: Row, project: Row): void {
  if (!row.PartOf) { row.PartOfDescription = null; return; }
  const parent = ctx.get('WBSDeliverables', row.PartOf as string);
  if (!parent || parent.Project !== project.ID) throw badRequest('Ongeldige referentie: Onderdeel van (PartOf moet een deliverable van hetzelfde project zijn)');
  if (parent.ID === row.ID) throw badRequest('Ongeldig: een deliverable kan geen onderdeel van zichzelf zijn');
  for (let p: Row | undefined = parent; p; p = p.PartOf ? ctx.get('WBSDeliverables', p.PartOf as string) : undefined) {
    if (row.ID && p.ID === row.ID) throw badRequest('Ongeldig: kringverwijzing in de WBS');
  }
  row.PartOfDescription = parent.Description;
}

function nextSequence(ctx: EntityContext, project: unknown): number {
  let max = 0;
  for (const e of ['WBSDeliverables', 'WBSActivities']) for (const r of ctx.table(e).rows.values()) if (r.Project === project) max = Math.max(max, Number(r.SequenceNumber ?? 0));
  return max + 1;
}

function markWbs(ctx: EntityContext, projectId: unknown): void {
  const p = ctx.get('Projects', projectId as string);
  if (!p) return;
  const has = Boolean(ctx.find('WBSDeliverables', (d) => d.Project === p.ID) || ctx.find('WBSActivities', (a) => a.Project === p.ID));
  if (p.HasWBSLines !== has) { p.HasWBSLines = has; ctx.touch('Projects', p, true); }
}

const deliverableFields = spec(WBSDELIVERABLE_FIELDS);
const wbsDeliverables: EntityDef = {
  name: 'WBSDeliverables', paths: ['project/WBSDeliverables'], type: 'WBSDeliverable', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: deliverableFields, readOnly: readOnly(deliverableFields, ['ProjectTermDescription']),
  required: ['Project', 'Description'], labels: { Project: 'Project', Description: 'Omschrijving' },
  // their sync endpoint is the combined Project/ProjectWBS (the ProjectWBS def below answers it; the route map keeps the last def)
  sync: 'Project/ProjectWBS', deletedType: 25, module: 'Projects',
  validate(ctx, row, mode, before) {
    if (before && before.Project !== row.Project) throw badRequest('Ongeldig: Project kan niet worden gewijzigd');
    const p = projectOf(ctx, row);
    delete row.ProjectCode;
    partOf(ctx, row, p);
    if (mode === 'create') { row.SequenceNumber ??= nextSequence(ctx, p.ID); row.Milestone ??= false; row.Completed ??= false; row.ReleaseInvoiceTerm ??= false; }
    if (row.Completed && !row.ProjectTerm) throw badRequest('Ongeldig: Completed kan alleen worden gezet als er een termijn aan de deliverable is gekoppeld');
  },
  beforeDelete(ctx, row) {
    if (ctx.find('WBSDeliverables', (d) => d.PartOf === row.ID) || ctx.find('WBSActivities', (a) => a.PartOf === row.ID)) {
      throw badRequest('Deliverable heeft onderliggende regels en kan niet worden verwijderd');
    }
  },
  afterWrite(ctx, row) { markWbs(ctx, row.Project); },
};

const activityFields = spec(WBSACTIVITY_FIELDS);
const wbsActivities: EntityDef = {
  name: 'WBSActivities', paths: ['project/WBSActivities'], type: 'WBSActivity', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: activityFields, readOnly: readOnly(activityFields),
  required: ['Project', 'Description'], labels: { Project: 'Project', Description: 'Omschrijving' },
  sync: 'Project/ProjectWBS', deletedType: 25, module: 'Projects',
  validate(ctx, row, mode, before) {
    if (before && before.Project !== row.Project) throw badRequest('Ongeldig: Project kan niet worden gewijzigd');
    const p = projectOf(ctx, row);
    delete row.ProjectCode;
    partOf(ctx, row, p);
    if (row.DefaultItem) timeItem(ctx, row.DefaultItem, 'Standaardartikel');
    if (mode === 'create') {
      row.SequenceNumber ??= nextSequence(ctx, p.ID); row.BlockEntry ??= false; row.Completed ??= false; row.BudgetedHours ??= 0;
      row.BudgetOverrunHours ??= p.BudgetOverrunHours ?? 10; row.DefaultItemIsMandatory ??= false;
      row.InvoiceMethod ??= ({ 1: 4, 2: 2, 3: 3, 4: 4, 5: 5 } as Record<number, number>)[Number(p.Type)] ?? 3;
      row.StartDate ??= p.StartDate; row.EndDate ??= p.EndDate ?? null;
    }
    if (![2, 3, 4, 5].includes(Number(row.InvoiceMethod))) throw badRequest('Ongeldig: InvoiceMethod');
    if (![10, 20].includes(Number(row.BudgetOverrunHours))) throw badRequest('Ongeldig: BudgetOverrunHours');
    if (Number(row.BudgetedHours) < 0) throw badRequest('Ongeldig: Begrote uren mogen niet negatief zijn');
    dateOrder(row.StartDate, row.EndDate, 'Ongeldig: Einddatum ligt voor de startdatum');
  },
  beforeDelete(ctx, row) {
    if (ctx.find('ProjectTimeTransactions', (t) => t.Activity === row.ID)) throw badRequest('Op deze activiteit zijn uren geboekt: verwijderen is niet mogelijk');
  },
  afterWrite(ctx, row) { markWbs(ctx, row.Project); },
};

/** sync/bulk Project/ProjectWBS: deliverables (Type 1) and activities (Type 2) in one Timestamp-ordered row set */
const WBS_UNION: Record<string, FieldType> = { ...deliverableFields, ...activityFields, Type: 'int' };
function wbsRow(r: Row, type: number): Row {
  return { ...r, Type: type };
}
const projectWbs: EntityDef = {
  name: 'ProjectWBS', paths: ['sync/Project/ProjectWBS'], type: 'ProjectWBS', key: 'ID', keyType: 'guid', verbs: ['GET'],
  fields: WBS_UNION, sync: 'Project/ProjectWBS', bulk: 'Project/ProjectWBS', deletedType: 25, module: 'Projects',
  virtualRows: (ctx) => [
    ...[...ctx.table('WBSDeliverables').rows.values()].map((r) => wbsRow(r, 1)),
    ...[...ctx.table('WBSActivities').rows.values()].map((r) => wbsRow(r, 2)),
  ],
  syncRows(ctx, after, limit) {
    const d = ctx.table('WBSDeliverables').syncPage(after, limit).map((r) => wbsRow(r, 1));
    const a = ctx.table('WBSActivities').syncPage(after, limit).map((r) => wbsRow(r, 2));
    return [...d, ...a].sort((x, y) => (x.Timestamp as number) - (y.Timestamp as number)).slice(0, limit);
  },
};

const hourTypes: EntityDef = {
  name: 'HourTypes', paths: ['read/project/HourTypes'], type: 'HourType', key: 'ItemId', keyType: 'guid', verbs: ['GET'],
  fields: spec(HOURTYPE_FIELDS), module: 'Projects',
  virtualRows: (ctx) => ctx.filter('Items', (i) => Number(i.IsTime) === 1 && (!i.EndDate || (i.EndDate as number) >= ctx.today()))
    .map((i) => ({ ItemId: i.ID, ItemCode: i.Code, ItemDescription: i.Description })),
};

const budgetFields = spec(PROJECTHOURBUDGET_FIELDS);
const projectHourBudgets: EntityDef = {
  name: 'ProjectHourBudgets', paths: ['project/ProjectHourBudgets'], type: 'ProjectHourBudget', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: budgetFields, readOnly: readOnly(budgetFields),
  required: ['Project', 'Item'], labels: { Project: 'Project', Item: 'Uursoort' }, module: 'Projects',
  validate(ctx, row, mode, before) {
    const p = projectOf(ctx, row);
    const item = timeItem(ctx, row.Item);
    row.ItemCode = item.Code; row.ItemDescription = item.Description;
    if (ctx.find('ProjectHourBudgets', (b) => b.Project === p.ID && b.Item === item.ID && b.ID !== before?.ID)) {
      throw badRequest(`Er bestaat al een budget voor uursoort ${String(item.Code)} in project ${String(p.Code)}`);
    }
    if (mode === 'create') row.Budget ??= 0;
    if (Number(row.Budget) < 0) throw badRequest('Ongeldig: Budget mag niet negatief zijn');
  },
};

const pttFields = spec(PROJECTTIMETRANSACTION_FIELDS);
const projectTimeTransactions: EntityDef = {
  name: 'ProjectTimeTransactions', paths: ['project/TimeTransactions'], type: 'TimeTransaction', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: pttFields,
  readOnly: readOnly(pttFields, ['PriceFC', 'Type', 'EntryNumber', 'ErrorText', 'ItemDivisable', 'ProjectAccount', 'DivisionDescription']),
  required: ['Employee', 'Item', 'Quantity'], labels: { Employee: 'Medewerker', Item: 'Uursoort', Quantity: 'Aantal' },
  sync: 'Project/TimeCostTransactions', deletedType: 14, topics: ['TimeTransactions'], module: 'Projects',
  validate(ctx, row, mode, before) {
    if (before && !HOUR_STATUS_WRITABLE.includes(Number(before.HourStatus))) throw badRequest('Deze uren zijn (in behandeling voor) goedkeuring en kunnen niet meer worden gewijzigd');
    if (mode === 'create') { row.Date ??= ctx.today(); row.HourStatus ??= 1; row.Type = 1; row.Currency ??= 'EUR'; }
    if (!HOUR_STATUS_WRITABLE.includes(Number(row.HourStatus))) throw badRequest('Ongeldig: HourStatus (1 concept, 2 afgekeurd, 10 ingediend)');
    need(ctx, 'Employees', row.Employee, 'Medewerker');
    const item = timeItem(ctx, row.Item);
    row.ItemDescription = item.Description; row.ItemDivisable = Boolean(item.IsFractionAllowedItem);
    if (!(Number(row.Quantity) >= 0)) throw badRequest('Ongeldig: Aantal');
    row.PriceFC = item.StandardSalesPrice ?? 0;
    row.AmountFC = Math.round(Number(row.Quantity) * Number(row.PriceFC) * 100) / 100;
    const p = row.Project ? projectOf(ctx, row) : undefined;
    if (p) {
      if (p.BlockEntry) throw badRequest(`Project ${String(p.Code)} is geblokkeerd voor urenregistratie`);
      const d = row.Date as number;
      if ((typeof p.StartDate === 'number' && d < p.StartDate) || (typeof p.EndDate === 'number' && d > p.EndDate)) {
        throw badRequest(`Datum ${fmt(d)} ligt buiten de looptijd van project ${String(p.Code)}`);
      }
      row.ProjectAccount = p.Account; row.ProjectAccountName = p.AccountName; row.ProjectAccountCode = p.AccountCode;
      row.Account ??= p.Account;
      if (row.Activity) {
        const a = ctx.get('WBSActivities', row.Activity as string);
        if (!a || a.Project !== p.ID) throw badRequest('Ongeldige referentie: Activiteit (hoort niet bij dit project)');
        if (a.BlockEntry) throw badRequest(`Activiteit ${String(a.Description)} is geblokkeerd voor urenregistratie`);
        row.ActivityDescription = a.Description;
      } else if (Number(p.IsWBSRequiredForEntry) === 1 && p.HasWBSLines) throw badRequest('Verplicht: Activiteit');
    } else if (row.Activity) throw badRequest('Ongeldig: Activiteit zonder project');
    const acc = ref(ctx, 'Accounts', row.Account, 'Relatie');
    row.AccountName = acc?.Name ?? null;
    dateOrder(row.StartTime, row.EndTime, 'Ongeldig: Eindtijd ligt voor de starttijd');
  },
  beforeDelete(_ctx, row) {
    if (!HOUR_STATUS_WRITABLE.includes(Number(row.HourStatus))) throw badRequest('Deze uren zijn (in behandeling voor) goedkeuring en kunnen niet worden verwijderd');
  },
};

const planningFields = spec(PROJECTPLANNING_FIELDS);
const projectPlanning: EntityDef = {
  name: 'ProjectPlanning', paths: ['project/ProjectPlanning'], type: 'ProjectPlanning', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: planningFields, readOnly: readOnly(planningFields, ['BGTStatus', 'CommunicationErrorStatus', 'EmployeeHID', 'IsBrokenRecurrence']),
  required: ['Employee', 'StartDate', 'EndDate'], labels: { Employee: 'Medewerker', StartDate: 'Startdatum', EndDate: 'Einddatum' },
  sync: 'Project/ProjectPlanning', deletedType: 26, topics: ['ProjectPlanning'], module: 'Projects',
  validate(ctx, row, mode) {
    const e = need(ctx, 'Employees', row.Employee, 'Medewerker');
    row.EmployeeCode = e.Code; row.EmployeeHID = e.HID;
    const p = row.Project ? projectOf(ctx, row) : undefined;
    if (p?.BlockPlanning) throw badRequest(`Project ${String(p.Code)} is geblokkeerd voor planning`);
    if (p) { row.Account ??= p.Account; }
    const acc = ref(ctx, 'Accounts', row.Account, 'Relatie');
    row.AccountName = acc?.Name ?? null; row.AccountCode = acc?.Code ?? null;
    if (row.HourType) { const h = timeItem(ctx, row.HourType); row.HourTypeCode = h.Code; row.HourTypeDescription = h.Description; }
    if (row.ProjectWBS) {
      const a = ctx.get('WBSActivities', row.ProjectWBS as string);
      if (!a || a.Project !== p?.ID) throw badRequest('Ongeldige referentie: ProjectWBS (activiteit van dit project)');
      row.ProjectWBSDescription = a.Description;
    }
    dateOrder(row.StartDate, row.EndDate, 'Ongeldig: Einddatum ligt voor de startdatum');
    if (mode === 'create') { row.Hours ??= 0; row.Status ??= 1; row.Type ??= 1; row.OverAllocate ??= false; row.IsBrokenRecurrence = false; }
    if (Number(row.Hours) < 0) throw badRequest('Ongeldig: Uren mogen niet negatief zijn');
  },
};

export const PROJECT_ENTITIES: EntityDef[] = [
  projects, wbsDeliverables, wbsActivities, projectWbs, hourTypes, projectHourBudgets, projectTimeTransactions, projectPlanning,
];
