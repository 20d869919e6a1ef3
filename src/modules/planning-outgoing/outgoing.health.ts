import type { HealthFeature } from '../connection-health/connection-health.types.js';
import { OutgoingSettings } from './outgoing.entity.js';

type Switch = 'shopOrderTime' | 'projectOutbound' | 'shopOrderPlannedDate' | 'salesOrderDeliveryDate';

const on = (sw: Switch): HealthFeature['enabled'] => async (division, em) => (await em.findOne(OutgoingSettings, { division }))?.[sw] === true;

/** The outgoing switches (time export and the dates sent back) and what each needs in Exact; keyed by switch. */
export const OUTGOING_FEATURES: Record<Switch, HealthFeature> = {
  shopOrderTime: {
    key: 'time-export-shop-order', labelKey: 'outgoing.health.shopOrderTime', href: '/settings/integrations/exact/planning/outgoing', enabled: on('shopOrderTime'),
    needs: [{ endpoint: 'manufacturing/TimeTransactions', action: 'POST', right: 'manufacturingHours', module: 'Manufacturing' }],
  },
  projectOutbound: {
    key: 'time-export-project', labelKey: 'outgoing.health.projectOutbound', href: '/settings/integrations/exact/planning/outgoing', enabled: on('projectOutbound'),
    needs: [{ endpoint: 'project/TimeTransactions', action: 'POST', right: 'projectHours', module: 'Projects' }],
  },
  shopOrderPlannedDate: {
    key: 'shop-order-dates', labelKey: 'outgoing.health.shopOrderPlannedDate', href: '/settings/integrations/exact/planning/outgoing', enabled: on('shopOrderPlannedDate'),
    needs: [{ endpoint: 'manufacturing/ShopOrders', action: 'PUT', right: 'manageShopOrders', module: 'Manufacturing' }],
  },
  salesOrderDeliveryDate: {
    key: 'sales-order-dates', labelKey: 'outgoing.health.salesOrderDeliveryDate', href: '/settings/integrations/exact/planning/outgoing', enabled: on('salesOrderDeliveryDate'),
    needs: [{ endpoint: 'salesorder/SalesOrders', action: 'PUT', right: 'manageSalesOrders', module: 'Orders', keyField: 'OrderID' }],
  },
};

export const OUTGOING_SWITCHES = Object.keys(OUTGOING_FEATURES) as Switch[];
