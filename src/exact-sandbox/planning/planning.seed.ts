import type { SandboxClock } from '../clock.util.js';
import { EntityContext, type Registry } from '../entity.context.js';
import { Prng } from '../prng.util.js';
import type { Row } from '../sandbox.types.js';
import type { SandboxState } from '../state.store.js';
import { rebuildDays } from './planning.hr.js';
import { SO_STATUS, purchaseOrderTotals, quotationTotals, salesOrderTotals } from './planning.orders.js';
import { PACKAGES } from './planning.rights.js';

/**
 * Seed data of the planning side (issue #14): a manufacturing division (1234567) and a services division (2345678),
 * Dutch names, dates relative to the sandbox clock. 3456789 has the accounting package only.
 */

const DAY = 86_400_000;
export const MANUFACTURING_DIVISION = 1234567;
export const SERVICES_DIVISION = 2345678;
const PACKAGE_OF: Record<number, string> = { 1234567: 'EOL-MFG', 2345678: 'EOL-PSA', 3456789: 'EOL-ACC' };

const FIRST = ['Jan', 'Sanne', 'Pieter', 'Fatima', 'Kees', 'Lotte', 'Mohamed', 'Eva', 'Bram', 'Noor', 'Daan', 'Sophie', 'Thijs', 'Anouk', 'Ruben', 'Iris', 'Youssef', 'Femke'];
const LAST: [string, string | null][] = [['Jansen', null], ['Berg', 'van den'], ['Bakker', null], ['Vries', 'de'], ['Visser', null], ['Smit', null], ['Meijer', null],
  ['Dijk', 'van'], ['Mulder', null], ['Bos', null], ['Vos', null], ['Peters', null], ['Hendriks', null], ['Leeuwen', 'van'], ['Dekker', null], ['Brouwer', null],
  ['Wit', 'de'], ['Graaf', 'de']];

function ctxFor(state: SandboxState, registry: Registry, clock: SandboxClock, code: number, prng: Prng): EntityContext {
  return new EntityContext(state, registry, clock, code, () => undefined, null, () => prng.guid());
}

export function seedPlanning(state: SandboxState, registry: Registry, clock: SandboxClock, code: number, seed: number): void {
  const info = state.divisions.get(code);
  const pkg = PACKAGE_OF[code];
  if (!info || !pkg) return; // divisions created through the control API keep all modules and get no planning seed
  info._package = pkg;
  info._modules = [...PACKAGES[pkg].modules];
  info._denied = [];
  const prng = new Prng(seed * 7919 + code);
  const ctx = ctxFor(state, registry, clock, code, prng);
  if (code === MANUFACTURING_DIVISION) seedManufacturing(ctx, prng);
  if (code === SERVICES_DIVISION) seedServices(ctx, prng);
}

function hours(h: number): string {
  return `${String(Math.floor(h)).padStart(2, '0')}:${String(Math.round((h % 1) * 60)).padStart(2, '0')}`;
}

/** employees with one main schedule each; types cycle through all four schedule types */
function seedEmployees(ctx: EntityContext, prng: Prng, n: number, firstCode: number, types: number[]): Row[] {
  const out: Row[] = [];
  const today = ctx.today();
  for (let i = 0; i < n; i++) {
    const [last, prefix] = LAST[(i * 7 + firstCode) % LAST.length];
    const first = FIRST[(i * 5 + firstCode) % FIRST.length];
    const full = [first, prefix, last].filter(Boolean).join(' ');
    const code = firstCode + i;
    const e = ctx.insert('Employees', {
      Code: String(code), HID: code, EmployeeHID: code, FirstName: first, MiddleName: prefix, LastName: last, FullName: full,
      Initials: `${first[0]}.`, BusinessEmail: `${first.toLowerCase()}.${last.toLowerCase()}@voorbeeld.nl`, IsActive: true,
      StartDate: today - prng.int(200, 3000) * DAY, EndDate: null, Gender: i % 2 ? 'V' : 'M', City: prng.pick(['Utrecht', 'Nieuwegein', 'Houten', 'Zeist', 'Rotterdam']),
      Country: 'NL', Language: 'NL', Nationality: 'NL',
    }, false);
    out.push(e);
    const type = types[i % types.length];
    const weekHours = type === 2 ? 24 : type === 1 ? 32 : 40;
    const s = ctx.insert('Schedules', {
      Employee: e.ID, EmployeeFullName: full, Code: `R${String(code)}`, Description: `Rooster ${full}`, ScheduleType: type,
      ScheduleTypeDescription: ['', 'Uren en gemiddeld aantal dagen', 'Uren en specifieke dagen', 'Uren per dag', 'Tijdsblokken per dag'][type],
      Hours: weekHours, AverageHours: type >= 3 ? 0 : weekHours, Days: type === 1 ? 4 : type === 2 ? 3 : 5, Main: 1, StartWeek: 1, PaymentParttimeFactor: weekHours / 40,
      LeaveHoursCompensation: 0, StartDate: today - 400 * DAY, EndDate: null, EmploymentNumber: 1, BillabilityTarget: 0.75,
    }, false);
    if (type === 2) {
      [0, 1, 3].forEach((Day) => ctx.insert('ScheduleEntries', { Schedule: s.ID, Employee: e.ID, EmployeeFullName: full, ScheduleType: 2, WeekNumber: 1, Day, DayIsSelected: true, Hours: '08:00' }, false));
    } else if (type === 3) {
      for (let Day = 0; Day < 5; Day++) ctx.insert('ScheduleEntries', { Schedule: s.ID, Employee: e.ID, EmployeeFullName: full, ScheduleType: 3, WeekNumber: 1, Day, DayIsSelected: true, Hours: hours(8) }, false);
    } else if (type === 4) {
      for (let Day = 0; Day < 5; Day++) {
        ctx.insert('ScheduleEntries', { Schedule: s.ID, Employee: e.ID, EmployeeFullName: full, ScheduleType: 4, WeekNumber: 1, Day, DayIsSelected: true,
          StartTime: '08:00', EndTime: '16:30', Break: true, BreakStartTime: '12:00', BreakEndTime: '12:30', Hours: '08:00' }, false);
      }
    }
  }
  return out;
}

const LEAVE_TYPES: [string, string][] = [['VAK', 'Vakantie'], ['ADV', 'Arbeidsduurverkorting'], ['BVL', 'Bijzonder verlof']];

/** leave and absence spread over the coming eight weeks */
function seedLeave(ctx: EntityContext, prng: Prng, emps: Row[]): void {
  const today = ctx.today();
  const types = LEAVE_TYPES.map(([c, d]) => ({ id: prng.guid(), code: c, description: d }));
  emps.forEach((e, i) => {
    const t = types[i % types.length];
    const start = today + (3 + ((i * 5) % 50)) * DAY;
    const len = i % 3 === 0 ? 0 : i % 3 === 1 ? 4 : 9;
    const status = i % 5 === 4 ? 3 : i % 2 === 0 ? 2 : 1;
    const reg = ctx.insert('LeaveRegistrations', {
      Employee: e.ID, EmployeeFullName: e.FullName, EmployeeHID: e.HID, LeaveType: t.id, LeaveTypeCode: t.code, LeaveTypeDescription: t.description,
      StartDate: start, EndDate: start + len * DAY, StartTime: null, EndTime: null, Hours: null, HoursFirstDay: len === 0 ? 4 : null, HoursLastDay: null,
      Status: status, Description: `${t.description} ${String(e.FirstName)}`, Notes: null,
    }, false);
    rebuildDays(ctx, reg, 0, false);
    reg.Hours = ctx.filter('LeaveAbsenceHoursByDay', (d) => d._source === reg.ID).reduce((s, d) => s + Number(d.Hours), 0);
  });
  [0, 3, 6].forEach((idx, k) => {
    const e = emps[idx % emps.length];
    const start = today + (k === 0 ? -3 : k * 9) * DAY;
    const reg = ctx.insert('AbsenceRegistrations', { Employee: e.ID, EmployeeFullName: e.FullName, EmployeeHID: e.HID, Cause: 1, CauseCode: 'ZIEK', CauseDescription: 'Ziekte', Notes: null }, false);
    const tx = ctx.insert('AbsenceRegistrationTransactions', {
      AbsenceRegistration: reg.ID, StartDate: start, ExpectedEndDate: k === 2 ? null : start + (2 + k * 3) * DAY, HoursFirstDay: 4, HoursLastDay: null,
      PercentageDisablement: 1, Status: k === 1 ? 1 : 0, Notes: null, NotificationMoment: null,
    }, false);
    rebuildDays(ctx, { ...tx, ID: tx.ID, Employee: e.ID, EndDate: tx.Status === 1 ? tx.ExpectedEndDate : null }, 1, false);
  });
}

function item(ctx: EntityContext, code: string, description: string, unit: string, price: number, make: boolean): Row {
  return ctx.insert('Items', {
    Code: code, Description: description, Unit: unit, UnitDescription: unit, UnitType: 'O', IsTime: 0, IsSalesItem: make, IsPurchaseItem: !make, IsStockItem: true,
    IsMakeItem: make ? 1 : 0, IsFractionAllowedItem: unit !== 'stuk', SalesVatCode: '2  ', StandardSalesPrice: price, CostPriceStandard: Math.round(price * 55) / 100, Stock: 0,
  }, false);
}

// ---- manufacturing division --------------------------------------------------------------------

const MAKE: [string, string, number, string[]][] = [
  ['KAST-RVS', 'RVS schakelkast 60x80', 1450, ['ZAGEN', 'LASSEN', 'MONTEREN', 'TESTEN']],
  ['FRAME-ST', 'Stalen montageframe', 385, ['ZAGEN', 'LASSEN', 'COATEN']],
  ['LEIDING-PR', 'Geprefabriceerd leidingwerk', 690, ['ZAGEN', 'LASSEN', 'TESTEN', 'INPAKKEN']],
  ['UNIT-WP', 'Warmtepompunit compleet', 8950, ['MONTEREN', 'TESTEN', 'INPAKKEN']],
  ['BEUGEL-SET', 'Bevestigingsbeugelset', 45, ['ZAGEN', 'COATEN', 'INPAKKEN']],
];
const MATERIALS: [string, string, string, number][] = [
  ['RVS-PLAAT', 'RVS plaat 2 mm', 'stuk', 120], ['STAAL-KOKER', 'Stalen koker 40x40 (per m)', 'm', 14.5], ['BOUT-M10', 'Bout M10 (doos 100)', 'stuk', 18.9],
  ['LAK-RAL9010', 'Poedercoating RAL 9010 (kg)', 'kg', 21], ['PAKKING', 'Rubber pakking', 'stuk', 2.4], ['KOMPRESSOR', 'Compressor scroll 8 kW', 'stuk', 1350],
];
const WORKCENTERS: [string, string, number, number][] = [
  ['ZAAG', 'Zaagstraat', 1, 58], ['LAS', 'Lasafdeling', 3, 68], ['MONT', 'Montagehal', 4, 62], ['SPUIT', 'Spuiterij', 1, 60], ['TEST', 'Eindcontrole en test', 2, 72],
];
const OPERATIONS: [string, string, string][] = [
  ['ZAGEN', 'Zagen op maat', 'ZAAG'], ['LASSEN', 'Lassen', 'LAS'], ['MONTEREN', 'Monteren', 'MONT'], ['COATEN', 'Poedercoaten', 'SPUIT'],
  ['TESTEN', 'Testen en keuren', 'TEST'], ['INPAKKEN', 'Inpakken', 'MONT'],
];
/** [status, released, on hold] cycled over the seeded shop orders: every status appears */
const SHOP_ORDER_STATES: [number, number, number][] = [[10, 0, 0], [10, 1, 0], [20, 1, 0], [20, 1, 1], [30, 1, 0], [40, 1, 0], [10, 1, 0], [20, 1, 0]];

interface MfgRefs { workcenters: Map<string, Row>; operations: Map<string, Row>; make: Row[]; materials: Row[]; employees: Row[]; selection: Row[] }

function seedManufacturing(ctx: EntityContext, prng: Prng): void {
  const today = ctx.today();
  const selection = [['SPOED', 'Spoedorder'], ['PROJECT', 'Projectlevering'], ['STANDAARD', 'Standaardlevering'], ['SERVICE', 'Servicelevering']]
    .map(([Code, Description]) => ctx.insert('SelectionCodes', { Code, Description, Active: 1 }, false));
  ctx.insert('Warehouses', { Code: 'HM', Description: 'Hoofdmagazijn Utrecht', Main: 1, UseStorageLocations: 0, EMail: 'magazijn@vandijk.example' }, false);
  ctx.insert('Warehouses', { Code: 'WP', Description: 'Werkplaats Nieuwegein', Main: 0, UseStorageLocations: 0, EMail: null }, false);
  const workcenters = new Map(WORKCENTERS.map(([Code, Description, Capacity, rate]) => [Code, ctx.insert('Workcenters', {
    Code, Description, Capacity, Status: 1, Type: 1, RunLaborRate: rate, SetupLaborRate: rate, GeneralBurdenRate: 0, LaborBurdenRate: 0, MachineBurdenRate: 0, IsLaborBurdenPercent: 0,
  }, false)]));
  const operations = new Map(OPERATIONS.map(([Code, Description]) => [Code, ctx.insert('Operations', { Code, Description, Status: 1, HasSuppliers: 0 }, false)]));
  const make = MAKE.map(([c, d, p]) => item(ctx, c, d, 'stuk', p, true));
  const materials = MATERIALS.map(([c, d, u, p]) => item(ctx, c, d, u, p, false));
  const employees = seedEmployees(ctx, prng, 10, 101, [3, 3, 4, 2, 1]);
  const refs: MfgRefs = { workcenters, operations, make, materials, employees, selection };
  const customers = ctx.filter('Accounts', (a) => !a.Blocked).slice(0, 60);
  let shopIndex = 0;
  for (let i = 0; i < 30; i++) {
    const customer = customers[(i * 7) % customers.length];
    const nLines = 1 + (i % 4);
    const status = i % 10 === 7 ? 21 : i % 15 === 11 ? 45 : i % 6 === 5 ? 20 : 12;
    const delivery = today + (5 + ((i * 11) % 55)) * DAY;
    const order = ctx.insert('SalesOrders', {
      OrderNumber: 1000 + i, OrderedBy: customer.ID, OrderedByName: customer.Name, InvoiceTo: customer.ID, InvoiceToName: customer.Name, DeliverTo: customer.ID,
      DeliverToName: customer.Name, OrderDate: today - (30 - i) * DAY, DeliveryDate: delivery, Status: status, StatusDescription: SO_STATUS[status],
      DeliveryStatus: status, DeliveryStatusDescription: SO_STATUS[status], InvoiceStatus: status === 21 ? 21 : 12, InvoiceStatusDescription: SO_STATUS[status === 21 ? 21 : 12],
      ApprovalStatus: 1, Currency: 'EUR', Description: `Order ${String(customer.Name)}`, YourRef: `PO-${String(4400 + i * 3)}`,
      SelectionCode: i % 4 === 0 ? selection[i % selection.length].ID : null, SelectionCodeCode: i % 4 === 0 ? selection[i % selection.length].Code : null,
      SelectionCodeDescription: i % 4 === 0 ? selection[i % selection.length].Description : null,
      WarehouseID: ctx.find('Warehouses', (w) => w.Main === 1)!.ID, WarehouseCode: 'HM', WarehouseDescription: 'Hoofdmagazijn Utrecht',
    }, false);
    const lines: Row[] = [];
    for (let l = 0; l < nLines; l++) {
      const it = l === 0 || prng.bool(0.6) ? make[(i + l) % make.length] : materials[(i + l) % materials.length];
      const qty = Number(it.IsMakeItem) === 1 ? 1 + ((i + l) % 6) : 5 + ((i * l) % 20);
      const delivered = status === 21 ? qty : status === 20 && l === 0 ? Math.max(1, Math.floor(qty / 2)) : 0;
      const line = salesLine(ctx, order, l + 1, it, qty, delivery, delivered, status);
      if (Number(it.IsMakeItem) === 1 && status !== 45) {
        const so = seedShopOrder(ctx, prng, refs, shopIndex++, it, qty, delivery, order, status === 21 ? 40 : undefined);
        line.ShopOrder = so.ID;
      }
      lines.push(line);
    }
    salesOrderTotals(ctx, order, lines);
  }
  for (let k = 0; k < 4; k++) seedShopOrder(ctx, prng, refs, shopIndex++, make[k % make.length], 10 + k * 5, today + (10 + k * 7) * DAY, null, undefined);
  seedPurchaseOrders(ctx, prng, materials, today);
  seedQuotations(ctx, prng, [...make, ...materials], customers, today);
  seedLeave(ctx, prng, employees.slice(0, 6));
}

function salesLine(ctx: EntityContext, order: Row, n: number, it: Row, qty: number, delivery: number, delivered: number, status: number): Row {
  const price = Number(it.StandardSalesPrice);
  return ctx.insert('SalesOrderLines', {
    OrderID: order.OrderID, OrderNumber: order.OrderNumber, LineNumber: n, Item: it.ID, ItemCode: it.Code, ItemDescription: it.Description, Description: it.Description,
    Quantity: qty, QuantityDelivered: delivered, QuantityInvoiced: status === 21 ? qty : 0, UnitPrice: price, NetPrice: price, Discount: 0,
    AmountFC: Math.round(price * qty * 100) / 100, AmountDC: Math.round(price * qty * 100) / 100, VATCode: '2  ', VATPercentage: 0.21,
    VATAmount: Math.round(price * qty * 21) / 100, DeliveryDate: delivery, UnitCode: it.Unit, UnitDescription: it.Unit, CostPriceFC: it.CostPriceStandard,
    Margin: Math.round((price - Number(it.CostPriceStandard)) * 100) / 100, OrderStatus: status,
    DeliveryStatus: delivered === 0 ? (status === 45 ? 45 : 12) : delivered >= qty ? 21 : 20, InvoiceStatus: status === 21 ? 21 : 12, UseDropShipment: 0,
  }, false);
}

function seedShopOrder(ctx: EntityContext, prng: Prng, r: MfgRefs, idx: number, it: Row, qty: number, due: number, order: Row | null, forced?: number): Row {
  const [status0, released, hold] = SHOP_ORDER_STATES[idx % SHOP_ORDER_STATES.length];
  const status = forced ?? status0;
  const today = ctx.today();
  const span = 2 + (idx % 6);
  const offset = status === 40 || status === 30 ? -(span + 3 + (idx % 10)) : status === 20 ? -Math.floor(span / 2) : 2 + ((idx * 3) % 30);
  const start = Math.min(today + offset * DAY, due - (span + 1) * DAY);
  const end = start + span * DAY;
  const wh = ctx.find('Warehouses', (w) => w.Main === 1)!;
  const sel = order?.SelectionCode ? ctx.get('SelectionCodes', order.SelectionCode as string) : undefined;
  const so = ctx.insert('ShopOrders', {
    ShopOrderNumber: 5000 + idx, ShopOrderNumberString: String(5000 + idx), Item: it.ID, ItemCode: it.Code, ItemDescription: it.Description,
    Description: order ? `${String(it.Description)} voor order ${String(order.OrderNumber)}` : `${String(it.Description)} op voorraad`,
    PlannedQuantity: qty, ProducedQuantity: status >= 30 ? qty : 0, ReadyToShipQuantity: status >= 30 ? qty : 0, PlannedStartDate: start, PlannedDate: end,
    EntryDate: start - 7 * DAY, Status: status, IsReleased: status > 10 ? 1 : released, IsOnHold: hold, IsInPlanning: status === 10 ? 1 : 0, Type: 9040,
    Unit: 'stuk', UnitDescription: 'stuk', Warehouse: wh.ID, WarehouseCode: wh.Code, WarehouseDescription: wh.Description,
    SelectionCode: sel?.ID ?? null, SelectionCodeCode: sel?.Code ?? null, SelectionCodeDescription: sel?.Description ?? null,
    SalesOrderLineCount: order ? 1 : 0, YourRef: order ? String(order.YourRef) : null, IsBatch: 0, IsSerial: 0, IsFractionAllowedItem: 0,
  }, false);
  const ops = MAKE.find(([c]) => c === it.Code)?.[3] ?? ['MONTEREN'];
  const perStep = (end - start) / ops.length;
  const steps = ops.map((opCode, k) => {
    const op = r.operations.get(opCode)!;
    const wcCode = OPERATIONS.find(([c]) => c === opCode)![2];
    const wc = r.workcenters.get(wcCode)!;
    const setup = [0.5, 1, 1.5, 2][(idx + k) % 4];
    const run = Math.round(qty * [0.25, 0.5, 0.75, 1.25][(idx + k * 3) % 4] * 100) / 100;
    const stepStatus = status >= 30 ? 30 : status === 20 ? (k < Math.floor(ops.length / 2) ? 30 : k === Math.floor(ops.length / 2) ? 20 : 10) : 10;
    return ctx.insert('ShopOrderRoutingStepPlans', {
      ShopOrder: so.ID, LineNumber: (k + 1) * 10, Operation: op.ID, OperationCode: op.Code, OperationDescription: op.Description, Description: op.Description,
      Workcenter: wc.ID, WorkcenterCode: wc.Code, WorkcenterDescription: wc.Description, PlannedStartDate: Math.round(start + k * perStep),
      PlannedEndDate: Math.round(start + (k + 1) * perStep), PlannedSetupHours: setup, PlannedRunHours: run, PlannedTotalHours: setup + run, Setup: setup, SetupUnit: 'uur',
      Run: Math.round((run / qty) * 10000) / 10000, RunMethod: 1, RunMethodDescription: 'Per stuk', EfficiencyPercentage: 100, AttendedPercentage: 100,
      Status: stepStatus, StatusDescription: ['Open', 'In behandeling', 'Gereed'][stepStatus / 10 - 1], Backflush: 0, RoutingStepType: 1,
      TotalCostDC: Math.round((setup + run) * Number(wc.RunLaborRate) * 100) / 100, CostPerItem: Math.round(((setup + run) * Number(wc.RunLaborRate) / qty) * 100) / 100,
    }, false);
  });
  const mats = r.materials.filter((_m, k) => (k + idx) % 3 !== 0).slice(0, 2 + (idx % 3));
  mats.forEach((m, k) => {
    const q = Math.round(qty * (1 + k) * 100) / 100;
    ctx.insert('ShopOrderMaterialPlans', {
      ShopOrder: so.ID, LineNumber: k + 1, Item: m.ID, ItemCode: m.Code, ItemDescription: m.Description, Description: m.Description, PlannedQuantity: q,
      PlannedQuantityFactor: 1 + k, PlannedDate: start, PlannedPriceFC: m.CostPriceStandard, PlannedAmountFC: Math.round(q * Number(m.CostPriceStandard) * 100) / 100,
      Backflush: 0, Type: 1, Status: status >= 30 ? 30 : 10, StatusDescription: status >= 30 ? 'Uitgegeven' : 'Open', Unit: m.Unit, UnitDescription: m.Unit,
      WastePercentage: 0, CalculatorType: 1, RoutingStepID: steps[0].ID,
    }, false);
  });
  so.ShopOrderRoutingStepPlanCount = steps.length;
  so.ShopOrderMaterialPlanCount = mats.length;
  for (const s of steps.filter((x) => Number(x.Status) >= 20)) {
    const emp = r.employees[(idx + Number(s.LineNumber)) % r.employees.length];
    const date = Math.max(start, Math.min(today, s.PlannedStartDate as number)) - (Math.max(start, Math.min(today, s.PlannedStartDate as number)) % DAY);
    for (const [activity, h] of [[10, s.PlannedSetupHours], [20, s.PlannedRunHours]] as [number, number][]) {
      ctx.insert('ManufacturingTimeTransactions', {
        ShopOrder: so.ID, RoutingStepPlan: s.ID, WorkCenter: s.Workcenter, Employee: emp.ID, Date: date, Activity: activity, Hours: h, LaborHours: h,
        Quantity: activity === 20 && Number(s.Status) === 30 ? qty : 0, PercentComplete: Number(s.Status) === 30 ? 100 : 50,
        IsOperationFinished: activity === 20 && Number(s.Status) === 30 ? 1 : 0, Status: 20, Notes: null,
      }, false);
    }
    if (Number(s.Status) === 20) {
      ctx.insert('TimedTimeTransactions', {
        ShopOrder: so.ID, ShopOrderNumber: so.ShopOrderNumber, ShopOrderDescription: so.Description, ShopOrderRoutingStepPlan: s.ID,
        ShopOrderRoutingStepPlanDescription: s.Description, Workcenter: s.Workcenter, WorkcenterCode: s.WorkcenterCode, WorkcenterDescription: s.WorkcenterDescription,
        Operation: s.Operation, OperationCode: s.OperationCode, OperationDescription: s.OperationDescription, Employee: emp.ID, EmployeeFullName: emp.FullName,
        StartTime: today + 7 * 3_600_000, EndTime: null, Type: 20, Status: 10, IsOperationFinished: 0, Source: 1, ProducedQuantity: 0,
        ShopOrderRoutingStepPlanRemainingSetupHours: 0, ShopOrderRoutingStepPlanRemainingRunHours: s.PlannedRunHours,
      }, false);
    }
  }
  void prng;
  return so;
}

function seedPurchaseOrders(ctx: EntityContext, prng: Prng, materials: Row[], today: number): void {
  const suppliers = ctx.filter('Accounts', (a) => Boolean(a.IsSupplier) && !a.Blocked).slice(0, 8);
  const wh = ctx.find('Warehouses', (w) => w.Main === 1)!;
  for (let i = 0; i < 12 && suppliers.length > 0; i++) {
    const s = suppliers[i % suppliers.length];
    const status = i % 6 === 5 ? 40 : i % 4 === 3 ? 30 : i % 5 === 2 ? 20 : 10;
    const receipt = today + (status === 30 ? -5 : 3 + ((i * 4) % 30)) * DAY;
    const po = ctx.insert('PurchaseOrders', {
      OrderNumber: 2000 + i, Supplier: s.ID, SupplierName: s.Name, SupplierCode: s.Code, OrderDate: today - (20 - i) * DAY, ReceiptDate: receipt,
      OrderStatus: status, ReceiptStatus: status, InvoiceStatus: status === 30 ? 30 : 10, ApprovalStatus: 1, Source: 1, Currency: 'EUR', ExchangeRate: 1,
      Description: `Inkoop materialen ${String(s.Name)}`, YourRef: `INK-${String(300 + i)}`, Warehouse: wh.ID, WarehouseCode: wh.Code, WarehouseDescription: wh.Description,
      DropShipment: false,
    }, false);
    const lines: Row[] = [];
    for (let l = 0; l < 1 + (i % 3); l++) {
      const m = materials[(i + l) % materials.length];
      const q = 10 + ((i * 7 + l) % 40);
      const price = Number(m.CostPriceStandard);
      lines.push(ctx.insert('PurchaseOrderLines', {
        PurchaseOrderID: po.PurchaseOrderID, LineNumber: l + 1, Item: m.ID, ItemCode: m.Code, ItemDescription: m.Description, Description: m.Description,
        QuantityInPurchaseUnits: q, Quantity: q, UnitPrice: price, NetPrice: price, Discount: 0, AmountFC: Math.round(q * price * 100) / 100, AmountDC: Math.round(q * price * 100) / 100,
        VATCode: '2  ', VATPercentage: 0.21, VATAmount: Math.round(q * price * 21) / 100, ReceiptDate: receipt,
        ReceivedQuantity: status === 30 ? q : status === 20 && l === 0 ? Math.floor(q / 2) : 0, InvoicedQuantity: status === 30 ? q : 0, Unit: m.Unit, UnitDescription: m.Unit,
      }, false));
    }
    purchaseOrderTotals(ctx, po, lines);
  }
  void prng;
}

function seedQuotations(ctx: EntityContext, prng: Prng, items: Row[], customers: Row[], today: number): void {
  const statuses = [20, 25, 25, 40, 50, 5, 6, 20, 25, 50, 60, 25];
  statuses.forEach((status, i) => {
    const c = customers[(i * 5 + 3) % customers.length];
    const q = ctx.insert('Quotations', {
      QuotationNumber: 300 + i, VersionNumber: status === 6 ? 2 : 1, OrderAccount: c.ID, OrderAccountName: c.Name, OrderAccountCode: c.Code, InvoiceAccount: c.ID,
      InvoiceAccountName: c.Name, DeliveryAccount: c.ID, DeliveryAccountName: c.Name, QuotationDate: today - (20 - i) * DAY, DueDate: today + (10 + i) * DAY,
      ClosingDate: today + (5 + i) * DAY, DeliveryDate: today + (30 + i * 2) * DAY, Status: status, Currency: 'EUR', Description: `Offerte ${String(c.Name)}`,
      YourRef: `RFQ-${String(800 + i)}`, CloseDate: status === 50 || status === 5 ? today - DAY : null,
    }, false);
    const lines: Row[] = [];
    for (let l = 0; l < 1 + (i % 3); l++) {
      const it = items[(i + l * 2) % items.length];
      const qty = 1 + ((i + l) % 5);
      const price = Number(it.StandardSalesPrice);
      lines.push(ctx.insert('QuotationLines', {
        QuotationID: q.QuotationID, QuotationNumber: q.QuotationNumber, VersionNumber: q.VersionNumber, LineNumber: l + 1, Item: it.ID, ItemDescription: it.Description,
        Description: it.Description, Quantity: qty, UnitPrice: price, NetPrice: price, Discount: 0, AmountFC: Math.round(qty * price * 100) / 100,
        AmountDC: Math.round(qty * price * 100) / 100, VATCode: '2  ', VATPercentage: 0.21, VATAmountFC: Math.round(qty * price * 21) / 100, UnitCode: it.Unit, UnitDescription: it.Unit,
      }, false));
    }
    quotationTotals(ctx, q, lines);
  });
  void prng;
}

// ---- services division ---------------------------------------------------------------------------

const PROJECTS: [string, string, number, boolean?, boolean?][] = [
  ['Implementatie ERP Gemeente Zeist', 'IMPL', 2], ['Advies duurzaamheid kantoorpanden', 'DUUR', 3], ['Interne kennisdeling', 'INTERN', 4],
  ['Strippenkaart support 2026', 'STRIP', 5], ['Campagne voorjaar', 'CAMP', 1], ['Procesoptimalisatie logistiek', 'PROC', 3], ['Herinrichting archief', 'ARCH', 2],
  ['Detachering projectleider', 'DET', 3, true], ['Migratie klantportaal', 'MIGR', 2], ['Audit informatiebeveiliging', 'AUDIT', 3, false, true],
  ['Retainer strategisch advies', 'RET', 5], ['Nieuwbouw hoofdkantoor begeleiding', 'NIEUW', 2], ['Training medewerkers', 'TRAIN', 4],
  ['Subsidieaanvraag energietransitie', 'SUBS', 3], ['Beurs- en eventcampagne', 'BEURS', 1],
];

function seedServices(ctx: EntityContext, prng: Prng): void {
  const today = ctx.today();
  const employees = seedEmployees(ctx, prng, 12, 201, [1, 2, 3, 4]);
  const customers = ctx.filter('Accounts', (a) => !a.Blocked).slice(0, 40);
  const timeItems = ctx.filter('Items', (i) => Number(i.IsTime) === 1);
  const projects = PROJECTS.map(([description, prefix, type, blockEntry, blockPlanning], i) => {
    const start = today - (60 - i * 4) * DAY;
    const c = customers[(i * 3) % customers.length];
    const mgr = employees[i % employees.length];
    return ctx.insert('Projects', {
      Code: `P26-${String(i + 1).padStart(3, '0')}`, Description: description, Type: type, TypeDescription: ['', 'Campagne', 'Vaste prijs', 'Nacalculatie', 'Niet factureerbaar', 'Vooruitbetaald'][type],
      PrepaidType: type === 5 ? 1 + (i % 2) : null, PrepaidTypeDescription: type === 5 ? (i % 2 ? 'Uursoortbundel' : 'Retainer') : null,
      Account: type === 4 ? null : c.ID, AccountName: type === 4 ? null : c.Name, AccountCode: type === 4 ? null : c.Code, Manager: mgr.ID, ManagerFullname: mgr.FullName,
      StartDate: start, EndDate: start + (90 + (i % 5) * 30) * DAY, BudgetType: type === 2 ? 2 : 1, BudgetedAmount: type === 2 ? 15000 + i * 2500 : 0,
      BudgetedRevenue: type === 2 ? 15000 + i * 2500 : 0, BudgetedCosts: 0, SalesTimeQuantity: type === 2 ? 120 + i * 10 : 0, TimeQuantityToAlert: type === 2 ? 100 : 0,
      BudgetOverrunHours: i % 4 === 0 ? 20 : 10, BlockEntry: blockEntry ?? false, BlockInvoicing: false, BlockPlanning: blockPlanning ?? false, BlockPurchasing: false,
      BlockRebilling: false, UseBillingMilestones: type === 2, AllowAdditionalInvoicing: false, IsWBSRequiredForEntry: i < 4 ? 1 : 0, HasWBSLines: false,
      CustomerPOnumber: type === 4 ? null : `${prefix}-${String(7700 + i)}`, CostsAmountFC: 0,
    }, false);
  });
  // WBS: two levels of deliverables with activities below, on the first four projects
  projects.slice(0, 4).forEach((p, pi) => {
    let seq = 1;
    for (const [phase, subs] of [['Fase 1 Analyse', ['Intake en workshops', 'Rapportage']], ['Fase 2 Realisatie', ['Inrichting', 'Test en acceptatie']]] as [string, string[]][]) {
      const d1 = ctx.insert('WBSDeliverables', { Project: p.ID, ProjectDescription: p.Description, Description: phase, PartOf: null, SequenceNumber: seq++, Milestone: true, Completed: false, ReleaseInvoiceTerm: false }, false);
      subs.forEach((sub, si) => {
        const d2 = ctx.insert('WBSDeliverables', { Project: p.ID, ProjectDescription: p.Description, Description: sub, PartOf: d1.ID, PartOfDescription: phase, SequenceNumber: seq++, Milestone: false, Completed: false, ReleaseInvoiceTerm: false }, false);
        for (let a = 0; a < 2; a++) {
          const start = (p.StartDate as number) + ((si + a) * 14 + (phase.startsWith('Fase 2') ? 42 : 0)) * DAY;
          ctx.insert('WBSActivities', {
            Project: p.ID, ProjectDescription: p.Description, PartOf: d2.ID, PartOfDescription: sub, Description: `${sub} ${['voorbereiden', 'uitvoeren'][a]}`,
            SequenceNumber: seq++, StartDate: start, EndDate: start + 13 * DAY, BudgetedHours: 8 + ((pi + si + a) % 4) * 8, BudgetedCost: 0, BudgetedRevenue: 0,
            BudgetOverrunHours: p.BudgetOverrunHours, DefaultItem: timeItems[(pi + a) % timeItems.length].ID, DefaultItemIsMandatory: false,
            InvoiceMethod: ({ 1: 4, 2: 2, 3: 3, 4: 4, 5: 5 } as Record<number, number>)[Number(p.Type)], BlockEntry: pi === 3 && a === 1, Completed: false, TimeQuantityToAlert: 0,
          }, false);
        }
      });
    }
    p.HasWBSLines = true;
  });
  projects.filter((p) => Number(p.Type) === 2).forEach((p, i) => {
    for (const it of timeItems.slice(0, 2 + (i % 2))) {
      ctx.insert('ProjectHourBudgets', { Project: p.ID, ProjectCode: p.Code, ProjectDescription: p.Description, Item: it.ID, ItemCode: it.Code, ItemDescription: it.Description, Budget: 40 + i * 8 }, false);
    }
  });
  // hours of the past three weeks and planning for the coming eight weeks
  const open = projects.filter((p) => !p.BlockEntry && (p.StartDate as number) <= today);
  for (let d = 21; d >= 1; d--) {
    const date = today - d * DAY;
    if (new Date(date).getUTCDay() % 6 === 0) continue;
    employees.slice(0, 8).forEach((e, k) => {
      const p = open[(d + k) % open.length];
      if (date < (p.StartDate as number)) return;
      const acts = ctx.filter('WBSActivities', (a) => a.Project === p.ID && !a.BlockEntry);
      const act = acts.length ? acts[(d + k) % acts.length] : undefined;
      const it = timeItems[(d * 3 + k) % timeItems.length];
      const qty = [4, 6, 8, 2, 7.5][(d + k) % 5];
      ctx.insert('ProjectTimeTransactions', {
        Employee: e.ID, Date: date, Project: p.ID, ProjectCode: p.Code, ProjectDescription: p.Description, Account: p.Account, AccountName: p.AccountName,
        ProjectAccount: p.Account, ProjectAccountName: p.AccountName, ProjectAccountCode: p.AccountCode, Item: it.ID, ItemDescription: it.Description,
        Activity: act?.ID ?? null, ActivityDescription: act?.Description ?? null, Quantity: qty, PriceFC: it.StandardSalesPrice,
        AmountFC: Math.round(qty * Number(it.StandardSalesPrice) * 100) / 100, Currency: 'EUR', HourStatus: d > 14 ? 20 : d > 7 ? 10 : 1, Type: 1, ItemDivisable: true,
        Notes: null, EntryNumber: null,
      }, false);
    });
  }
  const plannable = projects.filter((p) => !p.BlockPlanning);
  for (let w = 0; w < 8; w++) {
    const monday = today + ((8 - new Date(today).getUTCDay()) % 7) * DAY + w * 7 * DAY;
    employees.forEach((e, k) => {
      if ((w + k) % 3 === 2) return;
      const p = plannable[(w * 2 + k) % plannable.length];
      const it = timeItems[(w + k) % timeItems.length];
      const act = ctx.find('WBSActivities', (a) => a.Project === p.ID);
      ctx.insert('ProjectPlanning', {
        Employee: e.ID, EmployeeCode: e.Code, EmployeeHID: e.HID, Project: p.ID, ProjectCode: p.Code, ProjectDescription: p.Description, Account: p.Account,
        AccountName: p.AccountName, AccountCode: p.AccountCode, HourType: it.ID, HourTypeCode: it.Code, HourTypeDescription: it.Description,
        ProjectWBS: act?.ID ?? null, ProjectWBSDescription: act?.Description ?? null, StartDate: monday, EndDate: monday + 4 * DAY, Hours: [8, 16, 24, 32][(w + k) % 4],
        Status: 1, Type: 1, OverAllocate: false, IsBrokenRecurrence: false, Description: `${String(p.Description)} week ${w + 1}`,
      }, false);
    });
  }
  seedLeave(ctx, prng, employees);
}

// ---- volume -----------------------------------------------------------------------------------------

/**
 * Volume for benchmarks and load tests: `salesOrderLines` extra sales order lines (10 per order) and
 * `routingSteps` extra shop-order operations (5 per shop order) in one division (control API `POST /_sandbox/planning/volume`).
 */
export function seedPlanningVolume(ctx: EntityContext, prng: Prng, salesOrderLines: number, routingSteps: number): { salesOrders: number; salesOrderLines: number; shopOrders: number; routingSteps: number } {
  const today = ctx.today();
  const customers = ctx.filter('Accounts', (a) => !a.Blocked).slice(0, 200);
  const items = ctx.filter('Items', (i) => Number(i.IsTime) !== 1);
  const makeItems = ctx.filter('Items', (i) => Number(i.IsMakeItem) === 1);
  const wcs = [...ctx.table('Workcenters').rows.values()];
  const ops = [...ctx.table('Operations').rows.values()];
  if (customers.length === 0 || items.length === 0) throw new Error('division has no customers or items');
  let orderNo = 0;
  for (const o of ctx.table('SalesOrders').rows.values()) orderNo = Math.max(orderNo, Number(o.OrderNumber));
  let orders = 0;
  for (let made = 0; made < salesOrderLines; orders++) {
    const c = customers[orders % customers.length];
    const delivery = today + (1 + (orders % 90)) * DAY;
    const order = ctx.insert('SalesOrders', {
      OrderNumber: ++orderNo, OrderedBy: c.ID, OrderedByName: c.Name, InvoiceTo: c.ID, InvoiceToName: c.Name, DeliverTo: c.ID, DeliverToName: c.Name,
      OrderDate: today - (orders % 30) * DAY, DeliveryDate: delivery, Status: 12, StatusDescription: 'Open', DeliveryStatus: 12, InvoiceStatus: 12, ApprovalStatus: 1,
      Currency: 'EUR', Description: `Volumeorder ${orderNo}`,
    }, false);
    let total = 0;
    for (let l = 1; l <= 10 && made < salesOrderLines; l++, made++) {
      const it = items[(orders + l) % items.length];
      const price = Number(it.StandardSalesPrice ?? 10);
      const qty = 1 + ((orders + l) % 9);
      total += price * qty;
      ctx.insert('SalesOrderLines', {
        OrderID: order.OrderID, OrderNumber: orderNo, LineNumber: l, Item: it.ID, ItemCode: it.Code, ItemDescription: it.Description, Description: it.Description,
        Quantity: qty, QuantityDelivered: 0, QuantityInvoiced: 0, UnitPrice: price, NetPrice: price, Discount: 0, AmountFC: Math.round(price * qty * 100) / 100,
        AmountDC: Math.round(price * qty * 100) / 100, VATCode: '2  ', VATPercentage: 0.21, DeliveryDate: delivery, UnitCode: it.Unit, OrderStatus: 12, DeliveryStatus: 12, InvoiceStatus: 12,
      }, false);
    }
    order.AmountFCExclVat = Math.round(total * 100) / 100;
  }
  let shopNo = 0;
  for (const s of ctx.table('ShopOrders').rows.values()) shopNo = Math.max(shopNo, Number(s.ShopOrderNumber));
  let shopOrders = 0;
  if (routingSteps > 0 && (makeItems.length === 0 || wcs.length === 0)) throw new Error('division has no make items or work centres');
  for (let made = 0; made < routingSteps; shopOrders++) {
    const it = makeItems[shopOrders % makeItems.length];
    const start = today + ((shopOrders % 120) - 20) * DAY;
    const so = ctx.insert('ShopOrders', {
      ShopOrderNumber: ++shopNo, ShopOrderNumberString: String(shopNo), Item: it.ID, ItemCode: it.Code, ItemDescription: it.Description, Description: `Volume ${shopNo}`,
      PlannedQuantity: 1 + (shopOrders % 20), ProducedQuantity: 0, PlannedStartDate: start, PlannedDate: start + 5 * DAY, EntryDate: start - DAY, Status: 10,
      IsReleased: shopOrders % 2, IsOnHold: 0, IsInPlanning: 1, Type: 9040,
    }, false);
    for (let k = 0; k < 5 && made < routingSteps; k++, made++) {
      const wc = wcs[(shopOrders + k) % wcs.length];
      const op = ops[(shopOrders + k) % Math.max(1, ops.length)];
      ctx.insert('ShopOrderRoutingStepPlans', {
        ShopOrder: so.ID, LineNumber: (k + 1) * 10, Workcenter: wc.ID, WorkcenterCode: wc.Code, WorkcenterDescription: wc.Description, Operation: op?.ID ?? null,
        OperationCode: op?.Code ?? null, Description: op?.Description ?? wc.Description, PlannedStartDate: start + k * DAY, PlannedEndDate: start + (k + 1) * DAY,
        PlannedSetupHours: 1, PlannedRunHours: 2 + (k % 3), PlannedTotalHours: 3 + (k % 3), Status: 10, StatusDescription: 'Open', RunMethod: 1,
      }, false);
    }
  }
  void prng;
  return { salesOrders: orders, salesOrderLines, shopOrders, routingSteps };
}

