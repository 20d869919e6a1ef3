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
