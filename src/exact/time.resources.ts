/**
 * What Koppel sends back to Exact from planning and time (API.md §7.8–7.10): hours as manufacturing or project
 * TimeTransactions, planned dates on ShopOrders, the delivery date and SelectionCode on SalesOrders, and the
 * division's SelectionCodes. Every write carries our own reference where Exact keeps text (Notes), so an unclear
 * outcome is settled by a look-up, never by posting again. Modules call these; no URL is built outside src/exact.
 */
import type { ExactClient } from './exact.client.js';
import type { CallOptions, Resource } from './resource.js';
import { f, toExactDate } from './odata.js';

/** manufacturing/TimeTransactions (hours booked on a shop order). */
export interface ExactManufacturingTimeTransaction {
  ID: string;
  ShopOrder?: string | null;
  RoutingStepPlan?: string | null;
  WorkCenter?: string | null;
  Employee?: string | null;
  Date?: Date | string | null;
  /** 10 setup, 20 run */
  Activity?: number | null;
  Hours?: number | null;
  LaborHours?: number | null;
  Quantity?: number | null;
  IsOperationFinished?: number | null;
  /** 1 draft, 2 rejected, 10 submitted, 20 final */
  Status?: number | null;
  Notes?: string | null;
}

/** project/TimeTransactions (hours on a project). */
export interface ExactProjectTimeTransaction {
  ID: string;
  Employee?: string | null;
  Project?: string | null;
  /** hour type (an item with IsTime 1) */
  Item?: string | null;
  /** WBS activity */
  Activity?: string | null;
  Date?: Date | string | null;
  Quantity?: number | null;
  /** POST: 1 draft, 2 rejected, 10 submitted */
  HourStatus?: number | null;
  Notes?: string | null;
}

export interface ExactShopOrderDates {
  ID: string;
  PlannedStartDate?: Date | null;
  PlannedDate?: Date | null;
  SelectionCode?: string | null;
  Status?: number | null;
}

export interface ExactSalesOrderDates {
  OrderID: string;
  DeliveryDate?: Date | null;
  SelectionCode?: string | null;
  Status?: number | null;
}

/** project/WBSActivities: what hours on a WBS activity need (its project, its default hour type). */
export interface ExactWbsActivity {
  ID: string;
  Project?: string | null;
  /** the hour type (an item with IsTime 1) hours on this activity are booked with */
  DefaultItem?: string | null;
  BlockEntry?: boolean | null;
  Completed?: boolean | null;
}

export interface ExactSelectionCode {
  ID: string;
  Code?: string | null;
  Description?: string | null;
}

/** Our reference inside Exact's Notes: "[KOPPEL-T123]" — unique per time entry, found with substringof. */
export const timeReference = (entryId: number) => `[KOPPEL-T${entryId}]`;

/** The typed writes of the outgoing side of one division. */
export function timeApi(client: ExactClient, division: number) {
  const d = client.division(division);
  const mfg: Resource<ExactManufacturingTimeTransaction> = d.resource('manufacturing/TimeTransactions');
  const project: Resource<ExactProjectTimeTransaction> = d.resource('project/TimeTransactions');
  const shopOrders: Resource<ExactShopOrderDates> = d.resource('manufacturing/ShopOrders');
  const salesOrders: Resource<ExactSalesOrderDates> = d.resource('salesorder/SalesOrders', 'OrderID');
  const selectionCodes: Resource<ExactSelectionCode> = d.resource('logistics/SelectionCodes');
  const wbsActivities: Resource<ExactWbsActivity> = d.resource('project/WBSActivities');
  return {
    createManufacturingTime: async (row: Omit<ExactManufacturingTimeTransaction, 'ID' | 'Date'> & { Date: string }, opts?: CallOptions) =>
      (await mfg.create({ ...row, Date: toExactDate(row.Date) } as never, opts)).ID,
    /** The manufacturing hours that carry our reference (after an unclear outcome). */
    findManufacturingTime: async (shopOrder: string, reference: string, opts?: CallOptions) =>
      (await mfg.first({ filter: f.and(f.guid('ShopOrder', shopOrder), f.substringof(reference, 'Notes')), select: ['ID'] }, opts))?.ID,
    createProjectTime: async (row: Omit<ExactProjectTimeTransaction, 'ID' | 'Date'> & { Date: string }, opts?: CallOptions) =>
      (await project.create({ ...row, Date: toExactDate(row.Date) } as never, opts)).ID,
    findProjectTime: async (employee: string, reference: string, opts?: CallOptions) =>
      (await project.first({ filter: f.and(f.guid('Employee', employee), f.substringof(reference, 'Notes')), select: ['ID'] }, opts))?.ID,
    setShopOrderDates: (id: string, start: string, end: string, opts?: CallOptions) =>
      shopOrders.update(id, { PlannedStartDate: toExactDate(start), PlannedDate: toExactDate(end) } as never, opts),
    shopOrder: (id: string, opts?: CallOptions) => shopOrders.get(id, ['ID', 'PlannedStartDate', 'PlannedDate', 'SelectionCode', 'Status'], opts),
    setShopOrderSelectionCode: (id: string, code: string | null, opts?: CallOptions) => shopOrders.update(id, { SelectionCode: code }, opts),
    setSalesOrderDeliveryDate: (id: string, date: string, opts?: CallOptions) =>
      salesOrders.update(id, { DeliveryDate: toExactDate(date) } as never, opts),
    salesOrder: (id: string, opts?: CallOptions) => salesOrders.get(id, ['OrderID', 'DeliveryDate', 'SelectionCode', 'Status'], opts),
    setSalesOrderSelectionCode: (id: string, code: string | null, opts?: CallOptions) => salesOrders.update(id, { SelectionCode: code }, opts),
    /** A WBS activity's project and default hour type (hours on it are booked with that item). */
    wbsActivity: (id: string, opts?: CallOptions) => wbsActivities.get(id, ['ID', 'Project', 'DefaultItem', 'BlockEntry', 'Completed'], opts),
    selectionCodes: (opts?: CallOptions) => selectionCodes.all({ select: ['ID', 'Code', 'Description'] }, opts),
  };
}
export type TimeApi = ReturnType<typeof timeApi>;
