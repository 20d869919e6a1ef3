import { Decimal } from 'decimal.js';
import type { Product, ProductGroup } from './product.entity.js';

/** The id of a reference as a select's value ('' for none). */
export const idOf = (x?: { id: number } | null) => (x ? String(x.id) : '');

/** A checkbox that was not ticked is absent from the body; on a re-rendered form it must stay unticked. */
export const withCheckbox = (body: Record<string, unknown>, name: string) => ({ ...body, [name]: body[name] === 'on' || body[name] === 'true' });

/** The product form's values of a stored product. */
export const productValues = (p: Product) => ({
  code: p.code,
  name: p.name,
  unitPrice: p.unitPrice == null ? '' : new Decimal(p.unitPrice).toString(),
  vatRateId: idOf(p.vatRate),
  groupId: idOf(p.group),
  glAccountId: idOf(p.glAccount),
  costCenterId: idOf(p.costCenter),
  costUnitId: idOf(p.costUnit),
  active: p.active,
});

export const groupValues = (g: ProductGroup) => ({ name: g.name, glAccountId: idOf(g.glAccount), costCenterId: idOf(g.costCenter), costUnitId: idOf(g.costUnit) });

/** A row of the products list. */
export const productRow = (p: Product) => ({
  id: p.id,
  code: p.code,
  name: p.name,
  unitPrice: p.unitPrice,
  active: p.active,
  vatRate: p.vatRate?.name,
  group: p.group?.name,
  glAccount: p.glAccount ? `${p.glAccount.number} ${p.glAccount.name}` : undefined,
  costCenter: p.costCenter?.code,
  costUnit: p.costUnit?.code,
});

/** A row of the product groups list. */
export const groupRow = (g: ProductGroup) => ({
  id: g.id,
  name: g.name,
  glAccount: g.glAccount ? `${g.glAccount.number} ${g.glAccount.name}` : undefined,
  costCenter: g.costCenter?.code,
  costUnit: g.costUnit?.code,
});

/** The GL account a product books on when its line names none (its own, else its group's), as a hint on the line. */
export function productHint(p: Product) {
  const gl = p.glAccount ?? p.group?.glAccount;
  return gl ? { number: gl.number, name: gl.name, source: p.glAccount ? 'product' : 'group' } : undefined;
}
