import type { EntityContext } from '../entity.context.js';
import { badRequest } from '../entity.engine.js';
import type { EntityDef } from '../entity.types.js';
import type { Row } from '../sandbox.types.js';
import { GPUD, dateOrder, itemCompanions, need, nextLineNumber, numberFor, readOnly, ref, spec, uniqueCode } from './planning.common.js';
import {
  MANUFACTURINGTIMETRANSACTION_FIELDS, OPERATION_FIELDS, SHOPORDERMATERIALPLAN_FIELDS, SHOPORDERROUTINGSTEPPLAN_FIELDS, SHOPORDER_FIELDS,
  TIMEDTIMETRANSACTION_FIELDS, WORKCENTER_FIELDS,
} from './planning.fields.js';

/** Manufacturing (API.md §7.9): work centres, operations, shop orders with routing steps and materials, hours. */

export const SHOP_ORDER_STATUS: Record<number, string> = { 10: 'Open', 20: 'In behandeling', 30: 'Gereed', 40: 'Afgesloten' };
/** operation status of a routing step (sandbox codes, see docs/sandbox.md) */
export const STEP_STATUS: Record<number, string> = { 10: 'Open', 20: 'In behandeling', 30: 'Gereed' };

const workcenterFields = spec(WORKCENTER_FIELDS);
const workcenters: EntityDef = {
  name: 'Workcenters', paths: ['manufacturing/Workcenters'], type: 'Workcenter', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: workcenterFields, readOnly: readOnly(workcenterFields), required: ['Code', 'Description'],
  labels: { Code: 'Code', Description: 'Omschrijving' }, module: 'Manufacturing',
  validate(ctx, row, mode, before) {
    uniqueCode(ctx, 'Workcenters', row, before);
    if (mode === 'create') { row.Capacity ??= 1; row.Status ??= 1; row.Type ??= 1; row.IsLaborBurdenPercent ??= 0; }
    if (!Number.isInteger(row.Capacity) || (row.Capacity as number) < 0) throw badRequest('Ongeldig: Capaciteit');
  },
  beforeDelete(ctx, row) {
    if (ctx.find('ShopOrderRoutingStepPlans', (s) => s.Workcenter === row.ID)) throw badRequest('Werkplek is in gebruik en kan niet worden verwijderd');
  },
};

const operationFields = spec(OPERATION_FIELDS);
const operations: EntityDef = {
  name: 'Operations', paths: ['manufacturing/Operations'], type: 'Operation', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: operationFields, readOnly: readOnly(operationFields), required: ['Code', 'Description'],
  labels: { Code: 'Code', Description: 'Omschrijving' }, module: 'Manufacturing',
  validate(ctx, row, mode, before) {
    uniqueCode(ctx, 'Operations', row, before);
    if (row.Item) itemCompanions(ctx, row);
    if (mode === 'create') { row.Status ??= 1; row.HasSuppliers ??= 0; }
  },
  beforeDelete(ctx, row) {
    if (ctx.find('ShopOrderRoutingStepPlans', (s) => s.Operation === row.ID)) throw badRequest('Bewerking is in gebruik en kan niet worden verwijderd');
  },
};

/** refuses changes below a completed (Status 40) shop order */
export function shopOrderOpen(ctx: EntityContext, id: unknown, what = 'gewijzigd'): Row {
  const so = need(ctx, 'ShopOrders', id, 'Productieorder');
  if (Number(so.Status) === 40) throw badRequest(`Productieorder ${String(so.ShopOrderNumber)} is afgesloten en kan niet meer worden ${what}`);
  return so;
}

const shopOrderFields = spec(SHOPORDER_FIELDS);
const shopOrders: EntityDef = {
  name: 'ShopOrders', paths: ['manufacturing/ShopOrders'], type: 'ShopOrder', key: 'ID', keyType: 'guid', verbs: [...GPUD],
  fields: shopOrderFields,
  readOnly: readOnly(shopOrderFields, ['ShopOrderNumber', 'ShopOrderNumberString', 'Status', 'Type', 'ProducedQuantity', 'ShopOrderParent', 'ShopOrderMain',
    'SalesOrderLineCount', 'ShopOrderRoutingStepPlanCount', 'ShopOrderMaterialPlanCount', 'SubShopOrderCount', 'Unit', 'UnitDescription',
    'ShopOrderMaterialPlanBackflushCount', 'ShopOrderByProductPlanBackflushCount', 'ShopOrderByProductPlanCount', 'ShopOrderMaterialPlansNonIssuedByproductsCount',
    'ShopOrderMaterialPlansNonIssuedMaterialsCount', 'IsBatch', 'IsSerial', 'IsFractionAllowedItem', 'CADDrawingURL']),
  required: ['Item', 'PlannedQuantity'], labels: { Item: 'Artikel', PlannedQuantity: 'Gepland aantal' },
  navs: [
    { field: 'ShopOrderRoutingStepPlans', entity: 'ShopOrderRoutingStepPlans', fk: 'ShopOrder' },
    { field: 'ShopOrderMaterialPlans', entity: 'ShopOrderMaterialPlans', fk: 'ShopOrder' },
    { field: 'SalesOrderLines', entity: 'SalesOrderLines', fk: 'ShopOrder' },
  ],
  sync: 'Manufacturing/ShopOrders', deletedType: 36, topics: ['ShopOrders'], module: 'Manufacturing',
  validate(ctx, row, mode, before) {
    if (before) shopOrderOpen(ctx, before.ID);
    const item = itemCompanions(ctx, row);
    if (Number(item.IsMakeItem) !== 1) throw badRequest(`Ongeldig: Artikel ${String(item.Code)} is geen maakartikel`);
    row.Unit = item.Unit; row.UnitDescription = item.UnitDescription ?? item.Unit;
    if (!(Number(row.PlannedQuantity) > 0)) throw badRequest('Ongeldig: Gepland aantal moet groter dan 0 zijn');
    for (const f of ['IsReleased', 'IsOnHold', 'IsInPlanning']) {
      row[f] ??= 0;
      if (![0, 1].includes(Number(row[f]))) throw badRequest(`Ongeldig: ${f}`);
    }
    numberFor(ctx, 'ShopOrders', 'ShopOrderNumber', row, before, 1, 'Productieordernummer');
    row.ShopOrderNumberString = String(row.ShopOrderNumber);
    if (mode === 'create') {
      row.Status = 10; row.Type = 9040; row.ProducedQuantity = 0; row.EntryDate ??= ctx.today(); row.PlannedStartDate ??= ctx.today();
      row.PlannedDate ??= row.PlannedStartDate; row.ReadyToShipQuantity ??= 0;
    }
    dateOrder(row.PlannedStartDate, row.PlannedDate, 'Ongeldig: Geplande einddatum ligt voor de geplande startdatum');
    const p = ref(ctx, 'Projects', row.Project, 'Project');
    row.ProjectDescription = p?.Description ?? null;
    const s = ref(ctx, 'SelectionCodes', row.SelectionCode, 'Selectiecode');
    row.SelectionCodeCode = s?.Code ?? null; row.SelectionCodeDescription = s?.Description ?? null;
    if (!row.Warehouse) row.Warehouse = ctx.find('Warehouses', (w) => w.Main === 1)?.ID ?? null;
    const w = ref(ctx, 'Warehouses', row.Warehouse, 'Magazijn');
    row.WarehouseCode = w?.Code ?? null; row.WarehouseDescription = w?.Description ?? null;
  },
  beforeDelete(ctx, row) {
    if (Number(row.Status) !== 10 || ctx.find('ManufacturingTimeTransactions', (t) => t.ShopOrder === row.ID)) {
      throw badRequest(`Productieorder ${String(row.ShopOrderNumber)} is in behandeling en kan niet worden verwijderd`);
    }
    for (const s of ctx.filter('ShopOrderRoutingStepPlans', (x) => x.ShopOrder === row.ID)) ctx.remove('ShopOrderRoutingStepPlans', s.ID as string, false);
    for (const m of ctx.filter('ShopOrderMaterialPlans', (x) => x.ShopOrder === row.ID)) ctx.remove('ShopOrderMaterialPlans', m.ID as string, false);
    for (const l of ctx.filter('SalesOrderLines', (x) => x.ShopOrder === row.ID)) { l.ShopOrder = null; ctx.touch('SalesOrderLines', l, false); }
  },
};

const stepFields = spec(SHOPORDERROUTINGSTEPPLAN_FIELDS);
const routingStepPlans: EntityDef = {
  name: 'ShopOrderRoutingStepPlans', paths: ['manufacturing/ShopOrderRoutingStepPlans'], type: 'ShopOrderRoutingStepPlan', key: 'ID', keyType: 'guid',
  verbs: [...GPUD], fields: stepFields,
  readOnly: readOnly(stepFields, ['PlannedTotalHours', 'StatusDescription', 'RunMethodDescription', 'TotalCostDC', 'CostPerItem']),
  required: ['ShopOrder', 'Workcenter'], labels: { ShopOrder: 'Productieorder', Workcenter: 'Werkplek' },
  navs: [{ field: 'TimeTransactions', entity: 'ManufacturingTimeTransactions', fk: 'RoutingStepPlan' }],
  sync: 'Manufacturing/ShopOrderRoutingStepPlans', deletedType: 38, module: 'Manufacturing',
  validate(ctx, row, mode, before) {
    if (before && before.ShopOrder !== row.ShopOrder) throw badRequest('Ongeldig: ShopOrder kan niet worden gewijzigd');
    const so = shopOrderOpen(ctx, row.ShopOrder);
    const wc = need(ctx, 'Workcenters', row.Workcenter, 'Werkplek');
    row.WorkcenterCode = wc.Code; row.WorkcenterDescription = wc.Description;
    const op = ref(ctx, 'Operations', row.Operation, 'Bewerking');
    row.OperationCode = op?.Code ?? null; row.OperationDescription = op?.Description ?? null;
    row.Description ??= op?.Description ?? wc.Description;
    if (mode === 'create') {
      // operations are numbered 10, 20, 30, … (Exact's routing sequence)
      row.LineNumber ??= (nextLineNumber(ctx, 'ShopOrderRoutingStepPlans', 'ShopOrder', so.ID) - 1 + 10) - ((nextLineNumber(ctx, 'ShopOrderRoutingStepPlans', 'ShopOrder', so.ID) - 1) % 10);
      row.Status ??= 10; row.PlannedSetupHours ??= 0; row.PlannedRunHours ??= 0; row.RunMethod ??= 1; row.RoutingStepType ??= 1;
      row.EfficiencyPercentage ??= 100; row.AttendedPercentage ??= 100; row.Backflush ??= 0;
      row.PlannedStartDate ??= so.PlannedStartDate; row.PlannedEndDate ??= so.PlannedDate;
    }
    if (!STEP_STATUS[Number(row.Status)]) throw badRequest('Ongeldig: Status');
    if (Number(row.PlannedSetupHours) < 0 || Number(row.PlannedRunHours) < 0) throw badRequest('Ongeldig: geplande uren mogen niet negatief zijn');
    row.StatusDescription = STEP_STATUS[Number(row.Status)];
    row.RunMethodDescription = Number(row.RunMethod) === 1 ? 'Per stuk' : 'Per serie';
    row.PlannedTotalHours = Math.round((Number(row.PlannedSetupHours) + Number(row.PlannedRunHours)) * 1000) / 1000;
    row.Setup = row.PlannedSetupHours; row.SetupUnit ??= 'uur';
    row.Run = Math.round((Number(row.PlannedRunHours) / Number(so.PlannedQuantity || 1)) * 10000) / 10000;
    const rate = Number(wc.RunLaborRate ?? 0);
    row.TotalCostDC = Math.round(Number(row.PlannedTotalHours) * rate * 100) / 100;
    row.CostPerItem = Math.round((Number(row.TotalCostDC) / Number(so.PlannedQuantity || 1)) * 100) / 100;
    dateOrder(row.PlannedStartDate, row.PlannedEndDate, 'Ongeldig: Geplande einddatum ligt voor de geplande startdatum');
  },
  beforeDelete(ctx, row) {
    shopOrderOpen(ctx, row.ShopOrder);
    if (ctx.find('ManufacturingTimeTransactions', (t) => t.RoutingStepPlan === row.ID)) throw badRequest('Op deze bewerking zijn uren geboekt: verwijderen is niet mogelijk');
  },
};

const materialFields = spec(SHOPORDERMATERIALPLAN_FIELDS);
const materialPlans: EntityDef = {
  name: 'ShopOrderMaterialPlans', paths: ['manufacturing/ShopOrderMaterialPlans'], type: 'ShopOrderMaterialPlan', key: 'ID', keyType: 'guid',
  verbs: [...GPUD], fields: materialFields,
  readOnly: readOnly(materialFields, ['PlannedAmountFC', 'StatusDescription', 'Unit', 'UnitDescription']),
  required: ['ShopOrder', 'Item', 'PlannedQuantity'], labels: { ShopOrder: 'Productieorder', Item: 'Artikel', PlannedQuantity: 'Gepland aantal' },
  sync: 'Manufacturing/ShopOrderMaterialPlans', deletedType: 37, module: 'Manufacturing',
  validate(ctx, row, mode, before) {
    if (before && before.ShopOrder !== row.ShopOrder) throw badRequest('Ongeldig: ShopOrder kan niet worden gewijzigd');
    const so = shopOrderOpen(ctx, row.ShopOrder);
    const item = itemCompanions(ctx, row);
    row.Unit = item.Unit; row.UnitDescription = item.UnitDescription ?? item.Unit;
    ref(ctx, 'ShopOrderRoutingStepPlans', row.RoutingStepID, 'Bewerking');
    if (mode === 'create') {
      row.LineNumber ??= nextLineNumber(ctx, 'ShopOrderMaterialPlans', 'ShopOrder', so.ID);
      row.PlannedDate ??= so.PlannedStartDate; row.Backflush ??= 0; row.Type ??= 1; row.Status ??= 10; row.WastePercentage ??= 0;
      row.PlannedPriceFC ??= item.CostPriceStandard ?? 0; row.CalculatorType ??= 1;
    }
    row.Description ??= item.Description;
    row.PlannedQuantityFactor = Math.round((Number(row.PlannedQuantity) / Number(so.PlannedQuantity || 1)) * 10000) / 10000;
    row.PlannedAmountFC = Math.round(Number(row.PlannedQuantity) * Number(row.PlannedPriceFC) * 100) / 100;
    row.StatusDescription = Number(row.Status) === 30 ? 'Uitgegeven' : 'Open';
  },
  beforeDelete(ctx, row) { shopOrderOpen(ctx, row.ShopOrder); },
};

function bookedOnStep(ctx: EntityContext, row: Row, stepField: string): Row {
  const so = shopOrderOpen(ctx, row.ShopOrder, 'geboekt');
  const step = ref(ctx, 'ShopOrderRoutingStepPlans', row[stepField], 'Bewerking');
  if (step && step.ShopOrder !== so.ID) throw badRequest('Ongeldig: de bewerking hoort niet bij deze productieorder');
  ref(ctx, 'Employees', row.Employee, 'Medewerker');
  if (row.IsOperationFinished !== undefined && row.IsOperationFinished !== null && ![0, 1].includes(Number(row.IsOperationFinished))) throw badRequest('Ongeldig: IsOperationFinished');
  return so;
}

/** a booking starts the shop order (10 → 20); IsOperationFinished finishes the step */
function afterBooking(ctx: EntityContext, row: Row, stepField: string): void {
  const so = ctx.get('ShopOrders', row.ShopOrder as string);
  if (so && Number(so.Status) === 10) { so.Status = 20; ctx.touch('ShopOrders', so, true); }
  const step = ctx.get('ShopOrderRoutingStepPlans', row[stepField] as string);
  if (!step) return;
  const status = Number(row.IsOperationFinished) === 1 ? 30 : Math.max(20, Number(step.Status));
  if (status !== Number(step.Status)) { step.Status = status; step.StatusDescription = STEP_STATUS[status]; ctx.touch('ShopOrderRoutingStepPlans', step, false); }
}

const mttFields = spec(MANUFACTURINGTIMETRANSACTION_FIELDS);
const manufacturingTimeTransactions: EntityDef = {
  name: 'ManufacturingTimeTransactions', paths: ['manufacturing/TimeTransactions'], type: 'ManufacturingTimeTransaction', key: 'ID', keyType: 'guid',
  // ShopOrder is required, but may be derived from RoutingStepPlan
  verbs: [...GPUD], fields: mttFields, readOnly: readOnly(mttFields), module: 'Manufacturing',
  validate(ctx, row, mode, before) {
    if (before) shopOrderOpen(ctx, before.ShopOrder, 'geboekt');
    const step = row.RoutingStepPlan ? ctx.get('ShopOrderRoutingStepPlans', row.RoutingStepPlan as string) : undefined;
    if (!row.ShopOrder && step) row.ShopOrder = step.ShopOrder;
    bookedOnStep(ctx, row, 'RoutingStepPlan');
    if (step && !row.WorkCenter) row.WorkCenter = step.Workcenter;
    ref(ctx, 'Workcenters', row.WorkCenter, 'Werkplek');
    if (mode === 'create') { row.Activity ??= 20; row.Date ??= ctx.today(); row.Status ??= 20; row.Hours ??= 0; row.LaborHours ??= row.Hours; row.Quantity ??= 0; row.IsOperationFinished ??= 0; }
    if (![10, 20].includes(Number(row.Activity))) throw badRequest('Ongeldig: Activity (10 = insteltijd, 20 = bewerkingstijd)');
    if (![1, 2, 10, 20].includes(Number(row.Status))) throw badRequest('Ongeldig: Status');
    if (Number(row.Hours) < 0 || Number(row.LaborHours) < 0) throw badRequest('Ongeldig: uren mogen niet negatief zijn');
  },
  beforeDelete(ctx, row) { shopOrderOpen(ctx, row.ShopOrder, 'geboekt'); },
  afterWrite(ctx, row, action) { if (action !== 'delete') afterBooking(ctx, row, 'RoutingStepPlan'); },
};

const tttFields = spec(TIMEDTIMETRANSACTION_FIELDS);
const timedTimeTransactions: EntityDef = {
  name: 'TimedTimeTransactions', paths: ['manufacturing/TimedTimeTransactions'], type: 'TimedTimeTransaction', key: 'ID', keyType: 'guid',
  verbs: [...GPUD], fields: tttFields,
  readOnly: readOnly(tttFields, ['ShopOrderNumber', 'ShopOrderRoutingStepPlanRemainingRunHours', 'ShopOrderRoutingStepPlanRemainingSetupHours']),
  required: ['ShopOrder', 'StartTime'], labels: { ShopOrder: 'Productieorder', StartTime: 'Starttijd' }, module: 'Manufacturing',
  validate(ctx, row, mode, before) {
    if (before) shopOrderOpen(ctx, before.ShopOrder, 'geboekt');
    const so = bookedOnStep(ctx, row, 'ShopOrderRoutingStepPlan');
    row.ShopOrderNumber = so.ShopOrderNumber; row.ShopOrderDescription = so.Description;
    const step = ctx.get('ShopOrderRoutingStepPlans', row.ShopOrderRoutingStepPlan as string);
    if (step) {
      row.Workcenter ??= step.Workcenter; row.Operation ??= step.Operation; row.ShopOrderRoutingStepPlanDescription = step.Description;
      row.ShopOrderRoutingStepPlanRemainingSetupHours = step.PlannedSetupHours; row.ShopOrderRoutingStepPlanRemainingRunHours = step.PlannedRunHours;
    }
    const wc = ref(ctx, 'Workcenters', row.Workcenter, 'Werkplek');
    row.WorkcenterCode = wc?.Code ?? null; row.WorkcenterDescription = wc?.Description ?? null;
    const op = ref(ctx, 'Operations', row.Operation, 'Bewerking');
    row.OperationCode = op?.Code ?? null; row.OperationDescription = op?.Description ?? null;
    if (mode === 'create') { row.Type ??= 20; row.Status ??= 10; row.IsOperationFinished ??= 0; row.Source ??= 1; row.ProducedQuantity ??= 0; }
    if (![10, 20].includes(Number(row.Type))) throw badRequest('Ongeldig: Type (10 = insteltijd, 20 = bewerkingstijd)');
    dateOrder(row.StartTime, row.EndTime, 'Ongeldig: Eindtijd ligt voor de starttijd');
    if (typeof row.EndTime === 'number' && (row.LaborHours === null || row.LaborHours === undefined || (before && before.EndTime !== row.EndTime))) {
      row.LaborHours = Math.round(((row.EndTime as number) - (row.StartTime as number)) / 36_000) / 100;
      row.MachineHours ??= row.LaborHours;
    }
  },
  beforeDelete(ctx, row) { shopOrderOpen(ctx, row.ShopOrder, 'geboekt'); },
  afterWrite(ctx, row, action) { if (action !== 'delete') afterBooking(ctx, row, 'ShopOrderRoutingStepPlan'); },
};

export const MANUFACTURING_ENTITIES: EntityDef[] = [
  workcenters, operations, shopOrders, routingStepPlans, materialPlans, manufacturingTimeTransactions, timedTimeTransactions,
];
