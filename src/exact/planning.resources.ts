/**
 * The planning side of Exact (API.md §5, §7.8–7.12) as typed resources: sync endpoints (Timestamp cursor, 1000 rows)
 * for orders, manufacturing, projects and HR; normal endpoints for the entities without a sync API (work centres,
 * warehouses); users/UserHasRights for the options screen. Modules call these; no URL is built outside src/exact.
 */
import type { ExactClient } from './exact.client.js';
import type { ExactAccount } from './exact.types.js';
import type { ExactTransport } from './transport.js';
import { Resource, SyncResource, type CallOptions } from './resource.js';
import { queryString, lit } from './odata.js';

type Ts = { Timestamp?: bigint | null };

export interface ExactSalesOrderHeader extends Ts {
  OrderID: string;
  OrderNumber?: number | null;
  Description?: string | null;
  OrderedBy?: string | null;
  OrderedByName?: string | null;
  DeliveryDate?: Date | null;
  OrderDate?: Date | null;
  Status?: number | null;
  SalespersonFullName?: string | null;
  WarehouseCode?: string | null;
  YourRef?: string | null;
  Modified?: Date | null;
}

export interface ExactSalesOrderLine extends Ts {
  ID: string;
  OrderID: string;
  OrderNumber?: number | null;
  LineNumber?: number | null;
  Item?: string | null;
  ItemCode?: string | null;
  ItemDescription?: string | null;
  Description?: string | null;
  Quantity?: number | null;
  QuantityDelivered?: number | null;
  UnitCode?: string | null;
  DeliveryDate?: Date | null;
  ShopOrder?: string | null;
  OrderStatus?: number | null;
}

export interface ExactPurchaseOrderLine {
  ID: string;
  PurchaseOrderID?: string | null;
  LineNumber?: number | null;
  ItemCode?: string | null;
  ItemDescription?: string | null;
  Description?: string | null;
  Quantity?: number | null;
  QuantityInPurchaseUnits?: number | null;
  ReceivedQuantity?: number | null;
  Unit?: string | null;
  ReceiptDate?: Date | null;
}

/** sync/PurchaseOrder/PurchaseOrders: one row per order (key PurchaseOrderID); its lines come with $expand. */
export interface ExactPurchaseOrder extends Ts {
  PurchaseOrderID: string;
  OrderNumber?: number | null;
  Description?: string | null;
  Supplier?: string | null;
  SupplierCode?: string | null;
  SupplierName?: string | null;
  SupplierContactPersonFullName?: string | null;
  PurchaseAgentFullName?: string | null;
  OrderDate?: Date | null;
  ReceiptDate?: Date | null;
  OrderStatus?: number | null;
  ReceiptStatus?: number | null;
  WarehouseCode?: string | null;
  YourRef?: string | null;
  Remarks?: string | null;
  PurchaseOrderLines?: ExactPurchaseOrderLine[] | null;
}

export interface ExactQuotation extends Ts {
  QuotationID: string;
  QuotationNumber?: number | null;
  VersionNumber?: number | null;
  Description?: string | null;
  OrderAccount?: string | null;
  OrderAccountName?: string | null;
  SalesPersonFullName?: string | null;
  ClosingDate?: Date | null;
  DueDate?: Date | null;
  DeliveryDate?: Date | null;
  Status?: number | null;
  YourRef?: string | null;
  WarehouseCode?: string | null;
}

export interface ExactQuotationLine extends Ts {
  ID: string;
  QuotationID: string;
  QuotationNumber?: number | null;
  LineNumber?: number | null;
  ItemDescription?: string | null;
  Description?: string | null;
  Quantity?: number | null;
  UnitCode?: string | null;
}

export interface ExactShopOrder extends Ts {
  ID: string;
  ShopOrderNumber?: number | null;
  Description?: string | null;
  ItemCode?: string | null;
  ItemDescription?: string | null;
  PlannedQuantity?: number | null;
  Unit?: string | null;
  PlannedStartDate?: Date | null;
  PlannedDate?: Date | null;
  Status?: number | null;
  Notes?: string | null;
  WarehouseCode?: string | null;
  IsReleased?: number | null;
  IsOnHold?: number | null;
  YourRef?: string | null;
  Modified?: Date | null;
}

export interface ExactRoutingStep extends Ts {
  ID: string;
  ShopOrder: string;
  LineNumber?: number | null;
  OperationCode?: string | null;
  OperationDescription?: string | null;
  Description?: string | null;
  WorkcenterCode?: string | null;
  PlannedStartDate?: Date | null;
  PlannedEndDate?: Date | null;
  PlannedSetupHours?: number | null;
  PlannedRunHours?: number | null;
  PlannedTotalHours?: number | null;
  Status?: number | null;
}

export interface ExactProject extends Ts {
  ID: string;
  Code?: string | null;
  Description?: string | null;
  Account?: string | null;
  AccountName?: string | null;
  ManagerFullname?: string | null;
  StartDate?: Date | null;
  EndDate?: Date | null;
  Type?: number | null;
  TypeDescription?: string | null;
  BlockPlanning?: boolean | null;
  HasWBSLines?: boolean | null;
  Modified?: Date | null;
}

/** sync/Logistics/Items: the item master; `IsTime` = 1 marks an hour type (an item with a time unit). */
export interface ExactItem extends Ts {
  ID: string;
  Code?: string | null;
  Description?: string | null;
  Unit?: string | null;
  UnitDescription?: string | null;
  UnitType?: string | null;
  IsTime?: number | boolean | null;
  IsSalesItem?: boolean | null;
  IsPurchaseItem?: boolean | null;
  IsStockItem?: boolean | null;
  IsMakeItem?: number | boolean | null;
  SearchCode?: string | null;
  EndDate?: Date | null;
}

/** sync/Project/ProjectWBS: deliverables (Type 1) and activities (Type 2) of WBS projects in one row set. */
export interface ExactProjectWbs extends Ts {
  ID: string;
  Type?: number | null;
  Project?: string | null;
  PartOf?: string | null;
  Description?: string | null;
  SequenceNumber?: number | null;
  Milestone?: boolean | null;
  Completed?: boolean | null;
  BlockEntry?: boolean | null;
  BudgetedHours?: number | null;
  StartDate?: Date | null;
  EndDate?: Date | null;
  DefaultItem?: string | null;
}

/** project/ProjectHourBudgets: budgeted hours per hour type (Item) on a project; no sync API, no deletion log. */
export interface ExactHourBudget {
  ID: string;
  Project?: string | null;
  ProjectCode?: string | null;
  Item?: string | null;
  ItemCode?: string | null;
  ItemDescription?: string | null;
  Budget?: number | null;
  Modified?: Date | null;
}

export interface ExactEmployee extends Ts {
  ID: string;
  Code?: string | null;
  HID?: number | null;
  FullName?: string | null;
  IsActive?: boolean | null;
  EndDate?: Date | null;
  LocationDescription?: string | null;
  User?: string | null;
  BusinessEmail?: string | null;
}

export interface ExactWorkcenter {
  ID: string;
  Code?: string | null;
  Description?: string | null;
  Status?: number | null;
  Type?: number | null;
  Costcenter?: string | null;
  Costunit?: string | null;
  ProductionArea?: string | null;
  Modified?: Date | null;
}

/** sync/CRM/Accounts as the planning master data reads it (SalesRelation / PurchaseRelation). */
export interface ExactRelation extends Omit<ExactAccount, 'Code' | 'Name' | 'Status' | 'IsSales' | 'Blocked'> {
  Code?: string | null;
  Name?: string | null;
  Status?: string | null;
  IsSales?: boolean | null;
  IsSupplier?: boolean | null;
  Blocked?: boolean | null;
}

/** sync/Manufacturing/ShopOrderMaterialPlans: the materials of a shop order. */
export interface ExactMaterialPlan extends Ts {
  ID: string;
  ShopOrder: string;
  LineNumber?: number | null;
  ItemCode?: string | null;
  ItemDescription?: string | null;
  Description?: string | null;
  PlannedQuantity?: number | null;
  Unit?: string | null;
  PlannedDate?: Date | null;
  Status?: number | null;
}

/** inventory/Warehouses (no sync API; a short list). */
export interface ExactWarehouse {
  ID: string;
  Code?: string | null;
  Description?: string | null;
  Main?: number | null;
}

/** The sync endpoints of the planning entities, by the names the planning module uses. */
export const PLANNING_SYNC_PATHS = {
  salesOrderHeaders: 'sync/SalesOrder/SalesOrderHeaders',
  salesOrderLines: 'sync/SalesOrder/SalesOrderLines',
  purchaseOrders: 'sync/PurchaseOrder/PurchaseOrders',
  quotationHeaders: 'sync/CRM/QuotationHeaders',
  quotationLines: 'sync/CRM/QuotationLines',
  shopOrders: 'sync/Manufacturing/ShopOrders',
  routingSteps: 'sync/Manufacturing/ShopOrderRoutingStepPlans',
  materialPlans: 'sync/Manufacturing/ShopOrderMaterialPlans',
  projects: 'sync/Project/Projects',
  projectWbs: 'sync/Project/ProjectWBS',
  items: 'sync/Logistics/Items',
  accounts: 'sync/CRM/Accounts',
  employees: 'sync/Payroll/Employees',
  schedules: 'sync/HRM/Schedules',
  scheduleEntries: 'sync/HRM/ScheduleEntries',
  leaveByDay: 'sync/HRM/LeaveAbsenceHoursByDay',
} as const;
export type PlanningSyncName = keyof typeof PLANNING_SYNC_PATHS;

/** The normal (REST) endpoints an option needs, for users/UserHasRights and for the entities without sync. */
export const PLANNING_REST_PATHS = {
  salesOrders: 'salesorder/SalesOrders',
  purchaseOrders: 'purchaseorder/PurchaseOrders',
  quotations: 'crm/Quotations',
  shopOrders: 'manufacturing/ShopOrders',
  routingSteps: 'manufacturing/ShopOrderRoutingStepPlans',
  materialPlans: 'manufacturing/ShopOrderMaterialPlans',
  workcenters: 'manufacturing/Workcenters',
  projects: 'project/Projects',
  wbsDeliverables: 'project/WBSDeliverables',
  hourBudgets: 'project/ProjectHourBudgets',
  items: 'logistics/Items',
  accounts: 'crm/Accounts',
  warehouses: 'inventory/Warehouses',
  employees: 'payroll/Employees',
  schedules: 'hrm/Schedules',
  leaveByDay: 'hrm/LeaveAbsenceHoursByDay',
} as const;
export type PlanningRestName = keyof typeof PLANNING_REST_PATHS;

/** Purchase orders per purchaseorder/PurchaseOrderLines call (the filter stays well under Exact's URL limit). */
const PO_LINE_BATCH = 20;

/** The planning API of one division. */
export class PlanningApi {
  constructor(
    private readonly http: ExactTransport,
    readonly division: number,
  ) {}

  sync<T extends Ts>(name: PlanningSyncName): SyncResource<T> {
    return new SyncResource<T>(this.http, this.division, PLANNING_SYNC_PATHS[name], 'ID');
  }

  /**
   * Project hour budgets, page by page (60 rows): all of them, or those modified since `since`. `budget` is awaited
   * before each call.
   */
  async *hourBudgets(since: Date | null, opts: CallOptions = {}, budget: () => Promise<void> = async () => undefined): AsyncGenerator<ExactHourBudget[]> {
    const res = new Resource<ExactHourBudget>(this.http, this.division, PLANNING_REST_PATHS.hourBudgets, 'ID');
    const select = ['ID', 'Project', 'ProjectCode', 'Item', 'ItemCode', 'ItemDescription', 'Budget', 'Modified'];
    const filter = since ? `Modified ge ${lit.datetime(since)}` : undefined;
    await budget();
    for await (const page of res.pages(`${this.division}/${PLANNING_REST_PATHS.hourBudgets}${queryString({ select, filter })}`, opts)) {
      yield page.rows;
      if (page.next) await budget();
    }
  }

  get workcenters(): Resource<ExactWorkcenter> {
    return new Resource<ExactWorkcenter>(this.http, this.division, PLANNING_REST_PATHS.workcenters, 'ID');
  }

  /**
   * The lines of these purchase orders (the sync endpoint has one row per order, without lines): a filter on
   * PurchaseOrderID for a batch of orders per call. `budget` is awaited before each call (rate limit).
   */
  async purchaseOrderLines(orderIds: string[], opts: CallOptions = {}, budget: () => Promise<void> = async () => undefined): Promise<{ lines: ExactPurchaseOrderLine[]; calls: number }> {
    const res = new Resource<ExactPurchaseOrderLine>(this.http, this.division, 'purchaseorder/PurchaseOrderLines', 'ID');
    const select = ['ID', 'PurchaseOrderID', 'LineNumber', 'ItemCode', 'ItemDescription', 'Description', 'Quantity', 'QuantityInPurchaseUnits', 'ReceivedQuantity', 'Unit', 'ReceiptDate'];
    const lines: ExactPurchaseOrderLine[] = [];
    let calls = 0;
    for (let i = 0; i < orderIds.length; i += PO_LINE_BATCH) {
      const filter = orderIds.slice(i, i + PO_LINE_BATCH).map((id) => `PurchaseOrderID eq ${lit.guid(id)}`).join(' or ');
      await budget();
      for await (const page of res.pages(`${this.division}/purchaseorder/PurchaseOrderLines${queryString({ select, filter })}`, opts)) {
        calls++;
        lines.push(...page.rows);
        if (page.next) await budget();
      }
    }
    return { lines, calls };
  }

  get warehouses(): Resource<ExactWarehouse> {
    return new Resource<ExactWarehouse>(this.http, this.division, PLANNING_REST_PATHS.warehouses, 'ID');
  }

  /** The first page of all warehouses (no sync API; a short list read whole). */
  warehousesFirstPage(): string {
    return `${this.division}/${PLANNING_REST_PATHS.warehouses}${queryString({ select: ['ID', 'Code', 'Description', 'Main'] })}`;
  }

  /** The first page of all work centres (no sync API; a small list read whole). */
  workcentersFirstPage(): string {
    return `${this.division}/${PLANNING_REST_PATHS.workcenters}${queryString({ select: ['ID', 'Code', 'Description', 'Status', 'Type', 'Costcenter', 'Costunit'] })}`;
  }

  /** system/Divisions.DivisionMoveDate of this division (null when it never moved): a change voids every Timestamp. */
  async divisionMoveDate(opts: CallOptions = {}): Promise<Date | null> {
    const divisions = new Resource<{ Code: number; DivisionMoveDate?: Date | null }>(this.http, this.division, 'system/Divisions', 'Code', ['Hid']);
    const row = await divisions.first({ filter: `Code eq ${lit.number(this.division)}`, select: ['Code', 'DivisionMoveDate'] }, opts);
    return row?.DivisionMoveDate instanceof Date ? row.DivisionMoveDate : null;
  }

  /** The record's address in Exact (the REST URL a webhook names as ExactOnlineEndpoint) for a card's "in Exact" link. */
  recordUrl(kind: string, exactId: string): string | null {
    const path: Record<string, [string, string]> = {
      sales_order: [PLANNING_REST_PATHS.salesOrders, ''], sales_order_line: ['salesorder/SalesOrderLines', ''],
      purchase_order: [PLANNING_REST_PATHS.purchaseOrders, ''], purchase_order_line: ['purchaseorder/PurchaseOrderLines', ''],
      quotation: [PLANNING_REST_PATHS.quotations, ''], shop_order: [PLANNING_REST_PATHS.shopOrders, ''], project: [PLANNING_REST_PATHS.projects, ''],
      wbs: [PLANNING_REST_PATHS.wbsDeliverables, ''], wbs_project: [PLANNING_REST_PATHS.projects, ''], wbs_header: [PLANNING_REST_PATHS.projects, ''],
    };
    const p = path[kind];
    if (!p || !/^[0-9a-f-]{36}$/i.test(exactId)) return null;
    return this.http.url(`${this.division}/${p[0]}(${lit.guid(exactId)})`);
  }

  /** One cheap probe of a sync endpoint (1 row) — answers 403 when the module is not in the package. */
  async probe(name: PlanningSyncName, opts: CallOptions = {}): Promise<void> {
    const path = `${this.division}/${PLANNING_SYNC_PATHS[name]}${queryString({ select: ['Timestamp'], filter: `Timestamp gt ${lit.int64(Number.MAX_SAFE_INTEGER)}` })}`;
    await this.http.request({ method: 'GET', path, division: this.division, ...opts });
  }
}

export function planningApi(client: ExactClient, division: number): PlanningApi {
  return client.planning(division);
}

export interface ExactSchedule {
  ID: string;
  Employee?: string | null;
  StartDate?: Date | null;
  EndDate?: Date | null;
  Hours?: number | null;
  Days?: number | null;
  AverageHours?: number | null;
  ScheduleType?: number | null;
  Main?: number | null;
  Timestamp?: bigint | null;
}

export interface ExactScheduleEntry {
  ID: string;
  Schedule?: string | null;
  Day?: number | null;
  DayIsSelected?: boolean | null;
  Hours?: string | null;
  StartTime?: string | null;
  EndTime?: string | null;
  Break?: boolean | null;
  BreakStartTime?: string | null;
  BreakEndTime?: string | null;
  WeekNumber?: number | null;
  Timestamp?: bigint | null;
}

export interface ExactLeaveDay {
  ID: string;
  Employee?: string | null;
  Date?: Date | null;
  Hours?: number | null;
  Type?: number | null;
  Status?: number | null;
  Timestamp?: bigint | null;
}
