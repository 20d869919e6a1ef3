/**
 * The vPlan integration options (issue #20, the vPlan article in ../shared/seeds/) — names are interfaces: they are
 * stored per division, shown on the options screen and used in tests. Grouping and advice follow the article.
 */
export const PLANNING_OPTIONS = [
  'Activity', 'ActivityViaItem', 'Item', 'ProductionOrder', 'Project', 'ProjectHours', 'HourType', 'ProjectWBS',
  'ProjectWBSCombined', 'ProjectWBSHeader', 'PurchaseOrder', 'PurchaseOrderRow', 'Quotation', 'ResourceViaEmployee',
  'ResourceViaProduction', 'SalesOrder', 'SalesOrderRow', 'SalesRelation', 'PurchaseRelation', 'Schedule', 'Warehouse',
] as const;
export type PlanningOption = (typeof PLANNING_OPTIONS)[number];

export type PlanningOptions = Record<PlanningOption, boolean>;

/** All options off: a division starts here (nothing is imported before Save + Activate). */
export function noOptions(): PlanningOptions {
  return Object.fromEntries(PLANNING_OPTIONS.map((o) => [o, false])) as PlanningOptions;
}

/** The three WBS variants exclude each other. */
export const WBS_VARIANTS: readonly PlanningOption[] = ['ProjectWBS', 'ProjectWBSCombined', 'ProjectWBSHeader'];

/** How the vPlan article rates an option within a group. */
export type AdviceLevel = 'minimum' | 'recommended' | 'optional' | 'ifDesired';

export interface OptionGroup {
  key: 'salesOrders' | 'purchaseOrders' | 'shopOrders' | 'projects' | 'quotations' | 'resources';
  /** the options in the group; `primary` = its checkbox lives here (an option named in several groups has one box) */
  options: { option: PlanningOption; level: AdviceLevel; primary: boolean }[];
}

/** The article's grouping ("When do I use which options?"), in its order. */
export const OPTION_GROUPS: readonly OptionGroup[] = [
  { key: 'salesOrders', options: [
    { option: 'SalesOrder', level: 'minimum', primary: true },
    { option: 'SalesOrderRow', level: 'ifDesired', primary: true },
    { option: 'Item', level: 'recommended', primary: true },
    { option: 'SalesRelation', level: 'recommended', primary: true },
    { option: 'ActivityViaItem', level: 'optional', primary: true },
    { option: 'Warehouse', level: 'optional', primary: true },
  ] },
  { key: 'purchaseOrders', options: [
    { option: 'PurchaseOrder', level: 'minimum', primary: true },
    { option: 'PurchaseOrderRow', level: 'ifDesired', primary: true },
    { option: 'PurchaseRelation', level: 'recommended', primary: true },
    { option: 'Item', level: 'recommended', primary: false },
  ] },
  { key: 'shopOrders', options: [
    { option: 'ProductionOrder', level: 'minimum', primary: true },
    { option: 'Activity', level: 'recommended', primary: true },
    { option: 'Item', level: 'recommended', primary: false },
    { option: 'SalesRelation', level: 'optional', primary: false },
    { option: 'ResourceViaProduction', level: 'optional', primary: false },
  ] },
  { key: 'projects', options: [
    { option: 'Project', level: 'minimum', primary: true },
    { option: 'ProjectHours', level: 'optional', primary: true },
    { option: 'HourType', level: 'optional', primary: true },
    { option: 'ProjectWBS', level: 'optional', primary: true },
    { option: 'ProjectWBSCombined', level: 'optional', primary: true },
    { option: 'ProjectWBSHeader', level: 'optional', primary: true },
  ] },
  { key: 'quotations', options: [
    { option: 'Quotation', level: 'minimum', primary: true },
    { option: 'Item', level: 'recommended', primary: false },
    { option: 'SalesRelation', level: 'recommended', primary: false },
  ] },
  { key: 'resources', options: [
    { option: 'ResourceViaEmployee', level: 'optional', primary: true },
    { option: 'Schedule', level: 'optional', primary: true },
    { option: 'ResourceViaProduction', level: 'optional', primary: true },
  ] },
];

/** The Exact endpoints (PLANNING_REST_PATHS names) an option reads: each is checked with users/UserHasRights. */
export const OPTION_ENDPOINTS: Record<PlanningOption, readonly string[]> = {
  Activity: ['routingSteps'],
  ActivityViaItem: ['salesOrders', 'items'],
  Item: ['items'],
  ProductionOrder: ['shopOrders', 'materialPlans'], // the shop order card's materials are read with it
  Project: ['projects'],
  ProjectHours: ['projects', 'hourBudgets'],
  HourType: ['items'],
  ProjectWBS: ['projects', 'wbsDeliverables'],
  ProjectWBSCombined: ['projects', 'wbsDeliverables'],
  ProjectWBSHeader: ['projects', 'wbsDeliverables'],
  PurchaseOrder: ['purchaseOrders'],
  PurchaseOrderRow: ['purchaseOrders'],
  Quotation: ['quotations'],
  ResourceViaEmployee: ['employees'],
  ResourceViaProduction: ['workcenters'],
  SalesOrder: ['salesOrders'],
  SalesOrderRow: ['salesOrders'],
  SalesRelation: ['accounts'],
  PurchaseRelation: ['accounts'],
  Schedule: ['schedules', 'leaveByDay'],
  Warehouse: ['warehouses'],
};

/** Options Koppel imports today; the others can be saved but import nothing yet (the screen says so). */
export const IMPORTED_OPTIONS: readonly PlanningOption[] = [
  'SalesOrder', 'SalesOrderRow', 'PurchaseOrder', 'PurchaseOrderRow', 'Quotation', 'ProductionOrder', 'Activity', 'Project', 'ResourceViaEmployee', 'ResourceViaProduction', 'Schedule',
  'Item', 'HourType', 'ActivityViaItem', 'ProjectHours', 'ProjectWBS', 'ProjectWBSCombined', 'ProjectWBSHeader',
  'SalesRelation', 'PurchaseRelation', 'Warehouse',
];

export type OptionProblem = 'bothSalesVariants' | 'bothPurchaseVariants' | 'wbsExclusive' | 'hourTypeForWbs' | 'scheduleLeading' | 'activityNeedsShopOrders' | 'scheduleNeedsEmployees' | 'itemActivitiesNeedSalesOrders';

/** Warnings the article gives (saving is allowed) and rules it states (saving is refused). */
export function optionProblems(o: Partial<PlanningOptions>): { errors: OptionProblem[]; warnings: OptionProblem[] } {
  const errors: OptionProblem[] = [];
  const warnings: OptionProblem[] = [];
  if (WBS_VARIANTS.filter((v) => o[v]).length > 1) errors.push('wbsExclusive');
  if (WBS_VARIANTS.some((v) => o[v]) && !o.HourType) errors.push('hourTypeForWbs');
  if (o.SalesOrder && o.SalesOrderRow) warnings.push('bothSalesVariants');
  if (o.PurchaseOrder && o.PurchaseOrderRow) warnings.push('bothPurchaseVariants');
  if (o.Activity && !o.ProductionOrder) warnings.push('activityNeedsShopOrders');
  if (o.Schedule && !o.ResourceViaEmployee) warnings.push('scheduleNeedsEmployees');
  if (o.ActivityViaItem && !o.SalesOrder && !o.SalesOrderRow) warnings.push('itemActivitiesNeedSalesOrders');
  if (o.Schedule) warnings.push('scheduleLeading');
  return { errors, warnings };
}
