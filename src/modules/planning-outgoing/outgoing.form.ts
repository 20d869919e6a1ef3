import { z } from 'zod';
import { isGuid } from '../../common/validation.js';
import { SELECTION_STATUSES } from './outgoing.entity.js';

const box = z.preprocess((v) => v === 'on' || v === '1' || v === 'true', z.boolean());
const code = z.preprocess((v) => (typeof v === 'string' && v.trim() !== '' ? v.trim().toLowerCase() : undefined), z.string().refine(isGuid, 'outgoing.validation.code').optional());

/** The outgoing block of Settings → Integrations → Exact Online → Planning, for one division. */
export const OutgoingForm = z.object({
  productionOrderOutbound: box,
  shopOrderTime: box,
  shopOrderPlannedDate: box,
  projectOutbound: box,
  salesOrderOutbound: box,
  salesOrderDeliveryDate: box,
  ...Object.fromEntries(SELECTION_STATUSES.flatMap((s) => [[`sales_${s}`, code], [`shop_${s}`, code]])),
}).transform((f) => {
  const r = f as Record<string, unknown>;
  const codes = (group: 'sales' | 'shop') => Object.fromEntries(SELECTION_STATUSES.filter((s) => r[`${group}_${s}`]).map((s) => [s, String(r[`${group}_${s}`])]));
  return {
    productionOrderOutbound: f.productionOrderOutbound, shopOrderTime: f.shopOrderTime, shopOrderPlannedDate: f.shopOrderPlannedDate,
    projectOutbound: f.projectOutbound, salesOrderOutbound: f.salesOrderOutbound, salesOrderDeliveryDate: f.salesOrderDeliveryDate,
    selectionCodes: { sales: codes('sales'), shop: codes('shop') },
  };
});
export type OutgoingInput = z.infer<typeof OutgoingForm>;
