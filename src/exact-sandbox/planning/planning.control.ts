import type { Request, Response, Router } from 'express';
import type { EntityContext } from '../entity.context.js';
import { createEntity } from '../entity.engine.js';
import type { EntityDef } from '../entity.types.js';
import { coerceValue } from '../odata-format.util.js';
import { Prng } from '../prng.util.js';
import type { SandboxCore } from '../sandbox.core.js';
import { ExactError, type Row } from '../sandbox.types.js';
import { rebuildDays } from './planning.hr.js';
import { SHOP_ORDER_STATUS, STEP_STATUS } from './planning.manufacturing.js';
import { PO_STATUS, QUOTATION_STATUS, SO_STATUS, purchaseOrderTotals, quotationTotals, salesOrderTotals } from './planning.orders.js';
import { rightsView, setRights } from './planning.rights.js';
import { seedPlanningVolume } from './planning.seed.js';

/**
 * Control API of the planning side (docs/sandbox.md): change, complete, cancel or delete any planning record the way a
 * user working in Exact would (webhook + sync + sync/Deleted follow), take modules and rights away, add volume.
 */

type Action = (ctx: EntityContext, def: EntityDef, row: Row, b: Record<string, unknown>) => void;

const DAY = 86_400_000;

function publicRow(row: Row): Row {
  return Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('_')));
}

function set(ctx: EntityContext, name: string, row: Row, changes: Row, fire = true): void {
  Object.assign(row, changes);
  ctx.touch(name, row, fire);
}

function lines(ctx: EntityContext, def: EntityDef, row: Row): Row[] {
  const s = def.lines!;
  return ctx.filter(s.entity, (l) => l[s.fk] === row[def.key]);
}

function salesOrderStatus(status: number, deliver: boolean): Action {
  return (ctx, def, row) => {
    const ls = lines(ctx, def, row);
    for (const l of ls) {
      set(ctx, 'SalesOrderLines', l, {
        OrderStatus: status, ...(deliver ? { QuantityDelivered: l.Quantity, DeliveryStatus: 21 } : { DeliveryStatus: status === 45 ? 45 : l.DeliveryStatus }),
      }, false);
    }
    set(ctx, 'SalesOrders', row, { Status: status, StatusDescription: SO_STATUS[status], ...(deliver ? { DeliveryStatus: 21, DeliveryStatusDescription: SO_STATUS[21] } : {}) });
  };
}

function purchaseOrderStatus(status: number): Action {
  return (ctx, def, row) => {
    for (const l of lines(ctx, def, row)) if (status === 30) set(ctx, 'PurchaseOrderLines', l, { ReceivedQuantity: l.QuantityInPurchaseUnits }, false);
    set(ctx, 'PurchaseOrders', row, { OrderStatus: status, ReceiptStatus: status, ...(status === 40 ? {} : {}) });
    void PO_STATUS;
  };
}

function shopOrderStatus(status: number): Action {
  return (ctx, _def, row) => {
    if (status >= 30) {
      for (const s of ctx.filter('ShopOrderRoutingStepPlans', (x) => x.ShopOrder === row.ID)) {
        if (Number(s.Status) !== 30) set(ctx, 'ShopOrderRoutingStepPlans', s, { Status: 30, StatusDescription: STEP_STATUS[30] }, false);
      }
    }
    set(ctx, 'ShopOrders', row, {
      Status: status, IsReleased: status > 10 ? 1 : row.IsReleased, IsInPlanning: status === 10 ? row.IsInPlanning : 0,
      ...(status >= 30 ? { ProducedQuantity: row.PlannedQuantity, ReadyToShipQuantity: row.PlannedQuantity } : {}),
    });
    void SHOP_ORDER_STATUS;
  };
}

function field(name: string, value: unknown): Action {
  return (ctx, def, row) => set(ctx, def.name, row, { [name]: value });
}

function leaveStatus(status: number): Action {
  return (ctx, _def, row) => {
    set(ctx, 'LeaveRegistrations', row, { Status: status });
    rebuildDays(ctx, row, 0);
  };
}

function absenceSource(ctx: EntityContext, reg: Row): Row | undefined {
  const tx = ctx.filter('AbsenceRegistrationTransactions', (t) => t.AbsenceRegistration === reg.ID).sort((a, b) => Number(b.StartDate) - Number(a.StartDate))[0];
  return tx ? { ...tx, Employee: reg.Employee, EndDate: Number(tx.Status) === 1 ? tx.ExpectedEndDate : null } : undefined;
}

const ACTIONS: Record<string, Record<string, Action>> = {
  SalesOrders: { complete: salesOrderStatus(21, true), cancel: salesOrderStatus(45, false), partial: salesOrderStatus(20, false), reopen: salesOrderStatus(12, false) },
  PurchaseOrders: { complete: purchaseOrderStatus(30), cancel: purchaseOrderStatus(40), partial: purchaseOrderStatus(20), reopen: purchaseOrderStatus(10) },
  Quotations: {
    accept: (ctx, _d, row) => set(ctx, 'Quotations', row, { Status: 50, StatusDescription: QUOTATION_STATUS[50], CloseDate: ctx.today() }),
    reject: (ctx, _d, row) => set(ctx, 'Quotations', row, { Status: 5, StatusDescription: QUOTATION_STATUS[5], CloseDate: ctx.today() }),
    open: (ctx, _d, row) => set(ctx, 'Quotations', row, { Status: 25, StatusDescription: QUOTATION_STATUS[25] }),
  },
  ShopOrders: {
    release: field('IsReleased', 1), unrelease: field('IsReleased', 0), hold: field('IsOnHold', 1), unhold: field('IsOnHold', 0),
    start: shopOrderStatus(20), finish: shopOrderStatus(30), complete: shopOrderStatus(40), reopen: shopOrderStatus(10),
  },
  ShopOrderRoutingStepPlans: {
    start: (ctx, _d, row) => set(ctx, 'ShopOrderRoutingStepPlans', row, { Status: 20, StatusDescription: STEP_STATUS[20] }),
    finish: (ctx, _d, row) => set(ctx, 'ShopOrderRoutingStepPlans', row, { Status: 30, StatusDescription: STEP_STATUS[30] }),
  },
  Projects: {
    block: field('BlockEntry', true), unblock: field('BlockEntry', false), blockPlanning: field('BlockPlanning', true), unblockPlanning: field('BlockPlanning', false),
    complete: (ctx, _d, row) => set(ctx, 'Projects', row, { EndDate: ctx.today() }),
  },
  WBSActivities: { block: field('BlockEntry', true), unblock: field('BlockEntry', false), complete: field('Completed', true) },
  ProjectTimeTransactions: { approve: field('HourStatus', 20), reject: field('HourStatus', 2), submit: field('HourStatus', 10) },
  LeaveRegistrations: { approve: leaveStatus(2), reject: leaveStatus(3), submit: leaveStatus(1) },
  AbsenceRegistrations: {
    recover: (ctx, _d, row, b) => {
      const tx = ctx.filter('AbsenceRegistrationTransactions', (t) => t.AbsenceRegistration === row.ID).sort((a, c) => Number(c.StartDate) - Number(a.StartDate))[0];
      if (!tx) throw new ExactError(400, 'absence registration has no transaction');
      const end = b.date === undefined ? ctx.today() : (coerceValue('date', 'date', b.date) as number);
      set(ctx, 'AbsenceRegistrationTransactions', tx, { Status: 1, ExpectedEndDate: end });
      set(ctx, 'AbsenceRegistrations', row, {});
      rebuildDays(ctx, absenceSource(ctx, row)!, 1);
    },
  },
};

/** header totals after a line was changed by the control API */
const TOTALS: Record<string, [string, string, (ctx: EntityContext, h: Row, l: Row[]) => void]> = {
  SalesOrderLines: ['SalesOrders', 'OrderID', salesOrderTotals],
  QuotationLines: ['Quotations', 'QuotationID', quotationTotals],
  PurchaseOrderLines: ['PurchaseOrders', 'PurchaseOrderID', purchaseOrderTotals],
};

function findDef(core: SandboxCore, entity: string): EntityDef {
  const e = entity.toLowerCase();
  const def = [...core.registry.byName.values()].find((d) => d.name.toLowerCase() === e || d.paths.some((p) => p.toLowerCase() === e));
  if (!def) throw new ExactError(404, `Unknown entity ${entity}`);
  return def;
}

function divisionOf(core: SandboxCore, v: unknown): number {
  const code = Number(v ?? [...core.state.divisions.keys()][0]);
  if (!core.state.divisions.has(code)) throw new ExactError(404, `Unknown division ${String(v)}`);
  return code;
}

function coerceFields(def: EntityDef, raw: unknown): Row {
  if (raw === undefined) return {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ExactError(400, 'fields must be an object');
  const lookup = new Map(Object.keys(def.fields).map((k) => [k.toLowerCase(), k]));
  const out: Row = {};
  for (const [k, v] of Object.entries(raw as Row)) {
    const name = lookup.get(k.toLowerCase());
    if (!name || def.fields[name] === 'coll' || name === def.key) throw new ExactError(400, `Unknown or not changeable field ${k} on ${def.name}`);
    out[name] = coerceValue(name, def.fields[name], v);
  }
  return out;
}

function afterChange(ctx: EntityContext, def: EntityDef, row: Row): void {
  const t = TOTALS[def.name];
  if (t) {
    const h = ctx.get(t[0], row[t[1]] as string);
    if (h) { const hd = ctx.registry.def(t[0]); t[2](ctx, h, lines(ctx, hd, h)); ctx.touch(t[0], h, true); }
  }
  if (def.name === 'LeaveRegistrations') rebuildDays(ctx, row, 0);
  if (def.name === 'AbsenceRegistrationTransactions') {
    const reg = ctx.get('AbsenceRegistrations', row.AbsenceRegistration as string);
    const src = reg ? absenceSource(ctx, reg) : undefined;
    if (src) rebuildDays(ctx, src, 1);
  }
}

/** deletes a record with its lines and dependent rows; each removal goes to sync/Deleted when the entity has a code */
function removeRecord(ctx: EntityContext, def: EntityDef, row: Row): void {
  const children: [string, string][] = [];
  if (def.lines) children.push([def.lines.entity, def.lines.fk]);
  if (def.name === 'ShopOrders') children.push(['ShopOrderRoutingStepPlans', 'ShopOrder'], ['ShopOrderMaterialPlans', 'ShopOrder'], ['ManufacturingTimeTransactions', 'ShopOrder'], ['TimedTimeTransactions', 'ShopOrder']);
  if (def.name === 'Projects') children.push(['WBSActivities', 'Project'], ['WBSDeliverables', 'Project'], ['ProjectHourBudgets', 'Project'], ['ProjectPlanning', 'Project'], ['ProjectTimeTransactions', 'Project']);
  if (def.name === 'LeaveRegistrations' || def.name === 'AbsenceRegistrationTransactions') children.push(['LeaveAbsenceHoursByDay', '_source']);
  if (def.name === 'AbsenceRegistrations') {
    for (const t of ctx.filter('AbsenceRegistrationTransactions', (x) => x.AbsenceRegistration === row.ID)) {
      for (const d of ctx.filter('LeaveAbsenceHoursByDay', (x) => x._source === t.ID)) ctx.remove('LeaveAbsenceHoursByDay', d.ID as string, true);
    }
  }
  for (const [entity, fk] of children) {
    const key = ctx.registry.def(entity).key;
    for (const c of ctx.filter(entity, (x) => x[fk] === row[def.key])) ctx.remove(entity, c[key] as string, false);
  }
  if (def.name === 'ShopOrders') for (const l of ctx.filter('SalesOrderLines', (x) => x.ShopOrder === row.ID)) set(ctx, 'SalesOrderLines', l, { ShopOrder: null }, false);
  ctx.remove(def.name, row[def.key] as string, true);
  const t = TOTALS[def.name];
  if (t) {
    const h = ctx.get(t[0], row[t[1]] as string);
    if (h) { t[2](ctx, h, lines(ctx, ctx.registry.def(t[0]), h)); ctx.touch(t[0], h, true); }
  }
}

function planningChange(core: SandboxCore, entity: string, b: Record<string, unknown>): unknown {
  const def = findDef(core, entity);
  if (!def.module && !['Items'].includes(def.name)) throw new ExactError(400, `${def.name} is not a planning entity; use the finance control calls`);
  const ctx = core.context(divisionOf(core, b.division), null);
  const action = String(b.action ?? (b.ID ? 'update' : 'create'));
  if (action === 'create') {
    const fields = coerceFields(def, Object.fromEntries(Object.entries((b.fields ?? {}) as Row).filter(([k]) => def.fields[k] !== 'coll')));
    if (def.verbs.includes('POST') && !def.virtualRows) return publicRow(createEntity(ctx, def, b.fields ?? {}));
    if (def.virtualRows) throw new ExactError(400, `${def.name} is computed and cannot be created`);
    const row = ctx.insert(def.name, fields, true);
    afterChange(ctx, def, row);
    return publicRow(row);
  }
  const id = typeof b.ID === 'string' ? b.ID.toLowerCase() : b.ID;
  const row = id === undefined ? undefined : ctx.get(def.name, id as string);
  if (!row) throw new ExactError(404, `${def.name} ${String(b.ID)} not found in division ${ctx.division}`);
  if (action === 'delete') { removeRecord(ctx, def, row); return { deleted: true, entity: def.name, key: row[def.key] }; }
  if (action === 'update') {
    set(ctx, def.name, row, coerceFields(def, b.fields));
    afterChange(ctx, def, row);
    return publicRow(row);
  }
  const fn = ACTIONS[def.name]?.[action];
  if (!fn) throw new ExactError(400, `Unknown action ${action} for ${def.name} (known: create, update, delete${Object.keys(ACTIONS[def.name] ?? {}).map((a) => `, ${a}`).join('')})`);
  fn(ctx, def, row, b);
  return publicRow(ctx.get(def.name, id as string) ?? row);
}

type Wrap = (fn: (req: Request, res: Response) => unknown) => (req: Request, res: Response, next: (e?: unknown) => void) => void;

/** registers the planning control calls on the /_sandbox router */
export function planningControl(r: Router, core: SandboxCore, wrap: Wrap): void {
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;
  r.get('/rights', wrap(() => [...core.state.divisions.values()].map(rightsView)));
  r.post('/rights', wrap((req) => {
    const b = body(req);
    const row = core.state.divisions.get(divisionOf(core, b.division))!;
    const out = setRights(row, b);
    core.onChange();
    return out;
  }));
  r.post('/planning/volume', wrap((req) => {
    const b = body(req);
    const ctx = core.context(divisionOf(core, b.division), null);
    const n = (v: unknown) => { const x = Number(v ?? 0); if (!Number.isInteger(x) || x < 0 || x > 2_000_000) throw new ExactError(400, 'counts must be integers 0…2000000'); return x; };
    const out = seedPlanningVolume(ctx, new Prng(core.state.seed * 31 + ctx.division), n(b.salesOrderLines), n(b.routingSteps));
    core.onChange();
    return out;
  }));
  r.post('/planning/:entity', wrap((req) => {
    const out = planningChange(core, String(req.params.entity), body(req));
    core.onChange();
    return out;
  }));
  void DAY;
}
