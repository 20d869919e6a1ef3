import type { EndpointNeed, HealthFeature } from '../connection-health/connection-health.types.js';
import { PLANNING_REST_PATHS, type PlanningRestName } from '../../exact/planning.resources.js';
import { PlanningSettings } from './planning-settings.entity.js';
import { OPTION_ENDPOINTS, PLANNING_OPTIONS, type PlanningOption } from './planning.options.js';

/** The Exact right (i18n key under connectionHealth.rights.) and package module of each endpoint an option reads. */
const ENDPOINT_NEEDS: Record<PlanningRestName, { right: string; module?: string; keyField?: string }> = {
  salesOrders: { right: 'viewSalesOrders', module: 'Orders', keyField: 'OrderID' },
  purchaseOrders: { right: 'viewPurchaseOrders', module: 'Orders', keyField: 'PurchaseOrderID' },
  quotations: { right: 'viewQuotations', module: 'Quotations', keyField: 'QuotationID' },
  shopOrders: { right: 'viewManufacturing', module: 'Manufacturing' },
  routingSteps: { right: 'viewManufacturing', module: 'Manufacturing' },
  // its own right (one UserHasRights question per right): Exact answers per endpoint, and ProductionOrder reads the
  // materials since they joined it, so a user allowed the shop orders but not their materials is told before the import
  materialPlans: { right: 'viewShopOrderMaterials', module: 'Manufacturing' },
  workcenters: { right: 'viewManufacturing', module: 'Manufacturing' },
  projects: { right: 'viewProjects', module: 'Projects' },
  wbsDeliverables: { right: 'viewProjects', module: 'Projects' },
  hourBudgets: { right: 'viewProjects', module: 'Projects' },
  items: { right: 'viewItems' },
  accounts: { right: 'viewAccounts' },
  warehouses: { right: 'viewItems', module: 'Inventory' },
  employees: { right: 'viewEmployees', module: 'Payroll' },
  schedules: { right: 'viewHrm', module: 'HRM' },
  leaveByDay: { right: 'viewHrm', module: 'HRM' },
};

/** The health feature key of a planning option ("SalesOrderRow" → "planning-salesorderrow"). */
export function optionFeatureKey(option: PlanningOption): string {
  return `planning-${option.toLowerCase()}`;
}

/** One health feature per planning option: on when the option is active (or saved) for the division. */
export function planningHealthFeatures(): HealthFeature[] {
  return PLANNING_OPTIONS.map((option) => ({
    key: optionFeatureKey(option),
    labelKey: `planning.option.${option}`,
    href: '/settings/integrations/exact/planning',
    async enabled(division, em) {
      const s = await em.findOne(PlanningSettings, { division });
      return s?.activeOptions?.[option] === true || s?.options?.[option] === true;
    },
    needs: OPTION_ENDPOINTS[option].map((e): EndpointNeed => {
      const n = ENDPOINT_NEEDS[e as PlanningRestName];
      return { endpoint: PLANNING_REST_PATHS[e as PlanningRestName], action: 'GET', right: n.right, ...(n.module ? { module: n.module } : {}), ...(n.keyField ? { keyField: n.keyField } : {}) };
    }),
  }));
}
